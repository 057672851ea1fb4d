import { describe, expect, it } from 'vitest';
import type { HistoryEvent, HistoryKind } from '@/utils/model';
import { commit } from '@/utils/store/commit';
import { openTokenKeeperDb, type TokenKeeperDb } from '@/utils/store/db';
import {
  capHistory,
  clearHistory,
  forEachHistoryEvent,
  historyBetween,
  lastEventBefore,
  planHistoryQuery,
  queryHistory,
  type HistoryFilter,
} from '@/utils/store/history';

const T0 = Date.UTC(2026, 10, 22, 12);

function event(overrides: Partial<HistoryEvent>): HistoryEvent {
  return { connectionId: 'a', at: T0, kind: 'refreshed', ok: true, ...overrides };
}

async function dbWith(events: HistoryEvent[]): Promise<TokenKeeperDb> {
  const db = await openTokenKeeperDb('history-test');
  await commit(db, { events });
  return db;
}

/** Reads every page of a filter and returns the pages as lists of `at`/id labels. */
async function allPages(db: TokenKeeperDb, filter: HistoryFilter): Promise<number[][]> {
  const pages: number[][] = [];
  let after: HistoryFilter['after'];
  for (;;) {
    const page = await queryHistory(db, { ...filter, ...(after ? { after } : {}) });
    pages.push(page.events.map((e) => e.id!));
    const last = page.events.at(-1);
    if (!page.hasMore || !last) return pages;
    after = { at: last.at, id: last.id! };
  }
}

describe('queryHistory', () => {
  it('pages newest first without skipping events that share a millisecond across a page boundary', async () => {
    // Five events in the same millisecond (one commit writes several), then two older ones.
    const db = await dbWith([
      event({ at: T0 - 2 }),
      event({ at: T0 - 1 }),
      ...Array.from({ length: 5 }, () => event({ at: T0 })),
    ]);

    const actual = await allPages(db, { limit: 3 });

    expect(actual).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
  });

  it('filters by connection, keeping the same-millisecond order', async () => {
    const db = await dbWith([
      event({ connectionId: 'a', at: T0 }),
      event({ connectionId: 'b', at: T0 }),
      event({ connectionId: 'a', at: T0 }),
      event({ connectionId: 'a', at: T0 + 1 }),
    ]);

    const actual = await allPages(db, { connectionId: 'a', limit: 2 });

    expect(actual).toEqual([[4, 3], [1]]);
  });

  it('filters by kind across several kinds, merged newest first', async () => {
    const kinds: HistoryKind[] = ['connected', 'refreshed', 'refresh-failed', 'refreshed'];
    const db = await dbWith(kinds.map((kind, i) => event({ kind, at: T0 + i })));

    const actual = await queryHistory(db, { kinds: ['connected', 'refreshed'], limit: 10 });

    expect(actual.events.map((e) => [e.id, e.kind])).toEqual([
      [4, 'refreshed'],
      [2, 'refreshed'],
      [1, 'connected'],
    ]);
    expect(actual.hasMore).toBe(false);
  });

  it('filters by outcome, including kinds that can go either way', async () => {
    const db = await dbWith([
      event({ kind: 'connected', ok: true, at: T0 }),
      event({ kind: 'refresh-failed', ok: false, at: T0 + 1 }),
      event({ kind: 'refreshed', ok: true, at: T0 + 2 }),
      event({ kind: 'disconnected', ok: false, at: T0 + 3 }),
      event({ kind: 'needs-reconnect', ok: false, at: T0 + 4 }),
    ]);

    const failed = await queryHistory(db, { outcome: 'failed', limit: 10 });
    const ok = await queryHistory(db, { outcome: 'ok', limit: 10 });

    expect(failed.events.map((e) => e.kind)).toEqual([
      'needs-reconnect',
      'disconnected',
      'refresh-failed',
    ]);
    expect(ok.events.map((e) => e.kind)).toEqual(['refreshed', 'connected']);
  });

  it('combines connection, kind, outcome and time range', async () => {
    const db = await dbWith([
      event({ connectionId: 'a', kind: 'refresh-failed', ok: false, at: T0 - 10 }),
      event({ connectionId: 'a', kind: 'refresh-failed', ok: false, at: T0 }),
      event({ connectionId: 'b', kind: 'refresh-failed', ok: false, at: T0 + 1 }),
      event({ connectionId: 'a', kind: 'refreshed', ok: true, at: T0 + 2 }),
      event({ connectionId: 'a', kind: 'refresh-failed', ok: false, at: T0 + 5 }),
      event({ connectionId: 'a', kind: 'refresh-failed', ok: false, at: T0 + 6 }),
    ]);

    const actual = await queryHistory(db, {
      connectionId: 'a',
      kinds: ['refresh-failed', 'refreshed'],
      outcome: 'failed',
      from: T0,
      to: T0 + 6,
      limit: 10,
    });

    expect(actual.events.map((e) => e.id)).toEqual([5, 2]);
  });

  it('pages a time range to its end with a cursor inside it', async () => {
    const db = await dbWith(Array.from({ length: 6 }, (_, i) => event({ at: T0 + i })));

    const actual = await allPages(db, { from: T0 + 1, to: T0 + 5, limit: 3 });

    expect(actual).toEqual([[5, 4, 3], [2]]);
  });

  it('returns nothing for an empty kind list or an empty range', async () => {
    const db = await dbWith([event({})]);

    const noKinds = await queryHistory(db, { kinds: [], limit: 10 });
    const emptyRange = await queryHistory(db, { from: T0 + 5, to: T0, limit: 10 });
    const okRefreshFailed = await queryHistory(db, {
      kinds: ['refresh-failed'],
      outcome: 'ok',
      limit: 10,
    });

    expect([noKinds.events, emptyRange.events, okRefreshFailed.events]).toEqual([[], [], []]);
  });

  it('says there is more only when another matching event exists', async () => {
    const db = await dbWith([event({ at: T0 }), event({ at: T0 + 1, kind: 'refresh-failed' })]);

    const exact = await queryHistory(db, { kinds: ['refreshed'], limit: 1 });

    expect(exact.events).toHaveLength(1);
    expect(exact.hasMore).toBe(false);
  });
});

