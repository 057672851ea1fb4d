import type { HealthPeriod, HealthReport } from '../engine/health';
import type { ExportFormat } from '../engine/history-export';
import {
  exportSetups,
  importSetups,
  previewImport,
  type ImportPreview,
  type ImportResult,
} from '../engine/setups';
import type { HistoryExport, HistoryPage } from '../messaging';
import type {
  ActionResult,
  ConnectionStatus,
  HistoryCriteria,
  LockStatus,
  PolicyProblem,
  StatusSnapshot,
  StoredError,
} from '../model';
import { applyPolicy as applyManaged, type PolicyApplyDeps } from '../managed/apply';
import {
  effectiveSettings,
  fixedSettingErrors,
  personSettingsAfter,
  policySummary,
} from '../managed/merge';
import { isPlainObject, NO_POLICY, parsePolicy, type ManagedPolicy } from '../managed/policy';
import { lockRemovalRefusal, lockRequirement } from '../managed/require-lock';
import { userConnectionsRefusal } from '../managed/user-connections';
import type { RequestOptions } from '../oauth/client';
import { validateSettings, type Settings, type SettingsResult } from '../settings';
import { connectionLabels, listConnections } from '../store/connections';
import { clearHistory, queryHistory, type HistoryFilter } from '../store/history';
import {
  DB_NAME,
  deleteTokenKeeperDb,
  openTokenKeeperDb,
  type ClosedBy,
  type TokenKeeperDb,
} from '../store/db';
import { loadSettings, storeSettings } from '../store/settings-store';
import {
  isVaultLocked,
  memorySessionKeys,
  openVault,
  type SessionKeyStore,
  type Vault,
} from '../store/vault';
import { createAccess, type Access } from '../engine/access';
import type { AccessRequestAlerts } from '../engine/access-requests';
import { wipeAllData } from '../engine/wipe';
import { unneededOrigins } from '../host-origins';
import {
  createLocks,
  systemClock,
  type AlarmsApi,
  type Clock,
  type KeepAlive,
  type Locks,
} from '../engine/deps';
import { createLifecycle, type Authorize, type Lifecycle } from '../engine/lifecycle';
import {
  createRefresher,
  type AlertSink,
  type RefreshGrant,
  type Refresher,
} from '../engine/refresher';
import { createPassphraseLock, LOCKED_ERROR, type PassphraseLock } from '../engine/passphrase-lock';
import { createScheduler, type Scheduler } from '../engine/scheduler';
import { steadily, timerSleep } from '../engine/retrying';
import { errorName } from '../error-text';
import { createSecretKeeper } from '../engine/secrets';
import { toStatus } from '../engine/status';
import { createPushHub, type PushHub } from './push-hub';
import { buildHealthReport, exportHistory } from './reports';

/** What the worker gets from the browser; tests pass fakes. */
export interface Platform {
  alarms: AlarmsApi;
  authorize: Authorize;
  redirectUri: string;
  /** Tells open pages and the badge what changed (the `statusChanged` message carries the snapshot). */
  changed: (snapshot: StatusSnapshot) => void;
  clock?: Clock;
  locks?: Locks;
  dbName?: string;
  grant?: RefreshGrant;
  requestOptions?: RequestOptions;
  /** Waits between quick retries (tests: instant). */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (the benchmark passes a seeded one). */
  random?: () => number;
  isOnline?: () => boolean;
  alerts?: AlertSink;
  /** Tells the person that another extension asks for access (a notification). */
  accessAlerts?: AccessRequestAlerts;
  keepAlive?: KeepAlive;
  /** This extension's id (shown to the user for allow-listing by other extensions). */
  extensionId?: string;
  /** New connection ids (simulations pass a seeded one, so a seed replays exactly). */
  newId?: () => string;
  /** Gives host access back to the browser (`permissions.remove`); absent in tests without a browser. */
  releaseOrigins?: (origins: string[]) => Promise<void>;
  /** The manifest's own host permissions, which cannot be given back. */
  requiredOrigins?: readonly string[];
  /** Reads the organisation's managed configuration (`storage.managed.get()`); absent means none. */
  readPolicy?: () => Promise<unknown>;
  /** Keeps the unlocked data key for the browser session (`chrome.storage.session`); memory when absent. */
  sessionKeys?: SessionKeyStore;
  /** PBKDF2 iterations of the passphrase lock (tests pass fewer; the product's default is 600,000). */
  lockIterations?: number;
  /** Told when the auto-lock time changes (the browser's idle detection follows it). */
  onAutoLockChange?: (minutes: number) => void;
}

