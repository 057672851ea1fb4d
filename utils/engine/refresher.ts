import type {
  Connection,
  HistoryEvent,
  OutcomeState,
  RefreshOutcome,
  RefreshTrigger,
  SecretRecord,
} from '../model';
import { errorMessage, errorName } from '../error-text';
import { classifyTokenError, type ClassifiedError } from '../oauth/classify';
import { describeForProvider } from '../oauth/provider-errors';
import {
  refreshAccessToken,
  type ClientTarget,
  type RequestOptions,
  type TokenSet,
} from '../oauth/client';
import { redact } from '../oauth/redact';
import { salvagedRefreshToken } from '../oauth/salvage';
import type { Settings } from '../settings';
import { getConnection } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import { appendHistory } from '../store/history';
import { isVaultLocked, type Vault } from '../store/vault';
import type { Alert } from './attention';
import type { Clock, Locks } from './deps';
import { planFailure, planOffline, type FailurePlan } from './failure';
import { withFreshTokens } from './fresh-tokens';
import { earliestRetry, quickRetriesLeft } from './retry';
import { steadily as retriedInPlace, timerSleep } from './retrying';
import { createClockGuard, type ClockGuard } from './clock-guard';
import { LOCKED_ERROR } from './passphrase-lock';
import { hasStaleMarker, isDue, STALE_MARKER_MS } from './schedule';
import { createSecretKeeper, UNREADABLE_ERROR, type SecretKeeper } from './secrets';

/** Sends a refresh-token grant; the real one is `refreshAccessToken`, tests may wrap it. */
export type RefreshGrant = (
  target: ClientTarget,
  refreshToken: string,
  options: RequestOptions,
) => Promise<TokenSet>;

/** Shows and clears the user-facing notification of a connection. */
export interface AlertSink {
  show(connection: Connection, alert: Alert): Promise<void>;
  clear(connectionId: string): Promise<void>;
  /** Clears every notification shown (Remove all data). */
  clearAll?(): Promise<void>;
}

/** Quick in-worker retry delays after a transient failure, doubling from 2 s, before jitter (R6). */
export const QUICK_RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 32_000];

/** A `Retry-After` longer than this skips the quick retries and waits for an alarm. */
const QUICK_RETRY_MAX_WAIT_SEC = 10;

