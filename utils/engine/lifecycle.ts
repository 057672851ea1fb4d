import * as v from 'valibot';
import { NewConnectionSchema } from '../connection-input';
import type { ActionResult } from '../messaging';
import type { Connection, ConnectionStatus, Endpoints, HistoryEvent } from '../model';
import {
  discover,
  finishAuthorization,
  revokeToken,
  startAuthorization,
  type RequestOptions,
} from '../oauth/client';
import { assertSecureUrl } from '../oauth/loopback';
import { redact } from '../oauth/redact';
import type { Settings } from '../settings';
import { commit } from '../store/commit';
import { getConnection } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import type { Vault } from '../store/vault';
import type { Clock, Locks } from './deps';
import type { Refresher } from './refresher';
import { withFreshTokens } from './fresh-tokens';
import { toStatus } from './status';

/** Opens the provider's consent page and resolves with the URL it redirected back to. */
export type Authorize = (url: string) => Promise<string>;

/** What connection management needs. */
export interface LifecycleDeps {
  db: TokenKeeperDb;
  vault: Vault;
  clock: Clock;
  locks: Locks;
  refresher: Refresher;
  getSettings: () => Promise<Settings>;
  authorize: Authorize;
  redirectUri: string;
  /** Called after a schedule change so the alarm is re-armed. */
  onScheduleChange: () => Promise<void>;
  onChange?: () => void;
  newId?: () => string;
  random?: () => number;
  requestOptions?: RequestOptions;
}

/** Adds, connects, disconnects and removes connections. */
export interface Lifecycle {
  add(input: unknown): Promise<ActionResult<ConnectionStatus>>;
  connect(connectionId: string): Promise<ActionResult<ConnectionStatus>>;
  disconnect(connectionId: string): Promise<ActionResult>;
  remove(connectionId: string): Promise<ActionResult>;
}

