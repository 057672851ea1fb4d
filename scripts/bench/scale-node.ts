// Section 3, engine side: the scheduler's passes over 1,000 connections and 100,000 history events in
// fake-indexeddb, and how many bytes that data is.
import type { RefreshGrant } from '../../utils/engine/refresher';
import { REFRESH_ALARM, SWEEP_ALARM } from '../../utils/engine/scheduler';
import { commit } from '../../utils/store/commit';
import { openTokenKeeperDb, type TokenKeeperDb } from '../../utils/store/db';
import { openVault } from '../../utils/store/vault';
import { createSimulatedServices } from '../sim/engine';
import { createFakeAlarms } from '../sim/fake-alarms';
import { median } from './stats';
import { syntheticConnections, syntheticHistory } from './synthetic';
import { createVirtualClock } from '../sim/virtual-clock';

/** Scheduling passes at scale (ms, medians) and the stored data's size. */
export interface SchedulingAtScale {
  connections: number;
  events: number;
  /** Writing the data (not a product figure; shows what the rest ran against). */
  seedMs: number;
  /** A worker start with nothing due: sweep check, due query, in-flight scan, re-arm. */
  reconcileMs: number;
  /** The safety-net sweep with nothing due: the same, plus the retention prune over the history. */
  sweepMs: number;
  /** The refresh alarm with one connection due: due query, refresh (instant token endpoint), commit, re-arm. */
  refreshAlarmMs: number;
  /** Serialized size of each store (JSON of the values; binary fields by byte length). */
  bytes: Record<'connections' | 'secrets' | 'history' | 'total', number>;
}

/** Seeds 1,000 connections (with sealed secrets) and 100,000 events, then times the scheduler. */
export async function measureSchedulingAtScale(
  connectionCount = 1_000,
  eventCount = 100_000,
  repeats = 5,
): Promise<SchedulingAtScale> {
  const now = Date.UTC(2026, 3, 1, 12);
  const clock = createVirtualClock(now);
  const dbName = `bench-scale-${connectionCount}-${eventCount}`;
  const seedStarted = performance.now();
  const db = await openTokenKeeperDb(dbName);
  const vault = await openVault(db);
  const connections = syntheticConnections(connectionCount, now);
  const secrets = await Promise.all(
    connections.map((c) =>
      vault.seal({ connectionId: c.id, accessToken: `at-${c.id}`, refreshToken: `rt-${c.id}` }),
    ),
  );
  await commit(db, { connections, secrets });
  const history = syntheticHistory(
    connections.map((c) => c.id),
    eventCount,
    now,
  );
  for (let i = 0; i < history.length; i += 20_000) {
    await commit(db, { events: history.slice(i, i + 20_000) });
  }
  const seedMs = performance.now() - seedStarted;

  const grant: RefreshGrant = async () => ({
    accessToken: 'at-new',
    lifetime: { lifetimeSec: 3600, assumed: false },
  });
  const services = await createSimulatedServices({
    alarms: createFakeAlarms(clock),
    clock,
    dbName,
    grant,
    sleep: async () => undefined,
    random: () => 0.5,
  });
  const time = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };

  const reconcile: number[] = [];
  const sweep: number[] = [];
  const refreshAlarm: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    reconcile.push(await time(() => services.scheduler.reconcile()));
    sweep.push(await time(() => services.scheduler.onAlarm({ name: SWEEP_ALARM })));
    // One connection falls due; the refresh alarm fires for it.
    const due = connections[i * 97]!;
    const stored = (await db.get('connections', due.id))!;
    await db.put('connections', { ...stored, nextRefreshAt: clock.now() - 1_000 });
    refreshAlarm.push(await time(() => services.scheduler.onAlarm({ name: REFRESH_ALARM })));
    // A timing of a pass that did not refresh would be worthless.
    if ((await db.get('connections', due.id))?.lastRefreshAt !== clock.now()) {
      throw new Error(`The refresh alarm did not refresh ${due.id}.`);
    }
  }
  const bytes = await serializedSize(db);
  // The services' 50 ms status broadcast reads the database: let it run before closing.
  await new Promise((resolve) => setTimeout(resolve, 100));
  services.db.close();
  db.close();
  return {
    connections: connectionCount,
    events: eventCount,
    seedMs,
    reconcileMs: median(reconcile),
    sweepMs: median(sweep),
    refreshAlarmMs: median(refreshAlarm),
    bytes,
  };
}

/** Bytes of every record as JSON, with ArrayBuffers and typed arrays counted by their byte length. */
async function serializedSize(db: TokenKeeperDb): Promise<SchedulingAtScale['bytes']> {
  const sizeOf = (value: unknown): number => {
    let binary = 0;
    const json = JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
        binary += v.byteLength;
        return null;
      }
      return v;
    });
    return json.length + binary;
  };
  const total = async (store: 'connections' | 'secrets' | 'history') =>
    (await db.getAll(store)).reduce((sum, value) => sum + sizeOf(value), 0);
  const connections = await total('connections');
  const secrets = await total('secrets');
  const history = await total('history');
  return { connections, secrets, history, total: connections + secrets + history };
}
