import type { IDBPCursorWithValue, IDBPTransaction } from 'idb';
import { errorName } from '../error-text';
import type { HistoryCriteria, HistoryEvent, HistoryKind, HistoryOutcome } from '../model';
import type { TokenKeeperDb, TokenKeeperSchema } from './db';

/** Where the previous page ended: the last event shown. Events are ordered by `at`, then `id`. */
export interface HistoryCursor {
  at: number;
  id: number;
}

/** A page request: the criteria, where the last page ended, and how many events to return. */
export interface HistoryFilter extends HistoryCriteria {
  after?: HistoryCursor;
  limit: number;
}

/**
 * The outcomes each kind can have. Filtering by outcome walks only the kinds that can have it (then
 * checks `ok`), so "failed only" never scans the many successful refreshes. Rare kinds list both to
 * stay right whatever the engine records; `Record` makes a new kind a compile error here.
 */
export const OUTCOMES_BY_KIND: Record<HistoryKind, readonly HistoryOutcome[]> = {
  connected: ['ok', 'failed'],
  refreshed: ['ok'],
  'refresh-failed': ['failed'],
  'retry-scheduled': ['failed'],
  'needs-reconnect': ['failed'],
  disconnected: ['ok', 'failed'],
  recovered: ['ok'],
  'access-requested': ['ok'],
  'access-granted': ['ok'],
  'access-denied': ['ok'],
  'access-revoked': ['ok'],
  'token-issued': ['ok', 'failed'],
  'policy-added': ['ok'],
  'policy-changed': ['ok'],
  'policy-removed': ['ok', 'failed'],
  'policy-invalid': ['failed'],
  edited: ['ok'],
  imported: ['ok'],
};

type HistoryIndex = 'at' | 'connectionId_at' | 'kind_at' | 'connectionId_kind_at';
type ReadTx = IDBPTransaction<TokenKeeperSchema, ['history'], 'readonly' | 'readwrite'>;
type HistoryCursorValue = IDBPCursorWithValue<
  TokenKeeperSchema,
  ['history'],
  'history',
  HistoryIndex,
  'readonly' | 'readwrite'
>;

/** Which index to walk and the key ranges on it; their union, merged by time, is the result. */
interface Plan {
  index: HistoryIndex;
  ranges: IDBKeyRange[];
  /** What the index cannot decide and is checked per event. */
  accept: (event: HistoryEvent) => boolean;
}

/** Picks the narrowest index for the criteria: one range per (connection?, kind?) prefix, `at` last. */
export function planHistoryQuery(criteria: HistoryCriteria, after?: HistoryCursor): Plan | null {
  const kinds = kindsFor(criteria);
  if (kinds !== undefined && kinds.length === 0) return null;
  const low = criteria.from ?? -Infinity;
  // The cursor's own millisecond stays in range: events sharing it are told apart by id.
  const high = Math.min(criteria.to ?? Infinity, after?.at ?? Infinity);
  const highOpen = after === undefined || (criteria.to !== undefined && criteria.to <= after.at);
  if (low > high || (low === high && highOpen)) return null;
  const range = (prefix: string[]) =>
    prefix.length === 0
      ? IDBKeyRange.bound(low, high, false, highOpen)
      : IDBKeyRange.bound([...prefix, low], [...prefix, high], false, highOpen);
  const { connectionId } = criteria;
  const outcome = criteria.outcome;
  const accept = (event: HistoryEvent) => outcome === undefined || event.ok === (outcome === 'ok');
  if (kinds === undefined) {
    return connectionId === undefined
      ? { index: 'at', ranges: [range([])], accept }
      : { index: 'connectionId_at', ranges: [range([connectionId])], accept };
  }
  return connectionId === undefined
    ? { index: 'kind_at', ranges: kinds.map((kind) => range([kind])), accept }
    : {
        index: 'connectionId_kind_at',
        ranges: kinds.map((kind) => range([connectionId, kind])),
        accept,
      };
}

