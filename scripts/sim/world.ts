// The simulated browser of one chaos seed: the real engine (`createServices`) on fake-indexeddb, a virtual
// clock with a wall clock that can jump, Chrome's alarms, service-worker generations that stop when idle
// or die anywhere, token servers behind a faulty network — and the operations a person performs.
import { IDBFactory } from 'fake-indexeddb';
import type { Services } from '../../utils/background/services';
import { superviseStart } from '../../utils/background/startup';
import type { AlarmsApi, Clock } from '../../utils/engine/deps';
import type { SecretRecord } from '../../utils/model';
import { openTokenKeeperDb } from '../../utils/store/db';
import { createSimulatedServices, atWorkerStart, deliverAlarm } from './engine';
import { createFakeAlarms, type FakeAlarm, type FakeAlarms } from './fake-alarms';
import { forceClose, setIdbFaultHook } from './idb-faults';
import type { Random } from './prng';
import {
  installSimRuntime,
  openSealedWith,
  setCryptoFaultHook,
  settle,
  useVirtualTimeouts,
} from './sim-runtime';
import {
  createTokenServer,
  ATLASSIAN_LIKE,
  GOOGLE_LIKE,
  SHORT_LIVED,
  type Family,
  type TokenServer,
} from './token-server';
import { createVirtualClock, type VirtualClock } from './virtual-clock';
import {
  currentWorker,
  never,
  runInWorker,
  WORKER_IDLE_MS,
  type WorkerGeneration,
} from './worker-context';
import type { FaultInjector } from './faults';
import { createNetwork, REQUEST_TIMEOUT_MS, type Network } from './network';

/** `CHAOS_TRACE=1` prints what happens, for reading a failing seed. */
const TRACE = Boolean(process.env.CHAOS_TRACE);

/** Where every seed's clock starts (a Saturday noon, UTC). */
export const SIM_START = Date.UTC(2026, 10, 28, 12);

/** The database name the engine uses in the simulation. */
const DB_NAME = 'token-keeper';

// The month's providers' refresh-token rules, with the lifetimes a seed draws (the profile's own is unused).
const POLICIES = { strict: SHORT_LIVED, leeway: ATLASSIAN_LIKE, static: GOOGLE_LIKE };

/** Which provider behaviour a connection gets. */
export type PolicyName = 'strict' | 'leeway' | 'static';

/** One thing that happens to the simulated browser. */
export type Operation =
  | { kind: 'add'; slot: number; policy: PolicyName; lifetimeSec: number }
  /** Connect or reconnect; `hold` keeps the consent window open until a later consent step. */
  | { kind: 'connect'; slot: number; hold: boolean }
  | { kind: 'consent'; approve: boolean }
  | { kind: 'refresh-now'; slot: number }
  /** Several callers ask for the slot's token at once. */
  | { kind: 'calls'; slot: number; count: number }
  | { kind: 'disconnect'; slot: number }
  | { kind: 'remove'; slot: number }
  | { kind: 'wipe' }
  | { kind: 'settings'; change: Record<string, unknown> }
  /** The browser closes (killing the worker wherever it is) and opens again `closedMs` later. */
  | { kind: 'restart'; closedMs: number; alarmsLost: boolean }
  | { kind: 'clock-jump'; ms: number }
  /** One byte of the slot's stored secret flips on disk. */
  | { kind: 'corrupt'; slot: number }
  /** The key record disappears from disk (noticed at the next worker start). */
  | { kind: 'lose-key' };

/** A connection the simulation added, and the server behind it. */
export interface KnownConnection {
  id: string;
  server: TokenServer;
  policy: PolicyName;
  /** Families whose stored secrets were damaged on purpose (corrupt, lose-key): not ours to keep. */
  damaged: Set<number>;
  /** Damaged on purpose and not connected again since: an unreadable record is expected. */
  unreadableExpected: boolean;
}

/** A consent window the person has not answered yet. */
interface HeldConsent {
  server: TokenServer;
  url: string;
  answer: (url: string) => void;
  refuse: (error: Error) => void;
  worker: WorkerGeneration;
}

/** The running worker generation. */
interface Running {
  worker: WorkerGeneration;
  services: Promise<Services>;
  /** Tasks in flight (an event's handling); the worker is idle at 0. */
  busy: number;
  lastActive: number;
}

