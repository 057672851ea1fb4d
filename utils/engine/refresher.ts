import type {
  Connection,
  HistoryEvent,
  RefreshOutcome,
  RefreshTrigger,
  SecretRecord,
} from '../model';
import { classifyTokenError, type ClassifiedError } from '../oauth/classify';
import { describeForProvider } from '../oauth/provider-errors';
import {
  refreshAccessToken,
  type ClientTarget,
  type RequestOptions,
  type TokenSet,
} from '../oauth/client';
import type { Settings } from '../settings';
import { commit } from '../store/commit';
import { getConnection } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import type { Vault } from '../store/vault';
import type { Alert } from './attention';
import type { Clock, Locks } from './deps';
import { planFailure, planOffline, type FailurePlan } from './failure';
import { withFreshTokens } from './fresh-tokens';
import { isDue } from './schedule';

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
}

/** Quick in-worker retry delays after a transient failure (seed 003: 2 s, 4 s, 8 s), before jitter. */
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
}

/** Options of one refresh request. */
export interface RefreshRequest {
  /** For on-demand callers: refresh only if the token is valid for less than this. */
  minValiditySec?: number;
}

/** Refreshes connections, one flight per connection (R4), committing atomically (R5). */
export interface Refresher {
  refresh(
    connectionId: string,
    trigger: RefreshTrigger,
    request?: RefreshRequest,
  ): Promise<RefreshOutcome>;
  /** Reads the stored secrets of a connection (worker-internal: never sent to a page). */
  readSecrets(connectionId: string): Promise<SecretRecord | undefined>;
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
  const sleep =
    deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const isOnline = deps.isOnline ?? (() => true);
  const keepAlive = deps.keepAlive ?? (<T>(work: () => Promise<T>) => work());
  const changed = () => deps.onChange?.();

  async function readSecrets(connectionId: string): Promise<SecretRecord | undefined> {
    const sealed = await deps.db.get('secrets', connectionId);
    return sealed ? deps.vault.open(sealed) : undefined;
  }

  async function refresh(
    connectionId: string,
    trigger: RefreshTrigger,
    request: RefreshRequest = {},
  ): Promise<RefreshOutcome> {
    const seen = await getConnection(deps.db, connectionId);
    // A caller whose stored token is valid long enough never waits behind a refresh in flight.
    if (
      trigger === 'on-demand' &&
      seen &&
      usable(seen) &&
      !needed(seen, trigger, deps.clock.now(), request)
    ) {
      return { ok: true, refreshed: false, expiresAt: seen.expiresAt! };
    }
    // What the last refresh looked like when we asked; if it changes while we wait, someone else did it.
    const seenRefreshAt = seen?.lastRefreshAt ?? null;
    return deps.locks.request(`refresh:${connectionId}`, async () => {
      // Inside the lock, re-read: whoever held it before us may have done the work already.
      const connection = await getConnection(deps.db, connectionId);
      if (!connection) {
        return notPossible('not_found', 'This connection no longer exists.', 'disabled');
      }
      // A configuration error (wrong secret, endpoint) may be fixed on the provider's side: let the
      // person try again by hand; a dead grant (permanent) needs the consent flow instead.
      const retryByHand = trigger === 'manual' && connection.failure?.kind === 'configuration';
      if (connection.state === 'new' || (connection.state === 'needs-reconnect' && !retryByHand)) {
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
        !needed(connection, trigger, now, request)
      ) {
        return { ok: true, refreshed: false, expiresAt: connection.expiresAt! };
      }
      return keepAlive(() => refreshWithRetries(connection, trigger));
    });
  }

  /** Attempts, then quick retries (2 s, 4 s, 8 s …) while failures are transient; alarms take over after. */
  async function refreshWithRetries(
    connection: Connection,
    trigger: RefreshTrigger,
  ): Promise<RefreshOutcome> {
    const settings = await deps.getSettings();
    // An on-demand caller is waiting: one attempt, then the schedule's retries.
    const quickRetries = trigger === 'on-demand' ? 0 : settings.quickRetries;
    let current = connection;
    for (let retry = 0; ; retry += 1) {
      const attempt = await attemptOnce(current, trigger, settings);
      if (!attempt.retryQuickly || retry >= quickRetries) return attempt.outcome;
      const base = QUICK_RETRY_DELAYS_MS[Math.min(retry, QUICK_RETRY_DELAYS_MS.length - 1)]!;
      await sleep(Math.round(base * (0.8 + 0.4 * random())));
      current = (await getConnection(deps.db, connection.id)) ?? current;
    }
  }

  async function attemptOnce(
    connection: Connection,
    trigger: RefreshTrigger,
    settings: Settings,
  ): Promise<Attempt> {
    const secrets = await readSecrets(connection.id);
    if (!secrets?.refreshToken) {
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
    // R5: the marker is durable before the request leaves, so a killed worker is noticed on wake-up.
    await deps.db.put('connections', {
      ...connection,
      inFlightSince: startedAt,
      updatedAt: startedAt,
    });
    changed();

    let tokens: TokenSet;
    try {
      tokens = await grant(
        {
          endpoints: connection.endpoints,
          clientId: connection.clientId,
          ...clientSecretOf(secrets),
        },
        secrets.refreshToken,
        deps.requestOptions ?? {},
      );
    } catch (error) {
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
      outcome: await succeed(connection, trigger, startedAt, settings, secrets, tokens),
      retryQuickly: false,
    };
  }

  async function succeed(
    connection: Connection,
    trigger: RefreshTrigger,
    startedAt: number,
    settings: Settings,
    secrets: SecretRecord,
    tokens: TokenSet,
  ): Promise<RefreshOutcome> {
    const arrivedAt = deps.clock.now();
    const sealed = await deps.vault.seal({
      ...secrets,
      accessToken: tokens.accessToken,
      // No refresh_token in the response means the provider did not rotate: keep the one we have.
      refreshToken: tokens.refreshToken ?? secrets.refreshToken,
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
    await commit(deps.db, { connections: [updated], secrets: [sealed], events });
    changed();
    if (connection.failure?.notifiedAt !== undefined) await deps.alerts?.clear(connection.id);
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
      random: random(),
    });
    return apply(plan, connection);
  }

  async function apply(plan: FailurePlan, before: Connection): Promise<RefreshOutcome> {
    // Secrets stay untouched: a failure must never cost the refresh token.
    await commit(deps.db, { connections: [plan.connection], events: plan.events });
    changed();
    if (plan.alert) await deps.alerts?.show(plan.connection, plan.alert);
    const error = plan.connection.failure?.lastError ?? before.failure?.lastError;
    return {
      ok: false,
      error: error ?? { code: 'unknown', message: 'Refresh failed.' },
      state: plan.connection.state,
    };
  }

  return { refresh, readSecrets };
}

function needed(
  connection: Connection,
  trigger: RefreshTrigger,
  now: number,
  request: RefreshRequest,
): boolean {
  if (trigger === 'manual') return true;
  if (trigger === 'on-demand') {
    const minValidityMs = (request.minValiditySec ?? 60) * 1000;
    return connection.expiresAt === null || connection.expiresAt - now < minValidityMs;
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

function notPossible(code: string, message: string, state: Connection['state']): RefreshOutcome {
  return { ok: false, error: { code, message }, state };
}
