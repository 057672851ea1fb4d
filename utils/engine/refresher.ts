import type { Connection, RefreshOutcome, RefreshTrigger, SecretRecord } from '../model';
import { errorMessage, errorName } from '../error-text';
import { refreshAccessToken, type RequestOptions } from '../oauth/client';
import { redact } from '../oauth/redact';
import type { Settings } from '../settings';
import { getConnection } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import type { Vault } from '../store/vault';
import { justRun, type Clock, type KeepAlive, type Locks } from './deps';
import { createClockGuard, type ClockGuard } from './clock-guard';
import { createAttempt, type Attempt, type RefreshGrant } from './refresh-attempt';
import { lockedOutcome, notPossible } from './refresh-answers';
import {
  admit,
  answerAtOnce,
  readmit,
  type GateVerdict,
  type RefreshRequest,
} from './refresh-gate';
import { createOutcomeRecorder, type AlertSink, type RefreshIo } from './refresh-outcome';
import { quickRetriesLeft, quickRetryDelayMs } from './retry';
import { steadily as retriedInPlace, timerSleep } from './retrying';
import {
  createSecretKeeper,
  hasUnreadableSecrets,
  UNREADABLE_FAILURE,
  type SecretKeeper,
} from './secrets';

export type { AlertSink } from './refresh-outcome';
export type { RefreshGrant } from './refresh-attempt';
export { ON_DEMAND_SPACING_MS, type RefreshRequest } from './refresh-gate';

/** What the refresher needs. */
export interface RefresherDeps {
  db: TokenKeeperDb;
  vault: Vault;
  clock: Clock;
  locks: Locks;
  getSettings: () => Promise<Settings>;
  /** Tells pages something changed (the services send one status snapshot per burst). */
  changed?: () => void;
  grant?: RefreshGrant;
  random?: () => number;
  requestOptions?: RequestOptions;
  /** Waits between quick retries; tests pass an instant one. */
  sleep?: (ms: number) => Promise<void>;
  /** Whether the browser believes it is online (`navigator.onLine`). */
  isOnline?: () => boolean;
  alerts?: AlertSink;
  /** Keeps the worker alive while long work (requests, quick retries) runs. */
  keepAlive?: KeepAlive;
  /** Where secrets are read and persisted; built from `db` and `vault` when absent. */
  secrets?: SecretKeeper;
  /** Called after every attempt's outcome is stored, so the refresh alarm follows the new plan (R2). */
  onScheduleChange?: () => Promise<void>;
  /**
   * Makes sure the refresh alarm fires by the given time; called before a plan (or an in-flight marker)
   * is written, so a worker that dies right after the write is still woken in time (R2).
   */
  cover?: (when: number) => Promise<void>;
  /** Notices a wall clock that went back; built from `db` and `clock` when absent. */
  clockGuard?: ClockGuard;
  /**
   * Called (not awaited) after a token request succeeded, with the connection as it was: others waiting on
   * the same endpoint can be retried at once (correlated recovery, docs/reliability.md).
   */
  onSucceeded?: (connection: Connection) => Promise<void>;
}

/** Refreshes connections, one flight per connection (R4), storing the new secret first (R5). */
export interface Refresher {
  refresh(
    connectionId: string,
    trigger: RefreshTrigger,
    request?: RefreshRequest,
  ): Promise<RefreshOutcome>;
  /** Reads the stored secrets of a connection (worker-internal: never sent to a page); throws if unreadable. */
  readSecrets(connectionId: string): Promise<SecretRecord | undefined>;
  /** The secret store the refresher persists through (shared with connect and disconnect). */
  secrets: SecretKeeper;
  /** Marks a connection whose stored secrets cannot be decrypted (visible, notified) without a request. */
  checkSecrets(connectionId: string): Promise<void>;
  /** The clock guard every refresh and scheduler pass consults first. */
  clockGuard: ClockGuard;
}

/**
 * Builds the refresher: the gate (refresh-gate.ts) decides, the attempt (refresh-attempt.ts) requests and
 * stores the answer, the outcome recorder (refresh-outcome.ts) plans the next try; this module runs them
 * in the connection's lock, attempt by attempt (docs/architecture.md#refresher).
 */