/** A token handed out to a caller, for the "no dead token" check. */
export interface HandedOut {
  at: number;
  connectionId: string;
  /** Whether the provider accepted it at that moment. */
  valid: boolean;
  /** Its grant, and whether the grant was already revoked when it was handed out. */
  family: Family | undefined;
  familyRevoked: boolean;
  /** The engine's (wall) clock when it was handed out. */
  wallAt: number;
  /** How far the wall clock moved against real time since the token was issued (negative: went back). */
  clockMovedSinceIssue: number;
}

/** The world of one seed. */
export interface World {
  clock: VirtualClock;
  /** The engine's (wall) clock: simulation time plus the jumps so far. */
  wall: Clock;
  alarms: FakeAlarms;
  network: Network;
  faults: FaultInjector;
  known: KnownConnection[];
  slots: (KnownConnection | undefined)[];
  /** Connections removed (by Remove or Remove all data): they must never come back. */
  removed: Set<string>;
  handedOut: HandedOut[];
  /** Generations killed mid-work (the browser or the worker died); their deliveries are excused. */
  killed: Set<number>;
  /** Refresh tokens seen in storage at some point (their loss later would be ours). */
  everStored: Set<string>;
  /** Grants revoked by a reuse no client could have avoided (a lost answer): their dead tokens are excused. */
  excused: Set<Family>;
  browserUp(): boolean;
  /** The live worker, if one is running. */
  running(): Running | undefined;
  /** Whether the wall clock jumped since the refresh alarm was last set (the plan and the alarm then disagree). */
  jumpedSinceAlarmSet(): boolean;
  /**
   * Whether some worker has finished a start's reconcile since the browser last lost its alarms: until
   * then nothing can have re-created them (a worker killed while starting runs none of our code).
   */
  alarmsRebuilt(): boolean;
  /** Whether the browser was open, with background refresh on, all through [from, to) (simulation time). */
  upAndEnabled(from: number, to: number): boolean;
  /** Whether the wall clock went back during [from, to): alarms (wall-clock times) then fire that much later. */
  clockWentBack(from: number, to: number): boolean;
  /** Whether nothing is in flight (the at-rest invariants may be checked). */
  atRest(): boolean;
  /** Moves time to `at`, firing timers and alarms and stopping an idle worker on the way. */
  advanceTo(at: number): Promise<void>;
  /** Performs one operation (it may go on in the background, across later steps). */
  perform(op: Operation): Promise<void>;
  /** Opens the database from outside the engine (no faults), for checks. */
  inspect<T>(read: (db: Awaited<ReturnType<typeof openTokenKeeperDb>>) => Promise<T>): Promise<T>;
  /** Reads a stored secret with the stored key, outside the engine. */
  storedSecrets(): Promise<Map<string, SecretRecord | 'unreadable'>>;
  /** Secrets the live worker holds in memory only. */
  unsaved(): Promise<string[]>;
  /** Errors thrown where nothing should throw (engine tasks). */
  readonly crashes: unknown[];
  dispose(): void;
}

/** Whether two stored simulation keys are the same key (each read from IndexedDB is a fresh copy). */
function sameKey(a: unknown, b: unknown): boolean {
  const bytes = (key: unknown) =>
    Buffer.from((key as { benchAesGcmKey: Uint8Array }).benchAesGcmKey);
  return bytes(a).equals(bytes(b));
}