/** The kinds to walk: the requested ones, narrowed to those that can have the requested outcome. */
function kindsFor(criteria: HistoryCriteria): readonly HistoryKind[] | undefined {
  const { kinds, outcome } = criteria;
  if (outcome === undefined) return kinds === undefined ? undefined : [...new Set(kinds)];
  const candidates = kinds ?? (Object.keys(OUTCOMES_BY_KIND) as HistoryKind[]);
  return [...new Set(candidates)].filter((kind) => OUTCOMES_BY_KIND[kind]?.includes(outcome));
}

/** Orders events newest first: by time, then by id (events committed together share a time). */
function newerFirst(a: HistoryEvent, b: HistoryEvent): number {
  return b.at - a.at || (b.id ?? 0) - (a.id ?? 0);
}

/** Whether `event` comes after the cursor in newest-first order (is older than the last one shown). */
function isPast(event: HistoryEvent, after: HistoryCursor | undefined): boolean {
  return (
    after === undefined || event.at < after.at || (event.at === after.at && event.id! < after.id)
  );
}

/**
 * Walks the events matching `criteria`, newest first, calling `visit` until it returns false.
 * One cursor per range of the plan, merged by (at, id): every step reads one record, so a page
 * costs about its own size however many events the store holds.
 */
async function walkHistory(
  tx: ReadTx,
  criteria: HistoryCriteria,
  after: HistoryCursor | undefined,
  visit: (event: HistoryEvent) => boolean,
): Promise<void> {
  const plan = planHistoryQuery(criteria, after);
  if (plan === null) return;
  const index = tx.objectStore('history').index(plan.index);
  const heads: (HistoryCursorValue | null)[] = await Promise.all(
    plan.ranges.map(async (range) => skipSeen(await index.openCursor(range, 'prev'), after)),
  );
  for (;;) {
    let newest = -1;
    for (let i = 0; i < heads.length; i += 1) {
      const head = heads[i];
      if (head && (newest < 0 || newerFirst(head.value, heads[newest]!.value) < 0)) newest = i;
    }
    if (newest < 0) return;
    const cursor = heads[newest]!;
    if (plan.accept(cursor.value) && !visit(cursor.value)) return;
    heads[newest] = await cursor.continue();
  }
}

/** Steps over the events of the cursor's millisecond that the previous page already showed. */
async function skipSeen(
  cursor: HistoryCursorValue | null,
  after: HistoryCursor | undefined,
): Promise<HistoryCursorValue | null> {
  let current = cursor;
  while (current && !isPast(current.value, after)) current = await current.continue();
  return current;
}

/** Reads a page of history, newest first; `hasMore` says whether older matching events exist. */
export async function queryHistory(
  db: TokenKeeperDb,
  filter: HistoryFilter,
): Promise<{ events: HistoryEvent[]; hasMore: boolean }> {
  const tx = db.transaction('history');
  const events: HistoryEvent[] = [];
  let hasMore = false;
  await walkHistory(tx, filter, filter.after, (event) => {
    if (events.length === filter.limit) {
      hasMore = true;
      return false;
    }
    events.push(event);
    return true;
  });
  await tx.done;
  return { events, hasMore };
}

/** Calls `visit` for every event matching `criteria`, newest first, in one read transaction (export). */
export async function forEachHistoryEvent(
  db: TokenKeeperDb,
  criteria: HistoryCriteria,
  visit: (event: HistoryEvent) => void,
): Promise<number> {
  const tx = db.transaction('history');
  let count = 0;
  await walkHistory(tx, criteria, undefined, (event) => {
    visit(event);
    count += 1;
    return true;
  });
  await tx.done;
  return count;
}

/** Every event in [from, to), oldest first (health figures read a period at once). */
export async function historyBetween(
  db: TokenKeeperDb,
  from: number,
  to: number,
): Promise<HistoryEvent[]> {
  const events = await db.getAllFromIndex(
    'history',
    'at',
    IDBKeyRange.bound(from, to, false, true),
  );
  return events;
}

/** The newest event of one of `kinds` for a connection before `before`, or null. */
export async function lastEventBefore(
  db: TokenKeeperDb,
  connectionId: string,
  kinds: readonly HistoryKind[],
  before: number,
): Promise<HistoryEvent | null> {
  const page = await queryHistory(db, { connectionId, kinds, to: before, limit: 1 });
  return page.events[0] ?? null;
}

