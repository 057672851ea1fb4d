import type {
  Connection,
  HistoryEvent,
  RefreshOutcome,
  RefreshTrigger,
  SecretRecord,
} from '../model';
import { classifyTokenError, type ClassifiedError } from '../oauth/classify';
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
import type { Clock, Locks } from './deps';
import { retryAt } from './retry';
import { withFreshTokens } from './fresh-tokens';
import { isDue } from './schedule';

/** Sends a refresh-token grant; the real one is `refreshAccessToken`, tests may wrap it. */
export type RefreshGrant = (
  target: ClientTarget,
  refreshToken: string,
  options: RequestOptions,
) => Promise<TokenSet>;

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

/** Builds the refresher. */
export function createRefresher(deps: RefresherDeps): Refresher {
  const grant = deps.grant ?? refreshAccessToken;
  const random = deps.random ?? Math.random;
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
    // What the last refresh looked like when we asked; if it changes while we wait, someone else did it.
    const seenRefreshAt = (await getConnection(deps.db, connectionId))?.lastRefreshAt ?? null;
    return deps.locks.request(`refresh:${connectionId}`, async () => {
      // Inside the lock, re-read: whoever held it before us may have done the work already.
      const connection = await getConnection(deps.db, connectionId);
      if (!connection) {
        return notPossible('not_found', 'This connection no longer exists.', 'disabled');
      }
      if (connection.state === 'new' || connection.state === 'needs-reconnect') {
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
      return performRefresh(connection, trigger);
    });
  }

  async function performRefresh(
    connection: Connection,
    trigger: RefreshTrigger,
  ): Promise<RefreshOutcome> {
    const secrets = await readSecrets(connection.id);
    if (!secrets?.refreshToken) {
      return fail(connection, trigger, 0, {
        kind: 'permanent',
        code: 'no_refresh_token',
        message: 'The provider gave no refresh token: reconnect (and allow offline access).',
      });
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
      return fail(connection, trigger, deps.clock.now() - startedAt, classifyTokenError(error));
    }

    const arrivedAt = deps.clock.now();
    const settings = await deps.getSettings();
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
    return { ok: true, refreshed: true, expiresAt };
  }

  async function fail(
    connection: Connection,
    trigger: RefreshTrigger,
    durationMs: number,
    error: ClassifiedError,
  ): Promise<RefreshOutcome> {
    const now = deps.clock.now();
    const attempt = (connection.failure?.attempt ?? 0) + 1;
    const stored = { code: error.code, message: error.message };
    const retryable = error.kind === 'transient';
    const retryTime = retryable
      ? retryAt({
          now,
          attempt,
          expiresAt: connection.expiresAt,
          random: random(),
          ...(error.retryAfterSec === undefined ? {} : { retryAfterSec: error.retryAfterSec }),
        })
      : undefined;
    const { nextRefreshAt: _dropped, ...unscheduled } = connection;
    const updated: Connection = {
      ...unscheduled,
      ...(retryTime === undefined ? {} : { nextRefreshAt: retryTime }),
      state: retryable ? 'retrying' : 'needs-reconnect',
      inFlightSince: null,
      failure: {
        failedAt: connection.failure?.failedAt ?? now,
        attempt,
        lastError: stored,
        kind: error.kind,
      },
      updatedAt: now,
    };
    const events: HistoryEvent[] = [
      {
        connectionId: connection.id,
        at: now,
        kind: 'refresh-failed',
        trigger,
        ok: false,
        durationMs,
        error: stored,
      },
      retryable
        ? {
            connectionId: connection.id,
            at: now,
            kind: 'retry-scheduled',
            trigger,
            ok: false,
            expiresAt: retryTime!,
          }
        : {
            connectionId: connection.id,
            at: now,
            kind: 'needs-reconnect',
            trigger,
            ok: false,
            error: stored,
          },
    ];
    // Secrets stay untouched: a transient failure must never cost the refresh token.
    await commit(deps.db, { connections: [updated], events });
    changed();
    return { ok: false, error: stored, state: updated.state };
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

function clientSecretOf(secrets: SecretRecord): { clientSecret?: string } {
  return secrets.clientSecret ? { clientSecret: secrets.clientSecret } : {};
}

function notPossible(code: string, message: string, state: Connection['state']): RefreshOutcome {
  return { ok: false, error: { code, message }, state };
}
