import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '@/utils/model';
import { DB_VERSION, openTokenKeeperDb } from '@/utils/store/db';
import { queryHistory } from '@/utils/store/history';

const T0 = Date.UTC(2026, 10, 22, 12);
const FRIEND = 'abcdefghijklmnopabcdefghijklmnop';

/** The schema exactly as version 1 shipped it: what a person upgrading from 0.1 has on disk. */
async function createVersion1(name: string, events: HistoryEvent[]): Promise<void> {
  const db = await openDB(name, 1, {
    upgrade(v1) {
      const connections = v1.createObjectStore('connections', { keyPath: 'id' });
      connections.createIndex('nextRefreshAt', 'nextRefreshAt');
      connections.createIndex('state', 'state');
      v1.createObjectStore('secrets', { keyPath: 'connectionId' });
      const history = v1.createObjectStore('history', { keyPath: 'id', autoIncrement: true });
      history.createIndex('at', 'at');
      history.createIndex('connectionId_at', ['connectionId', 'at']);
      v1.createObjectStore('settings');
      v1.createObjectStore('keys');
    },
  });
  const tx = db.transaction(['history', 'settings'], 'readwrite');
  for (const event of events) await tx.objectStore('history').add(event);
  await tx.objectStore('settings').put({ historyRetentionDays: 7 }, 'settings');
  await tx.done;
  db.close();
}

describe('database migrations', () => {
  it('adds the kind indexes, keeps every event and setting, and serves filtered pages from them', async () => {
    await createVersion1('upgrade-test', [
      { connectionId: 'a', at: T0, kind: 'connected', ok: true },
      { connectionId: 'a', at: T0 + 1, kind: 'refresh-failed', ok: false },
      { connectionId: 'b', at: T0 + 2, kind: 'refreshed', ok: true },
    ]);

    const db = await openTokenKeeperDb('upgrade-test');
    const failed = await queryHistory(db, { outcome: 'failed', limit: 10 });
    const bRefreshed = await queryHistory(db, {
      connectionId: 'b',
      kinds: ['refreshed'],
      limit: 10,
    });

    expect(db.version).toBe(DB_VERSION);
    expect([...db.transaction('history').store.indexNames].sort()).toEqual([
      'at',
      'connectionId_at',
      'connectionId_kind_at',
      'kind_at',
    ]);
    expect(await db.count('history')).toBe(3);
    expect(await db.get('settings', 'settings')).toEqual({ historyRetentionDays: 7 });
    expect(failed.events.map((e) => [e.id, e.kind])).toEqual([[2, 'refresh-failed']]);
    expect(bRefreshed.events.map((e) => e.id)).toEqual([3]);
  });

  it('adds the in-flight index and the meta store at version 3, finding only markers', async () => {
    await createVersion1('upgrade-v3', []);
    const old = await openDB('upgrade-v3', 1);
    await old.put('connections', { id: 'idle', inFlightSince: null, nextRefreshAt: T0 });
    await old.put('connections', { id: 'cut-off', inFlightSince: T0 - 5_000, nextRefreshAt: T0 });
    old.close();

    const db = await openTokenKeeperDb('upgrade-v3');
    const markers = await db.getAllFromIndex('connections', 'inFlightSince');

    expect(markers.map((c) => c.id)).toEqual(['cut-off']);
    expect(await db.count('connections')).toBe(2);
    expect([...db.objectStoreNames]).toContain('meta');
  });

  it('adds the access requests at version 4 and keeps every allow-list as the grants it is', async () => {
    await createVersion1('upgrade-v4', []);
    const old = await openDB('upgrade-v4', 1);
    const allowListed = { id: 'jira', inFlightSince: null, allowedExtensions: [FRIEND] };
    await old.put('connections', allowListed);
    old.close();

    const db = await openTokenKeeperDb('upgrade-v4');
    await db.put('accessRequests', {
      extensionId: FRIEND,
      claimedName: 'Friend',
      reason: 'Reads issues',
      requestedAt: T0,
      status: 'pending',
    });

    expect(await db.get('connections', 'jira')).toEqual(allowListed);
    expect((await db.getAll('accessRequests')).map((r) => r.extensionId)).toEqual([FRIEND]);
  });

  it('creates the whole schema at once on a fresh install', async () => {
    const db = await openTokenKeeperDb('fresh-test');

    expect([...db.objectStoreNames].sort()).toEqual([
      'accessRequests',
      'connections',
      'history',
      'keys',
      'meta',
      'secrets',
      'settings',
    ]);
    expect(db.transaction('history').store.indexNames.length).toBe(4);
    expect([...db.transaction('connections').store.indexNames].sort()).toEqual([
      'inFlightSince',
      'nextRefreshAt',
      'state',
    ]);
  });
});