/** Deletes every history event; returns how many went. */
export async function clearHistory(db: TokenKeeperDb): Promise<number> {
  const tx = db.transaction('history', 'readwrite');
  const [removed] = await Promise.all([tx.store.count(), tx.store.clear(), tx.done]);
  return removed;
}

/** Deletes events older than `olderThan` (retention); returns how many went. */
export async function pruneHistory(db: TokenKeeperDb, olderThan: number): Promise<number> {
  const tx = db.transaction('history', 'readwrite');
  let removed = 0;
  let cursor = await tx.store.index('at').openCursor(IDBKeyRange.upperBound(olderThan, true));
  while (cursor) {
    await cursor.delete();
    removed += 1;
    cursor = await cursor.continue();
  }
  await tx.done;
  return removed;
}

/** Most events kept whatever their age: history must never fill the disk that token writes need. */
export const MAX_HISTORY_EVENTS = 200_000;

/** Deletes the `count` oldest events (to make room, e.g. after a quota error); returns how many went. */
export async function pruneOldestHistory(db: TokenKeeperDb, count: number): Promise<number> {
  if (count <= 0) return 0;
  const tx = db.transaction('history', 'readwrite');
  let removed = 0;
  // Auto-increment keys follow insertion order: the primary key walks oldest first without an index.
  let cursor = await tx.store.openCursor();
  while (cursor && removed < count) {
    await cursor.delete();
    removed += 1;
    cursor = await cursor.continue();
  }
  await tx.done;
  return removed;
}

/** Keeps at most `max` events, deleting the oldest beyond it. */
export async function capHistory(
  db: TokenKeeperDb,
  max: number = MAX_HISTORY_EVENTS,
): Promise<number> {
  const excess = (await db.count('history')) - max;
  return excess > 0 ? pruneOldestHistory(db, excess) : 0;
}

/**
 * Appends events in their own transaction, best effort: history must never block a state or token write,
 * so a failure is logged and dropped (docs/reliability.md#history-best-effort).
 */
export async function appendHistory(db: TokenKeeperDb, events: HistoryEvent[]): Promise<boolean> {
  if (events.length === 0) return true;
  try {
    const tx = db.transaction('history', 'readwrite');
    await Promise.all([...events.map((event) => tx.store.add(event)), tx.done]);
    return true;
  } catch (error) {
    console.warn('History events not recorded', errorName(error));
    return false;
  }
}

/** Hand-outs to one caller this close together share a history row (a polling caller must not flood it). */
export const TOKEN_ISSUED_MERGE_MS = 10 * 60_000;

/**
 * Records a `token-issued` event, best effort like `appendHistory`: merged into the latest row for the same
 * connection, caller and outcome within TOKEN_ISSUED_MERGE_MS (its `count` grows, its time moves on).
 */
export async function recordTokenIssued(db: TokenKeeperDb, event: HistoryEvent): Promise<boolean> {
  try {
    const tx = db.transaction('history', 'readwrite');
    const range = IDBKeyRange.bound(
      [event.connectionId, 'token-issued', event.at - TOKEN_ISSUED_MERGE_MS],
      [event.connectionId, 'token-issued', Infinity],
    );
    let cursor = await tx.store.index('connectionId_kind_at').openCursor(range, 'prev');
    // Several callers may interleave: look back a little way for this one's row.
    for (let looked = 0; cursor && looked < 20; looked += 1) {
      const row = cursor.value;
      if (
        row.caller === event.caller &&
        row.ok === event.ok &&
        row.error?.code === event.error?.code
      ) {
        await cursor.update({ ...row, ...event, id: row.id!, count: (row.count ?? 1) + 1 });
        await tx.done;
        return true;
      }
      cursor = await cursor.continue();
    }
    await tx.store.add(event);
    await tx.done;
    return true;
  } catch (error) {
    console.warn('History event not recorded', errorName(error));
    return false;
  }
}