/** Everything the worker does, built once per worker start. */
export interface Services {
  db: TokenKeeperDb;
  refresher: Refresher;
  scheduler: Scheduler;
  lifecycle: Lifecycle;
  clock: Clock;
  redirectUri: string;
  snapshot(): Promise<StatusSnapshot>;
  getSettings(): Promise<Settings>;
  saveSettings(change: unknown): Promise<SettingsResult>;
  /** A token valid for at least `minValiditySec`, refreshed on demand if needed (worker-internal callers). */
  accessToken(
    connectionId: string,
    minValiditySec: number,
  ): Promise<ActionResult<{ accessToken: string; expiresAt: number }>>;
  /** Tells pages (and the badge) that something changed. */
  changed(): void;
  /** Who may get tokens from outside (R7), and the answering of their requests. */
  access: Access;
  /** Other extensions' event ports (docs/integration.md#events). */
  push: PushHub;
  /** The optional passphrase lock of the data key (docs/security.md#the-lock). */
  lock: PassphraseLock;
  /** "Remove all data". */
  wipe(): Promise<{ connections: number }>;
  /** This extension's id, which other extensions send their requests to. */
  extensionId: string;
  /** Reads the policy again and brings connections and alarms in line with it (one at a time). */
  applyPolicy(): Promise<void>;
  /** Adds the person's own connection, unless the organisation turned that off. */
  addConnection(input: unknown): Promise<ActionResult<ConnectionStatus>>;
  /** Starts a sign-in, unless the organisation requires a passphrase and none is set. */
  connect(connectionId: string): Promise<ActionResult<ConnectionStatus>>;
  /** Turns the passphrase lock off, unless the organisation requires it. */
  removeLock(passphrase: string): Promise<ActionResult<LockStatus>>;
  /** One page of history, newest first. */
  historyPage(filter: HistoryFilter): Promise<HistoryPage>;
  /** Every event matching `criteria` as one CSV or JSON file. */
  exportHistory(criteria: HistoryCriteria, format: ExportFormat): Promise<HistoryExport>;
  /** Deletes the whole history and tells pages; returns how many events went. */
  clearHistory(): Promise<number>;
  /** The Health section's figures over `period`. */
  health(period: HealthPeriod): Promise<HealthReport>;
  /** The person's connection set-ups as one JSON file (no secret or token). */
  exportSetups(): Promise<HistoryExport>;
  /** What an import file would add; writes nothing. */
  previewImport(text: string): Promise<ImportPreview>;
  /** Adds every valid, new entry of an import file, then re-arms for them (unless own connections are off). */
  importSetups(text: string): Promise<ActionResult<ImportResult>>;
}

/** The parts built around one open database; "Remove all data" replaces them with a fresh set. */
interface Engine {
  db: TokenKeeperDb;
  refresher: Refresher;
  scheduler: Scheduler;
  lifecycle: Lifecycle;
  access: Access;
  managed: PolicyApplyDeps;
  lock: PassphraseLock;
  vault: Vault;
}