/** Builds connection management. */
export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const random = deps.random ?? Math.random;
  const changed = () => deps.onChange?.();

  async function add(raw: unknown): Promise<ActionResult<ConnectionStatus>> {
    const parsed = v.safeParse(NewConnectionSchema, raw);
    if (!parsed.success)
      return failure('invalid_input', parsed.issues[0]?.message ?? 'Invalid connection.');
    const input = parsed.output;
    let endpoints: Endpoints;
    try {
      endpoints = await resolveEndpoints(input, deps.requestOptions);
    } catch (error) {
      return failure('endpoints', errorMessage(error));
    }
    const now = deps.clock.now();
    const connection: Connection = {
      id: newId(),
      provider: 'custom',
      label: input.label,
      clientId: input.clientId,
      hasClientSecret: Boolean(input.clientSecret),
      scopes: input.scopes,
      endpoints,
      state: 'new',
      expiresAt: null,
      lifetimeSec: null,
      lastRefreshAt: null,
      inFlightSince: null,
      failure: null,
      createdAt: now,
      updatedAt: now,
    };
    const secrets = input.clientSecret
      ? [await deps.vault.seal({ connectionId: connection.id, clientSecret: input.clientSecret })]
      : [];
    await commit(deps.db, { connections: [connection], secrets });
    changed();
    return { ok: true, value: toStatus(connection) };
  }

  async function connect(connectionId: string): Promise<ActionResult<ConnectionStatus>> {
    const connection = await getConnection(deps.db, connectionId);
    if (!connection) return failure('not_found', 'This connection no longer exists.');
    const stored = await deps.refresher.readSecrets(connectionId);
    const target = {
      endpoints: connection.endpoints,
      clientId: connection.clientId,
      ...(stored?.clientSecret ? { clientSecret: stored.clientSecret } : {}),
    };
    let tokens;
    const startedAt = deps.clock.now();
    try {
      const pending = await startAuthorization(target, {
        redirectUri: deps.redirectUri,
        scopes: connection.scopes,
      });
      const callbackUrl = await deps.authorize(pending.url);
      tokens = await finishAuthorization(target, pending, callbackUrl, deps.requestOptions);
    } catch (error) {
      return failure('connect_failed', `Could not connect: ${errorMessage(error)}`);
    }
    const arrivedAt = deps.clock.now();
    const settings = await deps.getSettings();
    // The consent flow replaces any old grant: take the refresh lock so no refresh overlaps the swap.
    const updated = await deps.locks.request(`refresh:${connectionId}`, async () => {
      const current = (await getConnection(deps.db, connectionId)) ?? connection;
      const next = withFreshTokens(current, tokens, arrivedAt, {
        leadSec: settings.refreshLeadMin * 60,
        random: random(),
      });
      const sealed = await deps.vault.seal({
        connectionId,
        accessToken: tokens.accessToken,
        ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
        ...(stored?.clientSecret ? { clientSecret: stored.clientSecret } : {}),
      });
      const event: HistoryEvent = {
        connectionId,
        at: arrivedAt,
        kind: 'connected',
        ok: true,
        durationMs: arrivedAt - startedAt,
        expiresAt: next.expiresAt!,
      };
      await commit(deps.db, { connections: [next], secrets: [sealed], events: [event] });
      return next;
    });
    await deps.onScheduleChange();
    changed();
    return { ok: true, value: toStatus(updated) };
  }

  async function disconnect(connectionId: string): Promise<ActionResult> {
    const outcome = await deps.locks.request(`refresh:${connectionId}`, async () => {
      const connection = await getConnection(deps.db, connectionId);
      if (!connection) return failure('not_found', 'This connection no longer exists.');
      const stored = await deps.refresher.readSecrets(connectionId);
      const revoked = await revokeQuietly(
        connection,
        stored?.refreshToken ?? stored?.accessToken,
        stored?.clientSecret,
      );
      const now = deps.clock.now();
      const { nextRefreshAt: _unscheduled, ...rest } = connection;
      const next: Connection = {
        ...rest,
        state: 'new',
        expiresAt: null,
        lifetimeSec: null,
        inFlightSince: null,
        failure: null,
        updatedAt: now,
      };
      // Keep only the client secret: the person configured it once and may reconnect.
      const secrets = stored?.clientSecret
        ? [await deps.vault.seal({ connectionId, clientSecret: stored.clientSecret })]
        : [];
      await commit(deps.db, {
        connections: [next],
        ...(secrets.length > 0 ? { secrets } : { deleteSecrets: [connectionId] }),
        events: [
          {
            connectionId,
            at: now,
            kind: 'disconnected',
            ok: true,
            ...(revoked
              ? {}
              : {
                  error: {
                    code: 'not_revoked',
                    message: 'The provider offers no revocation; tokens were deleted here.',
                  },
                }),
          },
        ],
      });
      return { ok: true, value: undefined } as const;
    });
    await deps.onScheduleChange();
    changed();
    return outcome;
  }

  async function remove(connectionId: string): Promise<ActionResult> {
    const disconnected = await disconnect(connectionId);
    if (!disconnected.ok) return disconnected;
    await commit(deps.db, { deleteConnections: [connectionId], deleteSecrets: [connectionId] });
    changed();
    return { ok: true, value: undefined };
  }

  async function revokeQuietly(
    connection: Connection,
    token: string | undefined,
    clientSecret?: string,
  ): Promise<boolean> {
    if (!token) return true;
    try {
      return await revokeToken(
        {
          endpoints: connection.endpoints,
          clientId: connection.clientId,
          ...(clientSecret ? { clientSecret } : {}),
        },
        token,
        deps.requestOptions,
      );
    } catch {
      // Disconnecting must work offline too; the tokens are deleted here either way.
      return false;
    }
  }

  return { add, connect, disconnect, remove };
}

async function resolveEndpoints(
  input: v.InferOutput<typeof NewConnectionSchema>,
  options: RequestOptions | undefined,
): Promise<Endpoints> {
  if (input.issuer) return discover(input.issuer, options);
  if (!input.authorizationEndpoint || !input.tokenEndpoint) {
    throw new Error(
      'Enter an issuer URL for discovery, or both the authorization and token endpoints.',
    );
  }
  assertSecureUrl(input.authorizationEndpoint, 'Authorization endpoint');
  assertSecureUrl(input.tokenEndpoint, 'Token endpoint');
  return { authorization: input.authorizationEndpoint, token: input.tokenEndpoint };
}

function failure(
  code: string,
  message: string,
): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message: redact(message) } };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
