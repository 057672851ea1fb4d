import type { ActionResult } from '../messaging';
import type { StatusSnapshot } from '../model';
import type { RequestOptions } from '../oauth/client';
import { validateSettings, type Settings, type SettingsResult } from '../settings';
import { listConnections } from '../store/connections';
import { openTokenKeeperDb, type TokenKeeperDb } from '../store/db';
import { loadSettings, storeSettings } from '../store/settings-store';
import { openVault } from '../store/vault';
import { createAccess, type Access } from '../engine/access';
import { wipeAllData } from '../engine/wipe';
import { createLocks, systemClock, type AlarmsApi, type Clock, type Locks } from '../engine/deps';
import { createLifecycle, type Authorize, type Lifecycle } from '../engine/lifecycle';
import {
  createRefresher,
  type AlertSink,
  type RefreshGrant,
  type Refresher,
} from '../engine/refresher';
import { createScheduler, type Scheduler } from '../engine/scheduler';
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
  /** "Remove all data". */
  wipe(): Promise<{ connections: number }>;
  /** This extension's id, which other extensions send their requests to. */
  extensionId: string;
}

/** Opens the database and vault and builds the engine around them. */
export async function createServices(platform: Platform): Promise<Services> {
  const db = await openTokenKeeperDb(platform.dbName);
  const vault = await openVault(db);
  const clock = platform.clock ?? systemClock;
  const locks = platform.locks ?? createLocks();
  const getSettings = () => loadSettings(db);

  async function snapshot(): Promise<StatusSnapshot> {
    const [connections, settings] = await Promise.all([listConnections(db), getSettings()]);
    return { now: clock.now(), enabled: settings.enabled, connections: connections.map(toStatus) };
  }

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

  // Optional platform parts pass straight through: the engine falls back to its defaults when absent.
  const refresher = createRefresher({
    db,
    vault,
    clock,
    locks,
    getSettings,
    onChange,
    grant: platform.grant,
    requestOptions: platform.requestOptions,
    sleep: platform.sleep,
    random: platform.random,
    isOnline: platform.isOnline,
    alerts: platform.alerts,
    keepAlive: platform.keepAlive,
  });
  const scheduler = createScheduler({ db, alarms: platform.alarms, clock, refresher, getSettings });
  const lifecycle = createLifecycle({
    db,
    vault,
    clock,
    locks,
    refresher,
    getSettings,
    authorize: platform.authorize,
    redirectUri: platform.redirectUri,
    onScheduleChange: () => scheduler.arm(),
    onChange,
    requestOptions: platform.requestOptions,
    random: platform.random,
  });

  async function saveSettings(change: unknown): Promise<SettingsResult> {
    const result = validateSettings(await getSettings(), change);
    if (!result.ok) return result;
    await storeSettings(db, result.settings);
    // The sweep period and the enabled switch both shape the alarms.
    await scheduler.reconcile();
    onChange();
    return result;
  }

  async function accessToken(
    connectionId: string,
    minValiditySec: number,
  ): Promise<ActionResult<{ accessToken: string; expiresAt: number }>> {
    const outcome = await refresher.refresh(connectionId, 'on-demand', { minValiditySec });
    if (!outcome.ok) return { ok: false, error: outcome.error };
    const secrets = await refresher.readSecrets(connectionId);
    if (!secrets?.accessToken) {
      return { ok: false, error: { code: 'no_token', message: 'No access token is stored.' } };
    }
    return { ok: true, value: { accessToken: secrets.accessToken, expiresAt: outcome.expiresAt } };
  }

  const access = createAccess({ db, clock, locks, accessToken, onChange });
  async function wipe() {
    const result = await wipeAllData({ db, vault, alarms: platform.alarms, lifecycle });
    await scheduler.reconcile();
    onChange();
    return result;
  }

  return {
    access,
    wipe,
    extensionId: platform.extensionId ?? '',
    accessToken,
    changed: onChange,
    db,
    refresher,
    scheduler,
    lifecycle,
    clock,
    redirectUri: platform.redirectUri,
    snapshot,
    getSettings,
    saveSettings,
  };
}