/** Opens the database and vault and builds the engine around them. */
export async function createServices(platform: Platform): Promise<Services> {
  const dbName = platform.dbName ?? DB_NAME;
  const clock = platform.clock ?? systemClock;
  const locks = platform.locks ?? createLocks();
  const sessionKeys = platform.sessionKeys ?? memorySessionKeys();

  // A small storage step (opening the engine, reading the key) retried in place before it counts as failed.
  const storageStep = steadily(platform.sleep);

  let pending: ReturnType<typeof setTimeout> | undefined;
  // Bursts of changes (in-flight marker, commit) become one status snapshot for the pages.
  const changed = () => {
    if (pending !== undefined) return;
    pending = setTimeout(() => {
      pending = undefined;
      void snapshot().then(platform.changed, (error: unknown) =>
        console.error('Status snapshot failed', error),
      );
      void push.check();
    }, 50);
  };
  // Bound late like the engine: it reads whichever database is current.
  const push = createPushHub({
    connections: async () => {
      await replacing;
      return listConnections(engine.db);
    },
    clock,
  });

  // The policy as last read; storage.managed is its source, read again on every start and change.
  let policy = await readPolicy();
  let setupProblems: PolicyProblem[] = [];
  async function readPolicy(): Promise<ManagedPolicy> {
    if (!platform.readPolicy) return NO_POLICY;
    try {
      return parsePolicy(await platform.readPolicy());
    } catch (error) {
      // No managed storage where the browser has none (Firefox without a policy): nothing is managed.
      console.warn('Managed configuration unreadable', errorName(error));
      return NO_POLICY;
    }
  }

  // The engine in use; replaced with a new one when the database is (Remove all data) or its connection
  // closes under it (docs/architecture.md#the-database-connection).
  let engine: Engine;
  // While the engine is replaced, readers wait for the new one instead of using the closed one.
  let replacing: Promise<void> = Promise.resolve();

  async function buildEngine(): Promise<Engine> {
    const db: TokenKeeperDb = await openTokenKeeperDb(dbName, {
      onClosed: (why) => reopen(db, why),
    });
    try {
      return await buildEngineOn(db);
    } catch (error) {
      // A start that failed must not keep its connection: nothing would use or close it again
      // (docs/reliability.md#bugs-the-simulator-found, bug 11).
      db.close();
      throw error;
    }
  }

  /** Builds a new engine on a new connection; `before` runs first (Remove all data deletes there). */
  function replaceEngine(before: () => Promise<void> = async () => undefined): Promise<void> {
    const replaced = before().then(async () => {
      engine = await storageStep(buildEngine);
    });
    replacing = replaced.catch(() => undefined);
    return replaced;
  }

  /**
   * The engine's connection closed under it: the browser ended it, or it stepped aside for another's
   * delete or upgrade. Open again, as Remove all data does; a newer schema refuses, and the worker's next
   * start reports that.
   */
  function reopen(closed: TokenKeeperDb, why: ClosedBy): void {
    // A connection already replaced (or one whose build is failing) has nobody left to reopen for.
    if ((engine as Engine | undefined)?.db !== closed) return;
    console.warn(`Token Keeper's database connection closed (${why}); opening it again`);
    void replaceEngine().then(changed, (error: unknown) =>
      console.error('Token Keeper could not open its database again', errorName(error)),
    );
  }

  async function buildEngineOn(db: TokenKeeperDb): Promise<Engine> {
    // A read hiccup of the key is retried in place: a failed start costs a backoff the refreshes cannot spare.
    const vault = await storageStep(() => openVault(db, sessionKeys));
    // Settings in force: the organisation's fixed ones over the person's (docs/admin.md).
    const getSettings = async () => effectiveSettings(await loadSettings(db), policy);
    const secrets = createSecretKeeper({
      db,
      vault,
      sleep: platform.sleep ?? timerSleep,
      keepAlive: platform.keepAlive,
    });
    // The scheduler needs the refresher and the refresher re-arms through the scheduler: bound late
    // (only called once a refresh ran, after both exist).
    const rearm = () => scheduler.arm();
    // Optional platform parts pass straight through: the engine falls back to its defaults when absent.
    const refresher = createRefresher({
      db,
      vault,
      secrets,
      clock,
      locks,
      getSettings,
      changed,
      onScheduleChange: rearm,
      cover: (when) => scheduler.cover(when),
      onSucceeded: (connection) => scheduler.retryPeers(connection),
      grant: platform.grant,
      requestOptions: platform.requestOptions,
      sleep: platform.sleep,
      random: platform.random,
      isOnline: platform.isOnline,
      alerts: platform.alerts,
      keepAlive: platform.keepAlive,
    });
    const scheduler = createScheduler({
      db,
      alarms: platform.alarms,
      clock,
      refresher,
      getSettings,
      isLocked: () => vault.mode() === 'locked',
      sleep: platform.sleep,
      random: platform.random,
    });
    const lifecycle = createLifecycle({
      db,
      vault,
      secrets,
      clock,
      locks,
      refresher,
      getSettings,
      authorize: platform.authorize,
      redirectUri: platform.redirectUri,
      onScheduleChange: rearm,
      cover: (when) => scheduler.cover(when),
      changed,
      requestOptions: platform.requestOptions,
      random: platform.random,
      newId: platform.newId,
      sleep: platform.sleep,
      onRemoved: async (removed) => {
        await platform.alerts?.clear(removed.id);
        if (!platform.releaseOrigins) return;
        const remaining = (await listConnections(db)).map((connection) => connection.endpoints);
        const origins = unneededOrigins(
          removed.endpoints,
          remaining,
          platform.requiredOrigins ?? [],
        );
        if (origins.length > 0) await platform.releaseOrigins(origins);
      },
    });
    const access = createAccess({
      db,
      clock,
      locks,
      accessToken,
      alerts: platform.accessAlerts,
      changed,
    });
    const managed = {
      db,
      vault,
      secrets,
      clock,
      locks,
      lifecycle,
      requestOptions: platform.requestOptions,
    };
    const lock = createPassphraseLock({
      db,
      vault,
      session: sessionKeys,
      clock,
      iterations: platform.lockIterations,
      changed,
      // Everything overdue is refreshed at once, as on a worker start; the policy waited for the key.
      onUnlock: async () => {
        await scheduler.reconcile();
        await applyPolicyNow();
      },
      onLock: () => scheduler.arm(),
      onAutoLockChange: platform.onAutoLockChange,
    });
    if (vault.replacedMissingKey) {
      // Secrets sealed under the lost key are unreadable: say so now, not at each one's next refresh.
      for (const connection of await listConnections(db))
        await refresher.checkSecrets(connection.id);
    }
    return { db, refresher, scheduler, lifecycle, access, managed, lock, vault };
  }

  engine = await buildEngine();
  const personSettings = async () => loadSettings((await current()).db);
  const getSettings = async () => effectiveSettings(await personSettings(), policy);

  async function snapshot(): Promise<StatusSnapshot> {
    await replacing;
    const [connections, settings, requests] = await Promise.all([
      listConnections(engine.db),
      getSettings(),
      engine.access.requests.pending(),
    ]);
    const summary = policySummary(policy);
    const lock = engine.vault.mode();
    return {
      now: clock.now(),
      enabled: settings.enabled,
      connections: connections.map(toStatus),
      ...(summary
        ? { policy: { ...summary, problems: [...summary.problems, ...setupProblems] } }
        : {}),
      // Absent means off: a snapshot without the lock reads as it always did.
      ...(lock === 'off' ? {} : { lock }),
      ...(requests.length > 0 ? { accessRequests: requests.length } : {}),
    };
  }

  async function saveSettings(change: unknown): Promise<SettingsResult> {
    const before = await personSettings();
    // A fixed setting may come back unchanged (the form sends every field), never changed (docs/admin.md).
    const fixed = isPlainObject(change) ? fixedSettingErrors(change, policy) : [];
    if (fixed.length > 0) return { ok: false, errors: fixed };
    const result = validateSettings(effectiveSettings(before, policy), change);
    if (!result.ok) return result;
    // Switching refresh on (or a shorter lead) can make refreshes due at once: wake soon whatever happens.
    await engine.scheduler.wakeSoon().catch(() => undefined);
    await storeSettings(engine.db, personSettingsAfter(result.settings, before, policy));
    // The sweep period and the enabled switch both shape the alarms.
    await engine.scheduler.reconcile();
    changed();
    return result;
  }

  // Why Connect and hand-outs are refused now: the policy requires a passphrase and none is set.
  const lockRequired = () => lockRequirement(policy, engine.vault.mode());

  // What the organisation's policy refuses a person, here so every way in meets it (docs/admin.md).
  const guarded = {
    addConnection: async (input: unknown) =>
      refusedBy(userConnectionsRefusal(policy)) ?? engine.lifecycle.add(input),
    connect: async (connectionId: string) =>
      refusedBy(lockRequired()) ?? engine.lifecycle.connect(connectionId),
    removeLock: async (passphrase: string) =>
      refusedBy(lockRemovalRefusal(policy)) ?? engine.lock.turnOff(passphrase),
  };

  async function accessToken(
    connectionId: string,
    minValiditySec: number,
  ): Promise<ActionResult<{ accessToken: string; expiresAt: number }>> {
    await replacing;
    const required = lockRequired();
    if (required) return { ok: false, error: required };
    // Locked: no token is handed out, not even one still valid (docs/security.md#the-lock).
    if (engine.vault.mode() === 'locked') return { ok: false, error: LOCKED_ERROR };
    const outcome = await engine.refresher.refresh(connectionId, 'on-demand', { minValiditySec });
    if (!outcome.ok) return { ok: false, error: outcome.error };
    const read = await engine.vault
      .use(() => engine.refresher.secrets.read(connectionId))
      .catch((error: unknown) => {
        if (isVaultLocked(error)) return { ok: false, reason: 'locked', error } as const;
        throw error;
      });
    if (!read.ok && read.reason === 'locked') return { ok: false, error: LOCKED_ERROR };
    const secrets = read.ok ? read.record : undefined;
    if (!secrets?.accessToken) {
      return { ok: false, error: { code: 'no_token', message: 'No access token is stored.' } };
    }
    return { ok: true, value: { accessToken: secrets.accessToken, expiresAt: outcome.expiresAt } };
  }

  /** The engine once no replacement of the database is under way. */
  async function current(): Promise<Engine> {
    await replacing;
    return engine;
  }

  // The dashboard's reads and the set-up files: the data access behind the page requests.
  const reads = {
    // A page carries its connections' labels, so History's first rows need no status first.
    historyPage: async (filter: HistoryFilter) => {
      const { db } = await current();
      const page = await queryHistory(db, filter);
      const ids = page.events.map((event) => event.connectionId);
      return { ...page, connections: await connectionLabels(db, ids) };
    },
    exportHistory: async (criteria: HistoryCriteria, format: ExportFormat) =>
      exportHistory((await current()).db, criteria, format, clock.now()),
    clearHistory: async () => {
      const removed = await clearHistory((await current()).db);
      changed();
      return removed;
    },
    health: async (period: HealthPeriod) =>
      buildHealthReport((await current()).db, clock.now(), period, await getSettings()),
    exportSetups: async () => exportSetups(await listConnections((await current()).db)),
    previewImport: async (text: string) =>
      previewImport(text, await listConnections((await current()).db)),
    importSetups: async (text: string) => {
      // Importing adds the person's own connections, as the add form does.
      const refused = refusedBy(userConnectionsRefusal(policy));
      if (refused) return refused;
      const { db, scheduler } = await current();
      const deps = { db, clock, requestOptions: platform.requestOptions, changed };
      const result = await importSetups(deps, text);
      if (result.ok && result.value.added.length > 0) await scheduler.reconcile();
      return result;
    },
  };

  // One application at a time: a change arriving meanwhile runs after, on the newest policy.
  let applying: Promise<void> = Promise.resolve();
  function applyPolicyNow(): Promise<void> {
    const run = async () => {
      await replacing;
      const before = JSON.stringify(policy.settings);
      policy = await readPolicy();
      const applied = await applyManaged(engine.managed, policy);
      setupProblems = applied.problems;
      // Fixed settings shape the alarms (sweep period, on/off); new, changed or removed plans re-arm.
      if (applied.changed || JSON.stringify(policy.settings) !== before)
        await engine.scheduler.reconcile();
      changed();
    };
    applying = applying.then(run, run);
    return applying;
  }

  async function wipe() {
    const result = await wipeAllData({
      db: engine.db,
      lifecycle: engine.lifecycle,
      alarms: platform.alarms,
      locks,
      // The database itself goes, so the files holding old ciphertext and the old key go with it.
      replaceDatabase: () =>
        replaceEngine(async () => {
          engine.db.close();
          // The new database has no lock: a key kept for the session belongs to nothing any more.
          await sessionKeys.clear().catch(() => undefined);
          await deleteTokenKeeperDb(dbName);
        }),
    });
    // Nothing may still speak of a connection that is gone.
    await platform.alerts?.clearAll?.().catch(() => undefined);
    await engine.scheduler.reconcile();
    // The organisation's connections come back, ready to connect again.
    await applyPolicyNow().catch((error: unknown) => console.error('Policy not applied', error));
    changed();
    return result;
  }

  return {
    get db() {
      return engine.db;
    },
    get refresher() {
      return engine.refresher;
    },
    get scheduler() {
      return engine.scheduler;
    },
    get lifecycle() {
      return engine.lifecycle;
    },
    get access() {
      return engine.access;
    },
    get lock() {
      return engine.lock;
    },
    push,
    wipe,
    applyPolicy: applyPolicyNow,
    extensionId: platform.extensionId ?? '',
    accessToken,
    changed,
    clock,
    redirectUri: platform.redirectUri,
    snapshot,
    getSettings,
    saveSettings,
    ...reads,
    ...guarded,
  };
}

/** A refusal as an action's answer, or nothing when the action may go on. */
function refusedBy(error: StoredError | undefined): { ok: false; error: StoredError } | undefined {
  return error ? { ok: false, error } : undefined;
}
