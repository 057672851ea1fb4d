import type { HistoryEvent } from '../model';
import type { TokenKeeperDb } from './db';

/** Which history events to read: newest first, optionally for one connection, before a cursor. */
export interface HistoryFilter {
  connectionId?: string;
  before?: number;
  limit: number;
}

/** Reads a page of history, newest first; `hasMore` says whether older events exist. */
export async function queryHistory(
  db: TokenKeeperDb,
  filter: HistoryFilter,
): Promise<{ events: HistoryEvent[]; hasMore: boolean }> {
  const upper = filter.before ?? Infinity;
  const tx = db.transaction('history');
  const cursor =
    filter.connectionId === undefined
      ? await tx.store.index('at').openCursor(IDBKeyRange.upperBound(upper, true), 'prev')
      : await tx.store
          .index('connectionId_at')
          .openCursor(
            IDBKeyRange.bound(
              [filter.connectionId, -Infinity],
              [filter.connectionId, upper],
              false,
              true,
            ),
            'prev',
          );
  const events: HistoryEvent[] = [];
  let current = cursor;
  while (current && events.length < filter.limit) {
    events.push(current.value);
    current = await current.continue();
  }
  const hasMore = current !== null;
  await tx.done;
  return { events, hasMore };
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