describe('planHistoryQuery', () => {
  it.each<{ filter: Parameters<typeof planHistoryQuery>[0]; index: string; ranges: number }>([
    { filter: {}, index: 'at', ranges: 1 },
    { filter: { connectionId: 'a' }, index: 'connectionId_at', ranges: 1 },
    { filter: { kinds: ['refreshed', 'connected'] }, index: 'kind_at', ranges: 2 },
    { filter: { outcome: 'failed' }, index: 'kind_at', ranges: 8 },
    { filter: { connectionId: 'a', outcome: 'ok' }, index: 'connectionId_kind_at', ranges: 14 },
  ])('walks $index over $ranges range(s) for $filter', ({ filter, index, ranges }) => {
    const actual = planHistoryQuery(filter);

    expect({ index: actual?.index, ranges: actual?.ranges.length }).toEqual({ index, ranges });
  });
});

describe('forEachHistoryEvent', () => {
  it('visits every matching event newest first and counts them', async () => {
    const db = await dbWith(Array.from({ length: 5 }, (_, i) => event({ at: T0 + i })));
    const seen: number[] = [];

    const count = await forEachHistoryEvent(db, { from: T0 + 1 }, (e) => seen.push(e.at - T0));

    expect(count).toBe(4);
    expect(seen).toEqual([4, 3, 2, 1]);
  });
});

describe('historyBetween and lastEventBefore', () => {
  it('reads a period oldest first, and the last event of some kinds before it', async () => {
    const db = await dbWith([
      event({ kind: 'connected', at: T0 - 100 }),
      event({ kind: 'refresh-failed', ok: false, at: T0 - 50 }),
      event({ at: T0 }),
      event({ at: T0 + 10 }),
    ]);

    const period = await historyBetween(db, T0, T0 + 10);
    const before = await lastEventBefore(db, 'a', ['connected', 'refreshed'], T0);
    const none = await lastEventBefore(db, 'b', ['connected'], T0);

    expect(period.map((e) => e.at - T0)).toEqual([0]);
    expect(before?.kind).toBe('connected');
    expect(none).toBeNull();
  });
});

describe('clearHistory', () => {
  it('deletes every event and says how many', async () => {
    const db = await dbWith([event({}), event({}), event({})]);

    const removed = await clearHistory(db);

    expect(removed).toBe(3);
    expect(await db.count('history')).toBe(0);
  });
});

describe('capHistory', () => {
  it('keeps the newest events up to the cap, whatever their age', async () => {
    const db = await dbWith(
      Array.from({ length: 10 }, (_, i) => event({ at: T0 + i * 1000, connectionId: `c${i}` })),
    );

    const removed = await capHistory(db, 4);

    const left = (await db.getAll('history')).map((e) => e.connectionId);
    expect(removed).toBe(6);
    expect(left).toEqual(['c6', 'c7', 'c8', 'c9']);
  });
});