/** Builds the world of a seed; `random` drives latencies, restarts and the engine's jitter. */
export function createWorld(random: Random, faults: FaultInjector): World {
  installSimRuntime();
  globalThis.indexedDB = new IDBFactory();
  const clock = createVirtualClock(SIM_START);
  let offset = 0;
  const wall: Clock = { now: () => clock.now() + offset };
  const alarms = createFakeAlarms(wall);
  const known: KnownConnection[] = [];
  const slots: (KnownConnection | undefined)[] = [];
  const servers = new Map<string, TokenServer>();
  const removed = new Set<string>();
  const handedOut: HandedOut[] = [];
  const killed = new Set<number>();
  const everStored = new Set<string>();
  const excused = new Set<Family>();
  const crashes: unknown[] = [];
  const consents: HeldConsent[] = [];
  const databases = new Map<WorkerGeneration, Set<IDBDatabase>>();
  const owners = new WeakMap<IDBDatabase, WorkerGeneration>();
  const engineRandom = random.fork('engine');
  let generations = 0;
  let ids = 0;
  let running: Running | undefined;
  let up = true;
  let reopenAt = Infinity;
  let keyLost = false;
  // The wall clock's offset over time, for what the engine could have known when.
  const offsets: { at: number; offset: number }[] = [{ at: -Infinity, offset: 0 }];
  const offsetAt = (at: number) => offsets.filter((o) => o.at <= at).at(-1)!.offset;
  let alarmsRebuilt = true;
  // Spans when nothing could refresh: the browser closed, or background refresh switched off.
  const quiet: [number, number][] = [];
  let downSince = 0;
  let enabledSince: number | undefined = SIM_START;
  const keysSeen: unknown[] = [];
  let lastJumpAt = -Infinity;
  let lastAlarmSetAt = -Infinity;
  let serverCount = 0;

  const trace = (what: string) => {
    if (!TRACE) return;
    const minutes = ((clock.now() - SIM_START) / 60_000).toFixed(3);
    process.stderr.write(
      `  [${minutes} min, wall ${offset >= 0 ? '+' : ''}${offset / 1000} s] ${what}\n`,
    );
  };

  const network = createNetwork({
    clock,
    random: random.fork('network'),
    faults,
    serverAt: (url) => servers.get(new URL(url).origin),
    kill: (worker) => kill(worker, 'browser'),
    trace,
  });

  setIdbFaultHook((operation, db) => {
    const worker = currentWorker();
    if (!worker) return undefined;
    if (!owners.has(db)) {
      owners.set(db, worker);
      const set = databases.get(worker) ?? new Set<IDBDatabase>();
      set.add(db);
      databases.set(worker, set);
    }
    if (worker.dead) return 'closed';
    if (
      operation.stores.includes('secrets') &&
      operation.write &&
      operation.method !== 'transaction'
    ) {
      trace(`worker ${worker.id}: ${operation.method} secrets`);
    }
    const fault = faults.storage(operation);
    if (fault) trace(`storage fault ${fault} at ${operation.method} ${operation.stores.join(',')}`);
    if (fault === 'kill') {
      kill(worker, random.chance(0.5) ? 'browser' : 'worker');
      return 'closed';
    }
    return fault;
  });
  setCryptoFaultHook(() => {
    const worker = currentWorker();
    if (!worker) return false;
    if (worker.dead) return true;
    const fault = faults.crypto();
    if (fault === 'kill') kill(worker, random.chance(0.5) ? 'browser' : 'worker');
    return fault !== undefined;
  });
  const restoreTimeouts = useVirtualTimeouts(clock, (callback) => {
    const worker = currentWorker();
    return () => {
      if (worker?.dead) return;
      if (worker) runInWorker(worker, callback);
      else callback();
    };
  });

  /** The worker dies where it stands; `browser` also closes the browser for a while. */
  function kill(worker: WorkerGeneration, scope: 'worker' | 'browser'): void {
    if (worker.dead) return;
    trace(`worker ${worker.id} killed (${scope})`);
    worker.dead = true;
    killed.add(worker.id);
    // The close event runs the dying worker's handlers (it reopens): as its code, so they go nowhere.
    for (const db of databases.get(worker) ?? []) runInWorker(worker, () => forceClose(db));
    network.forget(worker);
    for (const consent of consents.filter((c) => c.worker === worker)) {
      consents.splice(consents.indexOf(consent), 1);
    }
    if (running?.worker === worker) {
      running = undefined;
    }
    if (scope === 'browser' && up) {
      up = false;
      downSince = clock.now();
      reopenAt = clock.now() + random.int(1_000, 20 * 60_000);
    }
  }

  function stopIdle(): void {
    if (!running) return;
    trace(`worker ${running.worker.id} stopped (idle)`);
    running.worker.dead = true;
    for (const db of databases.get(running.worker) ?? []) db.close();
    running = undefined;
  }

  /** Alarms as one generation sees them: a dead worker's calls go nowhere. */
  function alarmsFor(worker: WorkerGeneration): AlarmsApi {
    return {
      get: (name) => (worker.dead ? never() : alarms.get(name)),
      create: (name, info) => {
        if (worker.dead) return never();
        if (name === 'refresh') lastAlarmSetAt = clock.now();
        trace(
          `alarm ${name} set for ${(((info.when ?? wall.now()) - offset - SIM_START) / 60_000).toFixed(3)} min`,
        );
        return alarms.create(name, info);
      },
      clear: (name) => {
        if (worker.dead) return never();
        trace(`alarm ${name} cleared`);
        return alarms.clear(name);
      },
    };
  }

  function startWorker(): Running {
    generations += 1;
    const worker: WorkerGeneration = { id: generations, dead: false };
    trace(`worker ${worker.id} starts`);
    if (keyLost) {
      for (const entry of known) markDamaged(entry);
      keyLost = false;
    }
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => clock.setTimer(() => !worker.dead && resolve(), ms));
    const services = runInWorker(
      worker,
      () =>
        superviseStart({
          // The worker's own supervisor: a start that fails is tried again (utils/background/startup.ts).
          sleep,
          now: wall.now,
          random: engineRandom.next,
          log: () => undefined,
          start: () =>
            createSimulatedServices({
              alarms: alarmsFor(worker),
              authorize: (url) => consent(worker, url),
              clock: wall,
              dbName: DB_NAME,
              requestOptions: {
                fetch: network.fetchFor(worker) as typeof fetch,
                timeoutMs: REQUEST_TIMEOUT_MS,
              },
              sleep,
              // What entrypoints/background.ts does with API calls: the worker is not idle meanwhile.
              keepAlive: (work) => busyWhile(started, work),
              random: engineRandom.next,
              alerts: { show: async () => undefined, clear: async () => undefined },
              newId: () => `c${(ids += 1)}`,
            }),
        }).ready,
    );
    const started: Running = { worker, services, busy: 0, lastActive: clock.now() };
    running = started;
    // R1: every start reconciles (what entrypoints/background.ts does at the top level).
    track(started, (s) =>
      atWorkerStart(s, () => {
        if (!worker.dead) alarmsRebuilt = true;
      }),
    );
    return started;
  }

  /** Keeps `target` from idling while `work` runs (the engine's keepAlive). */
  async function busyWhile<T>(target: Running, work: () => Promise<T>): Promise<T> {
    target.busy += 1;
    try {
      return await work();
    } finally {
      target.busy -= 1;
      target.lastActive = clock.now();
    }
  }

  /** Runs `work` as an event of the worker: it is busy until the work ends. */
  function track(target: Running, work: (services: Services) => Promise<unknown>): Promise<void> {
    return busyWhile(target, () =>
      runInWorker(target.worker, async () => {
        try {
          await work(await target.services);
        } catch (error) {
          if (!target.worker.dead) crashes.push(error);
          if (process.env.CHAOS_DEBUG)
            process.stderr.write(
              `task threw: ${String(error)}\n${(error as Error)?.stack?.split('\n').slice(0, 6).join('\n')}\n`,
            );
        }
      }),
    );
  }

  /** An event for the worker (starting it first when it is not running); nothing while the browser is closed. */
  function event(work: (services: Services) => Promise<unknown>): Promise<void> | undefined {
    if (!up) return undefined;
    const target = running ?? startWorker();
    return track(target, work);
  }

  /** The consent window: answered now, or held until a `consent` step answers it. */
  function consent(worker: WorkerGeneration, url: string): Promise<string> {
    const server = servers.get(new URL(url).origin);
    if (!server) return Promise.reject(new Error('No such provider.'));
    if (!holding.delete(server)) return Promise.resolve(server.consent(url, clock.now()));
    // The window is the person's time, not the worker's work: it does not keep the worker busy.
    const target = running?.worker === worker ? running : undefined;
    if (target) target.busy -= 1;
    return new Promise<string>((answer, refuse) => {
      consents.push({ server, url, worker, answer, refuse });
    }).finally(() => {
      if (target && !worker.dead) target.busy += 1;
    });
  }
  // Servers whose next consent window stays open until a `consent` step.
  const holding = new Set<TokenServer>();

  function addServer(policy: PolicyName, lifetimeSec: number): TokenServer {
    serverCount += 1;
    const server = createTokenServer(`p${serverCount}`, POLICIES[policy], lifetimeSec);
    servers.set(new URL(server.issuer).origin, server);
    return server;
  }

  async function perform(op: Operation): Promise<void> {
    trace(`step ${JSON.stringify(op)}`);
    const slot = 'slot' in op ? slots[op.slot] : undefined;
    switch (op.kind) {
      case 'add': {
        const server = addServer(op.policy, op.lifetimeSec);
        void event(async (s) => {
          const added = await s.lifecycle.add({
            provider: 'custom',
            label: `Slot ${op.slot}`,
            clientId: 'sim-client',
            scopes: ['offline_access'],
            issuer: server.issuer,
          });
          if (added.ok) {
            const entry: KnownConnection = {
              id: added.value.id,
              server,
              policy: op.policy,
              damaged: new Set(),
              unreadableExpected: false,
            };
            known.push(entry);
            slots[op.slot] = entry;
          }
        });
        return;
      }
      case 'connect':
        if (!slot) return;
        if (op.hold) holding.add(slot.server);
        void event(async (s) => {
          const outcome = await s.lifecycle.connect(slot.id);
          if (outcome.ok) slot.unreadableExpected = false;
          trace(`connect ${slot.id}: ${outcome.ok ? 'ok' : JSON.stringify(outcome.error)}`);
        });
        return;
      case 'consent': {
        const waiting = consents.shift();
        if (!waiting) return;
        if (op.approve) waiting.answer(waiting.server.consent(waiting.url, clock.now()));
        else waiting.refuse(new Error('The consent window closed without an answer.'));
        return;
      }
      case 'refresh-now':
        if (slot) void event((s) => s.refresher.refresh(slot.id, 'manual'));
        return;
      case 'calls':
        if (!slot) return;
        for (let i = 0; i < op.count; i += 1) {
          void event(async (s) => {
            const answer = await s.accessToken(slot.id, 60);
            trace(
              `token for ${slot.id}: ${answer.ok ? `expires at wall ${((answer.value.expiresAt - SIM_START) / 60_000).toFixed(3)} min` : answer.error.code}`,
            );
            if (answer.ok) recordHandedOut(slot, answer.value.accessToken);
          });
        }
        return;
      case 'disconnect':
        if (slot) void event((s) => s.lifecycle.disconnect(slot.id));
        return;
      case 'remove':
        if (!slot) return;
        void event(async (s) => {
          const outcome = await s.lifecycle.remove(slot.id);
          if (outcome.ok) removed.add(slot.id);
        });
        return;
      case 'wipe':
        void event(async (s) => {
          const ids = await s.db.getAllKeys('connections').catch(() => [] as string[]);
          await s.wipe();
          for (const id of ids) removed.add(id);
        });
        return;
      case 'settings':
        void event(async (s) => {
          const saved = await s.saveSettings(op.change);
          if (!saved.ok) return;
          if (!saved.settings.enabled && enabledSince !== undefined) {
            quiet.push([enabledSince, Infinity]);
            enabledSince = undefined;
          } else if (saved.settings.enabled && enabledSince === undefined) {
            const open = quiet.findIndex(([, to]) => to === Infinity);
            if (open >= 0) quiet[open] = [quiet[open]![0], clock.now()];
            enabledSince = clock.now();
          }
        });
        return;
      case 'restart':
        if (running) kill(running.worker, 'browser');
        if (up) downSince = clock.now();
        up = false;
        reopenAt = clock.now() + op.closedMs;
        if (op.alarmsLost) {
          alarms.clearAll();
          alarmsRebuilt = false;
        }
        return;
      case 'clock-jump':
        offset += op.ms;
        lastJumpAt = clock.now();
        offsets.push({ at: clock.now(), offset });
        return;
      case 'corrupt':
        if (slot) await corrupt(slot);
        return;
      case 'lose-key':
        await inspect((db) => db.delete('keys', 'secrets'));
        for (const entry of known) markDamaged(entry);
        // A running worker keeps sealing with the key it holds: all of that is unreadable to the next one.
        keyLost = true;
        return;
    }
  }

  function recordHandedOut(entry: KnownConnection, accessToken: string): void {
    const family = entry.server.familyOfAccessToken(accessToken);
    const issuedAt = entry.server.issuedAt(accessToken) ?? clock.now();
    handedOut.push({
      at: clock.now(),
      connectionId: entry.id,
      valid: entry.server.isValid(accessToken, clock.now()),
      family,
      familyRevoked: family !== undefined && family.revokedAt !== null,
      wallAt: wall.now(),
      clockMovedSinceIssue: offset - offsetAt(issuedAt),
    });
  }

  /** Whatever is stored now is damaged: every grant so far (a later consent starts clean). */
  function markDamaged(entry: KnownConnection): void {
    const families = entry.server.families();
    for (const family of families) entry.damaged.add(family.id);
    entry.unreadableExpected = true;
  }

  async function corrupt(entry: KnownConnection): Promise<void> {
    const changed = await inspect(async (db) => {
      const sealed = await db.get('secrets', entry.id);
      if (!sealed) return false;
      const data = new Uint8Array(sealed.data.slice(0));
      data[data.length - 1] = data[data.length - 1]! ^ 0x40;
      await db.put('secrets', { ...sealed, data: data.buffer });
      return true;
    });
    if (changed) markDamaged(entry);
  }

  // The checks' own connection, kept open between checks; it yields when Remove all data deletes the
  // database, and is opened again on the next check.
  let inspector: Awaited<ReturnType<typeof openTokenKeeperDb>> | undefined;
  async function inspect<T>(
    read: (db: Awaited<ReturnType<typeof openTokenKeeperDb>>) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      inspector ??= await openTokenKeeperDb(DB_NAME);
      try {
        return await read(inspector);
      } catch (error) {
        if (attempt > 0 || (error as Error).name !== 'InvalidStateError') throw error;
        inspector = undefined;
      }
    }
  }

  async function storedSecrets(): Promise<Map<string, SecretRecord | 'unreadable'>> {
    return inspect(async (db) => {
      const key = await db.get('keys', 'secrets');
      if (key && !keysSeen.some((seen) => sameKey(seen, key))) keysSeen.unshift(key);
      const result = new Map<string, SecretRecord | 'unreadable'>();
      for (const sealed of await db.getAll('secrets')) {
        const record = openWithAnyKey(sealed);
        result.set(sealed.connectionId, record ?? 'unreadable');
        if (record?.refreshToken) everStored.add(record.refreshToken);
      }
      return result;
    });
  }

  /** Opens a sealed secret with the stored key or, after lose-key, one a running worker still holds. */
  function openWithAnyKey(sealed: Parameters<typeof openSealedWith>[1]): SecretRecord | undefined {
    for (const key of keysSeen) {
      try {
        return openSealedWith(key, sealed) as SecretRecord;
      } catch {
        // Not this key (or a damaged record): try the next.
      }
    }
    return undefined;
  }

  async function advanceTo(at: number): Promise<void> {
    for (;;) {
      const timerAt = clock.nextTimerAt() ?? Infinity;
      const alarm = up ? alarms.next() : undefined;
      const alarmAt = alarm ? Math.max(clock.now(), alarm.scheduledTime - offset) : Infinity;
      const openAt = up ? Infinity : Math.max(clock.now(), reopenAt);
      const next = Math.min(timerAt, alarmAt, openAt);
      if (next > at) break;
      if (running && running.busy === 0 && next - running.lastActive > WORKER_IDLE_MS) {
        if (!consents.some((c) => c.worker === running!.worker)) stopIdle();
      }
      if (next === timerAt) {
        clock.fireNextTimer();
      } else if (next === openAt) {
        clock.advanceTo(next);
        up = true;
        quiet.push([downSince, clock.now()]);
        reopenAt = Infinity;
        startWorker();
      } else if (alarm) {
        clock.advanceTo(next);
        fireAlarm(alarm);
      }
      await settle();
    }
    clock.advanceTo(at);
    if (running && running.busy === 0 && at - running.lastActive > WORKER_IDLE_MS) {
      if (!consents.some((c) => c.worker === running!.worker)) stopIdle();
    }
    await settle();
  }

  function fireAlarm(alarm: FakeAlarm): void {
    const fired = alarms.fire(alarm.name, wall.now());
    if (!fired) return;
    trace(
      `alarm ${alarm.name} fires (set for ${((alarm.scheduledTime - offset - SIM_START) / 60_000).toFixed(3)} min)`,
    );
    void event((s) => deliverAlarm(s, fired));
  }

  return {
    clock,
    wall,
    alarms,
    network,
    faults,
    known,
    slots,
    removed,
    handedOut,
    killed,
    everStored,
    excused,
    crashes,
    browserUp: () => up,
    running: () => running,
    jumpedSinceAlarmSet: () => lastJumpAt > lastAlarmSetAt,
    alarmsRebuilt: () => alarmsRebuilt,
    upAndEnabled: (from, to) =>
      (up || downSince >= to) && quiet.every(([a, b]) => b <= from || a >= to),
    clockWentBack: (from, to) =>
      offsets.some(
        (o, i) => i > 0 && o.at >= from && o.at < to && o.offset < offsets[i - 1]!.offset,
      ),
    atRest: () => up && (running === undefined || running.busy === 0),
    advanceTo,
    perform,
    inspect,
    storedSecrets,
    async unsaved() {
      if (!running) return [];
      const services = await running.services.catch(() => undefined);
      return services ? services.refresher.secrets.unsaved() : [];
    },
    dispose() {
      for (const consent of consents) consent.refuse(new Error('The simulation ended.'));
      setIdbFaultHook();
      setCryptoFaultHook();
      restoreTimeouts();
      if (running) running.worker.dead = true;
      inspector?.close();
    },
  } satisfies World & { dispose(): void };
}