export function createRefresher(deps: RefresherDeps): Refresher {
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? timerSleep;
  const keepAlive = deps.keepAlive ?? justRun;
  const changed = () => deps.changed?.();
  // An alarm that could not be moved must not stop the write: the sweep is still the safety net.
  const cover = (when: number | undefined) =>
    when === undefined
      ? Promise.resolve()
      : (deps.cover?.(when) ?? Promise.resolve()).catch(() => undefined);
  // Storage steps before the request are retried in place like those after it: a hiccup must not cost an
  // alarm interval, which a lost answer inside a provider's reuse leeway cannot spare (docs/reliability.md).
  const steadily = retriedInPlace(sleep);
  const secrets = deps.secrets ?? createSecretKeeper({ db: deps.db, vault: deps.vault, sleep });
  const clockGuard =
    deps.clockGuard ?? createClockGuard(deps.db, deps.clock, () => cover(deps.clock.now()));
  const io: RefreshIo = { db: deps.db, clock: deps.clock, cover, steadily, changed };
  const outcomes = createOutcomeRecorder({
    ...io,
    random,
    keepAlive,
    alerts: deps.alerts,
    onSucceeded: deps.onSucceeded,
  });
  const attemptOnce = createAttempt({
    ...io,
    vault: deps.vault,
    secrets,
    grant: deps.grant ?? refreshAccessToken,
    requestOptions: deps.requestOptions ?? {},
    isOnline: deps.isOnline ?? (() => true),
    outcomes,
  });

  async function readSecrets(connectionId: string): Promise<SecretRecord | undefined> {
    const read = await secrets.read(connectionId);
    if (!read.ok) throw read.error;
    return read.record;
  }

  async function refresh(
    connectionId: string,
    trigger: RefreshTrigger,
    request: RefreshRequest = {},
  ): Promise<RefreshOutcome> {
    let attempted = false;
    // Locked: nothing is attempted, written or sent; the unlock refreshes whatever is overdue then.
    if (deps.vault.mode() === 'locked')
      return lockedOutcome(await getConnection(deps.db, connectionId));
    try {
      return await run(connectionId, trigger, request, () => (attempted = true));
    } catch (error) {
      // Whatever broke (storage, a bug), the caller gets an answer; nothing was lost (tokens persist first).
      console.error('Refresh failed unexpectedly', errorName(error));
      return notPossible('internal', redact(`Refresh failed: ${errorMessage(error)}`), 'retrying');
    } finally {
      if (attempted) await rearm();
    }
  }

  /** R2: every stored outcome, whatever started the refresh, re-arms the alarm (a retry must not wait for the sweep). */
  async function rearm(): Promise<void> {
    try {
      await deps.onScheduleChange?.();
    } catch (error) {
      console.error('Re-arming the refresh alarm failed', errorName(error));
    }
  }

  /**
   * Attempts while the gate admits them, then quick retries (2, 4, 8, 16, 32 s, ±20 %) while failures are
   * transient; alarms take over after. Each attempt holds the connection's lock (R4); the waits between them
   * do not, so a caller never waits behind a sleep (docs/reliability.md#quick-retries).
   */
  async function run(
    connectionId: string,
    trigger: RefreshTrigger,
    request: RefreshRequest,
    onAttempt: () => void,
  ): Promise<RefreshOutcome> {
    // After a jump back no stored expiry is trusted: they are all marked expired before anything is read.
    await steadily(() => clockGuard.check());
    const seen = await steadily(() => getConnection(deps.db, connectionId));
    const atOnce = answerAtOnce(seen, trigger, request, deps.clock.now());
    if (atOnce) return atOnce;
    // What the last refresh looked like when we asked; if it changes while we wait, someone else did it.
    const seenRefreshAt = seen?.lastRefreshAt ?? null;
    let gate = (connection: Connection | undefined, now: number): GateVerdict =>
      admit(connection, seenRefreshAt, trigger, request, now);
    let plan: { settings: Settings; quickRetries: number } | undefined;
    for (let retry = 0; ; retry += 1) {
      const step = await deps.locks.request(`refresh:${connectionId}`, async () => {
        // Inside the lock, re-read: whoever held it before us may have done the work already.
        const connection = await steadily(() => getConnection(deps.db, connectionId));
        const verdict = gate(connection, deps.clock.now());
        if ('answer' in verdict) return { outcome: verdict.answer };
        onAttempt();
        return keepAlive(async () => {
          if (!plan) {
            const settings = await steadily(() => deps.getSettings());
            // An on-demand caller is waiting: one attempt, then the schedule's retries. Only a streak's
            // start retries quickly: later alarm retries send one request each.
            const quickRetries =
              trigger === 'on-demand'
                ? 0
                : quickRetriesLeft(verdict.attempt, settings.quickRetries);
            plan = { settings, quickRetries };
          }
          const attempt: Attempt = await attemptOnce(verdict.attempt, trigger, plan.settings);
          return { ...attempt, before: verdict.attempt };
        });
      });
      if (!('before' in step) || !step.retryQuickly || retry >= plan!.quickRetries) {
        return step.outcome;
      }
      await keepAlive(() => sleep(quickRetryDelayMs(retry, random())));
      const before = step.before;
      gate = (connection, now) => readmit(connection, before, now);
    }
  }

  async function checkSecrets(connectionId: string): Promise<void> {
    await deps.locks.request(`refresh:${connectionId}`, async () => {
      const connection = await getConnection(deps.db, connectionId);
      if (!connection || hasUnreadableSecrets(connection)) return;
      const read = await secrets.read(connectionId);
      if (read.ok || read.reason !== 'unreadable') return;
      await outcomes.failed(connection, 'startup', 0, await deps.getSettings(), UNREADABLE_FAILURE);
    });
  }

  return { refresh, readSecrets, secrets, checkSecrets, clockGuard };
}