/** What the refresher needs. */
export interface RefresherDeps {
  db: TokenKeeperDb;
  vault: Vault;
  clock: Clock;
  locks: Locks;
  getSettings: () => Promise<Settings>;
  /** Called after every state change, so open pages can update. */
  onChange?: () => void;
  grant?: RefreshGrant;
  random?: () => number;
  requestOptions?: RequestOptions;
  /** Waits between quick retries; tests pass an instant one. */
  sleep?: (ms: number) => Promise<void>;
  /** Whether the browser believes it is online (`navigator.onLine`). */
  isOnline?: () => boolean;
  alerts?: AlertSink;
  /** Keeps the worker alive while long work (requests, quick retries) runs. */
  keepAlive?: <T>(work: () => Promise<T>) => Promise<T>;
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

/** Options of one refresh request. */
export interface RefreshRequest {
  /** For on-demand callers: refresh only if the token is valid for less than this. */
  minValiditySec?: number;
}

/**
 * On-demand refreshes of a connection whose token is still valid are at least this far apart (counted from
 * the connection's last write, which every attempt makes): callers cannot force a request per call.
 */
export const ON_DEMAND_SPACING_MS = 30_000;

/** Refreshes connections, one flight per connection (R4), committing atomically (R5). */
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

/** One attempt's result, and whether a quick retry may follow. */
interface Attempt {
  outcome: RefreshOutcome;
  retryQuickly: boolean;
}

/** Builds the refresher. */
export function createRefresher(deps: RefresherDeps): Refresher {
  const grant = deps.grant ?? refreshAccessToken;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? timerSleep;
  const isOnline = deps.isOnline ?? (() => true);
  const keepAlive = deps.keepAlive ?? (<T>(work: () => Promise<T>) => work());
  const changed = () => deps.onChange?.();
  // An alarm that could not be moved must not stop the write: the sweep is still the safety net.
  const coverBy = (when: number | undefined) =>
    when === undefined
      ? Promise.resolve()
      : (deps.cover?.(when) ?? Promise.resolve()).catch(() => undefined);
  // Storage steps before the request are retried in place like those after it: a hiccup must not cost an
  // alarm interval, which a lost answer inside a provider's reuse leeway cannot spare (docs/reliability.md).
  const steadily = retriedInPlace(sleep);
  const secrets = deps.secrets ?? createSecretKeeper({ db: deps.db, vault: deps.vault, sleep });
  const clockGuard =
    deps.clockGuard ?? createClockGuard(deps.db, deps.clock, () => coverBy(deps.clock.now()));

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
      return await gate(connectionId, trigger, request, () => (attempted = true));
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

  /** Decides whether a request is needed at all (R4), then runs it inside the connection's lock. */
  async function gate(
    connectionId: string,
    trigger: RefreshTrigger,
    request: RefreshRequest,
    onAttempt: () => void,
  ): Promise<RefreshOutcome> {
    // After a jump back no stored expiry is trusted: they are all marked expired before anything is read.
    await steadily(() => clockGuard.check());
    const seen = await steadily(() => getConnection(deps.db, connectionId));
    // A caller whose stored token is valid long enough never waits behind a refresh in flight; one whose
    // refresh outlived its worker is settled first (docs/reliability.md: no dead token handed out).
    if (
      trigger === 'on-demand' &&
      seen &&
      usable(seen) &&
      !hasStaleMarker(seen, deps.clock.now()) &&
      !needed(seen, trigger, deps.clock.now(), request)
    ) {
      return { ok: true, refreshed: false, expiresAt: seen.expiresAt! };
    }
    // What the last refresh looked like when we asked; if it changes while we wait, someone else did it.
    const seenRefreshAt = seen?.lastRefreshAt ?? null;
    return deps.locks.request(`refresh:${connectionId}`, async () => {
      // Inside the lock, re-read: whoever held it before us may have done the work already.
      const connection = await steadily(() => getConnection(deps.db, connectionId));
      if (!connection) {
        return notPossible('not_found', 'This connection no longer exists.', 'missing');
      }
      // A configuration error (wrong secret, endpoint) may be fixed on the provider's side: let the
      // person try again by hand; a dead grant (permanent) needs the consent flow instead. Unreadable
      // secrets are retried too: a storage hiccup heals, real damage is found again.
      const retryByHand = trigger === 'manual' && connection.failure?.kind === 'configuration';
      const mayHeal = connection.failure?.lastError.code === UNREADABLE_ERROR.code;
      if (
        connection.state === 'new' ||
        (connection.state === 'needs-reconnect' && !retryByHand && !mayHeal)
      ) {
        return notPossible(
          connection.failure?.lastError.code ?? 'not_connected',
          connection.failure?.lastError.message ?? 'This connection is not connected yet.',
          connection.state,
        );
      }
      const now = deps.clock.now();
      const fresh = connection.expiresAt !== null && connection.expiresAt > now;
      if (fresh && connection.lastRefreshAt !== seenRefreshAt) {
        return { ok: true, refreshed: false, expiresAt: connection.expiresAt! };
      }
      if (
        fresh &&
        connection.inFlightSince === null &&
        !mayHeal &&
        !needed(connection, trigger, now, request)
      ) {
        return { ok: true, refreshed: false, expiresAt: connection.expiresAt! };
      }
      // During a failure streak requests are paced (≤ 60 an hour, Retry-After): neither a caller nor a
      // pass that finds the token expired may send one early; only the person's Refresh now may.
      const pacedUntil = trigger === 'manual' ? undefined : earliestRetry(connection);
      if (
        pacedUntil !== undefined &&
        !isDue(pacedUntil, now) &&
        connection.inFlightSince === null &&
        !mayHeal
      ) {
        return notPossible(
          connection.failure!.lastError.code,
          connection.failure!.lastError.message,
          connection.state,
        );
      }
      onAttempt();
      return keepAlive(() => refreshWithRetries(connection, trigger));
    });
  }

  /** Attempts, then quick retries (2, 4, 8, 16, 32 s, ±20 %) while failures are transient; alarms take over after. */
  async function refreshWithRetries(
    connection: Connection,
    trigger: RefreshTrigger,
  ): Promise<RefreshOutcome> {
    const settings = await steadily(() => deps.getSettings());
    // An on-demand caller is waiting: one attempt, then the schedule's retries. Only a streak's start
    // retries quickly: later alarm retries send one request each.
    const quickRetries =
      trigger === 'on-demand' ? 0 : quickRetriesLeft(connection, settings.quickRetries);
    let current = connection;
    for (let retry = 0; ; retry += 1) {
      const attempt = await attemptOnce(current, trigger, settings);
      if (!attempt.retryQuickly || retry >= quickRetries) return attempt.outcome;
      const base = QUICK_RETRY_DELAYS_MS[Math.min(retry, QUICK_RETRY_DELAYS_MS.length - 1)]!;
      await sleep(Math.round(base * (0.8 + 0.4 * random())));
      current = (await getConnection(deps.db, connection.id)) ?? current;
    }
  }

  /**
   * One attempt under the vault's use: a lock that closes meanwhile waits until its outcome is stored,
   * so it completes and commits, or never starts (docs/security.md#the-lock).
   */
  async function attemptOnce(
    connection: Connection,
    trigger: RefreshTrigger,
    settings: Settings,
  ): Promise<Attempt> {
    try {
      return await deps.vault.use(() => attemptWithKey(connection, trigger, settings));
    } catch (error) {
      if (!isVaultLocked(error)) throw error;
      return { outcome: lockedOutcome(connection), retryQuickly: false };
    }
  }

  async function attemptWithKey(
    connection: Connection,
    trigger: RefreshTrigger,
    settings: Settings,
  ): Promise<Attempt> {
    const read = await secrets.read(connection.id);
    if (!read.ok && read.reason === 'locked') {
      return { outcome: lockedOutcome(connection), retryQuickly: false };
    }
    if (!read.ok && read.reason === 'unreadable') {
      const outcome = await fail(connection, trigger, 0, settings, {
        kind: 'permanent',
        ...UNREADABLE_ERROR,
      });
      return { outcome, retryQuickly: false };
    }
    if (!read.ok) return { outcome: storageTrouble(connection), retryQuickly: false };
    const stored = read.record;
    if (!stored?.refreshToken) {
      const outcome = await fail(connection, trigger, 0, settings, {
        kind: 'permanent',
        code: 'no_refresh_token',
        message: 'The provider gave no refresh token: reconnect (and allow offline access).',
      });
      return { outcome, retryQuickly: false };
    }
    if (!isOnline()) {
      const plan = planOffline(connection, trigger, deps.clock.now());
      return { outcome: await apply(plan, connection), retryQuickly: false };
    }
    const startedAt = deps.clock.now();
    // A stale marker is settled a minute on: the alarm must cover that before the marker exists.
    await coverBy(startedAt + STALE_MARKER_MS);
    // R5: the marker is durable before the request leaves, so a killed worker is noticed on wake-up.
    try {
      await steadily(() =>
        deps.db.put('connections', {
          ...connection,
          inFlightSince: startedAt,
          updatedAt: startedAt,
        }),
      );
    } catch {
      // Nothing has left yet: no request without the marker, and the plan stays as it was.
      return { outcome: storageTrouble(connection), retryQuickly: false };
    }
    changed();

    let tokens: TokenSet;
    try {
      tokens = await grant(
        {
          endpoints: connection.endpoints,
          clientId: connection.clientId,
          ...clientSecretOf(stored),
        },
        stored.refreshToken,
        deps.requestOptions ?? {},
      );
    } catch (error) {
      // A 2xx answer we could not use may still have rotated the refresh token: keep the new one first.
      const rotated = salvagedRefreshToken(error);
      if (rotated) await secrets.persist({ ...stored, refreshToken: rotated });
      // Provider presets turn generic codes into what this provider's users must do.
      const classified = describeForProvider(connection.provider, classifyTokenError(error), error);
      const outcome = await fail(
        connection,
        trigger,
        deps.clock.now() - startedAt,
        settings,
        classified,
      );
      const retryQuickly =
        classified.kind === 'transient' &&
        (classified.retryAfterSec ?? 0) <= QUICK_RETRY_MAX_WAIT_SEC &&
        isOnline();
      return { outcome, retryQuickly };
    }
    return {
      outcome: await succeed(connection, trigger, startedAt, settings, stored, tokens),
      retryQuickly: false,
    };
  }

  /**
   * The provider answered: the new secret is persisted first, on its own (retried from memory until it
   * lands), then the connection's state, then history, best effort (docs/reliability.md#rotation-first).
   */
  async function succeed(
    connection: Connection,
    trigger: RefreshTrigger,
    startedAt: number,
    settings: Settings,
    stored: SecretRecord,
    tokens: TokenSet,
  ): Promise<RefreshOutcome> {
    const arrivedAt = deps.clock.now();
    await secrets.persist({
      ...stored,
      accessToken: tokens.accessToken,
      // No refresh_token in the response means the provider did not rotate: keep the one we have.
      refreshToken: tokens.refreshToken ?? stored.refreshToken,
    });
    const updated = withFreshTokens(connection, tokens, arrivedAt, {
      leadSec: settings.refreshLeadMin * 60,
      random: random(),
    });
    const expiresAt = updated.expiresAt!;
    const events: HistoryEvent[] = [
      {
        connectionId: connection.id,
        at: arrivedAt,
        kind: 'refreshed',
        trigger,
        ok: true,
        durationMs: arrivedAt - startedAt,
        expiresAt,
      },
    ];
    if (connection.failure) {
      events.push({
        connectionId: connection.id,
        at: arrivedAt,
        kind: 'recovered',
        trigger,
        ok: true,
        durationMs: arrivedAt - connection.failure.failedAt,
      });
    }
    await saveState(updated, events);
    if (connection.failure?.notifiedAt !== undefined) await deps.alerts?.clear(connection.id);
    // The endpoint works again: others waiting on it need not wait for their retry. Not awaited (a caller
    // must not wait for other connections), but the worker is kept alive for it.
    const recover = deps.onSucceeded;
    if (recover) {
      void keepAlive(() => recover(connection)).catch((error: unknown) =>
        console.error('Correlated recovery failed', errorName(error)),
      );
    }
    return { ok: true, refreshed: true, expiresAt };
  }

  async function fail(
    connection: Connection,
    trigger: RefreshTrigger,
    durationMs: number,
    settings: Settings,
    error: ClassifiedError,
  ): Promise<RefreshOutcome> {
    const plan = planFailure({
      connection,
      error,
      trigger,
      now: deps.clock.now(),
      durationMs,
      quickRetries: settings.quickRetries,
      leadSec: settings.refreshLeadMin * 60,
      random: random(),
    });
    return apply(plan, connection);
  }

  async function apply(plan: FailurePlan, before: Connection): Promise<RefreshOutcome> {
    // Secrets stay untouched: a failure must never cost the refresh token.
    await saveState(plan.connection, plan.events);
    if (plan.alert) await deps.alerts?.show(plan.connection, plan.alert);
    const error = plan.connection.failure?.lastError ?? before.failure?.lastError;
    return {
      ok: false,
      error: error ?? { code: 'unknown', message: 'Refresh failed.' },
      state: plan.connection.state,
    };
  }

  /**
   * Stores a connection's new state (a few attempts), then its history events on their own, best effort:
   * a full history never blocks a state write. A state that cannot be written leaves the in-flight
   * marker behind, which the next sweep or start settles with a fresh refresh.
   */
  async function saveState(connection: Connection, events: HistoryEvent[]): Promise<void> {
    await coverBy(connection.nextRefreshAt);
    try {
      await steadily(() => deps.db.put('connections', connection));
    } catch (error) {
      console.error('Connection state not stored', errorName(error));
      changed();
      return;
    }
    await appendHistory(deps.db, events);
    changed();
  }

  async function checkSecrets(connectionId: string): Promise<void> {
    await deps.locks.request(`refresh:${connectionId}`, async () => {
      const connection = await getConnection(deps.db, connectionId);
      if (!connection || connection.failure?.lastError.code === UNREADABLE_ERROR.code) return;
      const read = await secrets.read(connectionId);
      if (read.ok || read.reason !== 'unreadable') return;
      const error = { kind: 'permanent', ...UNREADABLE_ERROR } as const;
      await fail(connection, 'startup', 0, await deps.getSettings(), error);
    });
  }

  return { refresh, readSecrets, secrets, checkSecrets, clockGuard };
}

/** The outcome while the lock is closed: nothing was attempted and nothing changed. */
function lockedOutcome(connection: Connection | undefined): RefreshOutcome {
  return { ok: false, error: LOCKED_ERROR, state: connection?.state ?? 'missing' };
}

/** The outcome when storage could not be read or written before any request left: nothing changed. */
function storageTrouble(connection: Connection): RefreshOutcome {
  return notPossible(
    'storage',
    'Token Keeper could not use its storage just now; it will try again.',
    connection.state,
  );
}

function needed(
  connection: Connection,
  trigger: RefreshTrigger,
  now: number,
  request: RefreshRequest,
): boolean {
  if (trigger === 'manual') return true;
  if (trigger === 'on-demand') {
    if (connection.expiresAt === null || connection.expiresAt <= now) return true;
    // A caller cannot ask for more than a refresh gives: past half a lifetime, every call would refresh.
    const capMs = connection.lifetimeSec === null ? Infinity : (connection.lifetimeSec * 1000) / 2;
    const minValidityMs = Math.min((request.minValiditySec ?? 60) * 1000, capMs);
    if (connection.expiresAt - now >= minValidityMs) return false;
    // A still-valid token is not refreshed again within ON_DEMAND_SPACING_MS of the last attempt.
    return now - connection.updatedAt >= ON_DEMAND_SPACING_MS;
  }
  return isDue(connection.nextRefreshAt, now);
}

/** Whether a connection's stored token may be handed out (connected, not waiting for a reconnect). */
function usable(connection: Connection): boolean {
  return connection.state === 'healthy' || connection.state === 'retrying';
}

function clientSecretOf(secrets: SecretRecord): { clientSecret?: string } {
  return secrets.clientSecret ? { clientSecret: secrets.clientSecret } : {};
}

function notPossible(code: string, message: string, state: OutcomeState): RefreshOutcome {
  return { ok: false, error: { code, message }, state };
}
