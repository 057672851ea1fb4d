import type { ActionResult } from '../messaging';
import type { PolicyProblem, StatusSnapshot } from '../model';
import { applyPolicy as applyManaged, type PolicyApplyDeps } from '../managed/apply';
import {
  effectiveSettings,
  fixedSettingErrors,
  personSettingsAfter,
  policySummary,
} from '../managed/merge';
import { isPlainObject, NO_POLICY, parsePolicy, type ManagedPolicy } from '../managed/policy';
import type { RequestOptions } from '../oauth/client';
import { validateSettings, type Settings, type SettingsResult } from '../settings';
import { listConnections } from '../store/connections';
import { DB_NAME, deleteTokenKeeperDb, openTokenKeeperDb, type TokenKeeperDb } from '../store/db';
import { loadSettings, storeSettings } from '../store/settings-store';
import {
  isVaultLocked,
  memorySessionKeys,
  openVault,
  type SessionKeyStore,
  type Vault,
} from '../store/vault';
import { createAccess, type Access } from '../engine/access';
import { wipeAllData } from '../engine/wipe';
import { unneededOrigins } from '../host-origins';
import { createLocks, systemClock, type AlarmsApi, type Clock, type Locks } from '../engine/deps';
import { createLifecycle, type Authorize, type Lifecycle } from '../engine/lifecycle';
import {
  createRefresher,
  type AlertSink,
  type RefreshGrant,
  type Refresher,
} from '../engine/refresher';
import { createPassphraseLock, LOCKED_ERROR, type PassphraseLock } from '../engine/passphrase-lock';
import { createScheduler, type Scheduler } from '../engine/scheduler';
import { timerSleep } from '../engine/retrying';
import { createSecretKeeper } from '../engine/secrets';
import { toStatus } from '../engine/status';

/** What the worker gets from the browser; tests pass fakes. */
export interface Platform {
  alarms: AlarmsApi;
  authorize: Authorize;
  redirectUri: string;
  /** Tells open pages that something changed. */
  broadcast: (snapshot: StatusSnapshot) => void;
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
  keepAlive?: <T>(work: () => Promise<T>) => Promise<T>;
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
  /** The optional passphrase lock of the data key (docs/security.md#the-lock). */
  lock: PassphraseLock;
  /** "Remove all data". */
  wipe(): Promise<{ connections: number }>;
  /** This extension's id, which other extensions send their requests to. */
  extensionId: string;
  /** How requests reach the network (tests: a fake fetch); absent means the browser's. */
  requestOptions?: RequestOptions | undefined;
  /** The organisation's policy as last read (docs/admin.md). */
  policy(): ManagedPolicy;
  /** Reads the policy again and brings connections and alarms in line with it (one at a time). */
  applyPolicy(): Promise<void>;
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

  let pending: ReturnType<typeof setTimeout> | undefined;
  // Bursts of changes (in-flight marker, commit) become one broadcast.
  const onChange = () => {
    if (pending !== undefined) return;
    pending = setTimeout(() => {
      pending = undefined;
      void snapshot().then(platform.broadcast, (error: unknown) =>
        console.error('Status snapshot failed', error),
      );
    }, 50);
  };

  // The policy as last read; storage.managed is its source, read again on every start and change.
  let policy = await readPolicy();
  let setupProblems: PolicyProblem[] = [];
  async function readPolicy(): Promise<ManagedPolicy> {
    if (!platform.readPolicy) return NO_POLICY;
    try {
      return parsePolicy(await platform.readPolicy());
    } catch (error) {
      // No managed storage where the browser has none (Firefox without a policy): nothing is managed.
      console.warn('Managed configuration unreadable', error instanceof Error ? error.name : error);
      return NO_POLICY;
    }
  }

  async function buildEngine(): Promise<Engine> {
    const db = await openTokenKeeperDb(dbName);
    try {
      return await buildEngineOn(db);
    } catch (error) {
      // A start that failed must not keep its connection: the worker keeps connections open against
      // delete requests, so a leaked one would block Remove all data for ever (chaos seed 61).
      db.close();
      throw error;
    }
  }

  async function buildEngineOn(db: TokenKeeperDb): Promise<Engine> {
    const vault = await openVault(db, sessionKeys);
    // Settings in force: the organisation's fixed ones over the person's (docs/admin.md).
    const getSettings = async () => effectiveSettings(await loadSettings(db), policy);
    const secrets = createSecretKeeper({
      db,
      vault,
      sleep: platform.sleep ?? timerSleep,
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
      onChange,
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
      onChange,
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
    const access = createAccess({ db, clock, locks, accessToken, onChange });
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
      onChange,
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

  let engine = await buildEngine();
  // While Remove all data swaps the database, readers wait for the new one instead of the closed one.
  let replacing: Promise<void> = Promise.resolve();
  const personSettings = async () => {
    await replacing;
    return loadSettings(engine.db);
  };
  const getSettings = async () => effectiveSettings(await personSettings(), policy);

  async function snapshot(): Promise<StatusSnapshot> {
    await replacing;
    const [connections, settings] = await Promise.all([listConnections(engine.db), getSettings()]);
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
    onChange();
    return result;
  }

  async function accessToken(
    connectionId: string,
    minValiditySec: number,
  ): Promise<ActionResult<{ accessToken: string; expiresAt: number }>> {
    await replacing;
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
      onChange();
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
      replaceDatabase: async () => {
        engine.db.close();
        // The new database has no lock: a key kept for the session belongs to nothing any more.
        await sessionKeys.clear().catch(() => undefined);
        const replaced = deleteTokenKeeperDb(dbName).then(async () => {
          engine = await buildEngine();
        });
        replacing = replaced.catch(() => undefined);
        await replaced;
      },
    });
    // Nothing may still speak of a connection that is gone.
    await platform.alerts?.clearAll?.().catch(() => undefined);
    await engine.scheduler.reconcile();
    // The organisation's connections come back, ready to connect again.
    await applyPolicyNow().catch((error: unknown) => console.error('Policy not applied', error));
    onChange();
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
    wipe,
    policy: () => policy,
    applyPolicy: applyPolicyNow,
    extensionId: platform.extensionId ?? '',
    requestOptions: platform.requestOptions,
    accessToken,
    changed: onChange,
    clock,
    redirectUri: platform.redirectUri,
    snapshot,
    getSettings,
    saveSettings,
  };
}
