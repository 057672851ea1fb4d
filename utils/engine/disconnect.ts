import type { ActionResult, Connection, HistoryEvent, SecretRecord } from '../model';
import { commit, type Commit } from '../store/commit';
import { getConnection } from '../store/connections';
import { appendHistory } from '../store/history';
import type { Vault } from '../store/vault';
import { failure, withKey, type LifecycleContext } from './lifecycle-context';
import { LOCKED_ERROR } from './passphrase-lock';
import { LOCKED_NOT_REVOKED, revokeQuietly, UNREADABLE_NOT_REVOKED } from './revocation';

/**
 * The secrets part of a commit that keeps only `clientSecret` (sealed again) and drops any tokens: the
 * connection has no grant now (disconnected, or its client, server or scopes changed). Inside the vault's use.
 */
export async function clientSecretOnly(
  vault: Vault,
  connectionId: string,
  clientSecret: string | undefined,
): Promise<Pick<Commit, 'secrets' | 'deleteSecrets'>> {
  return clientSecret
    ? { secrets: [await vault.seal({ connectionId, clientSecret })] }
    : { deleteSecrets: [connectionId] };
}

/**
 * Gives a connection's grant back (revoking where possible) and forgets its tokens held in memory; returns
 * what was stored and the `disconnected` event saying whether the revocation worked. Inside the lock.
 */
export async function giveBackGrant(
  ctx: LifecycleContext,
  connection: Connection,
): Promise<{ stored: SecretRecord | undefined; event: HistoryEvent }> {
  const read = await ctx.secrets.read(connection.id);
  const stored = read.ok ? read.record : undefined;
  const revocation = read.ok
    ? await revokeQuietly(
        connection,
        stored?.refreshToken ?? stored?.accessToken,
        stored?.clientSecret,
        ctx.requestOptions,
      )
    : read.reason === 'locked'
      ? LOCKED_NOT_REVOKED
      : UNREADABLE_NOT_REVOKED;
  const event: HistoryEvent = {
    connectionId: connection.id,
    at: ctx.clock.now(),
    kind: 'disconnected',
    ok: true,
    ...(revocation.ok ? {} : { error: revocation.error }),
  };
  // What is about to be deleted must not be written back from memory afterwards.
  ctx.secrets.forget(connection.id);
  return { stored, event };
}

/** Runs a release (disconnect, remove) inside the connection's lock and key, then re-arms and tells pages. */
export async function release(
  ctx: LifecycleContext,
  connectionId: string,
  inside: () => Promise<ActionResult>,
  whenLocked: () => Promise<ActionResult> | ActionResult,
): Promise<ActionResult> {
  const outcome = await withKey(ctx, connectionId, inside, whenLocked);
  await ctx.onScheduleChange();
  ctx.changed();
  return outcome;
}

/** Revokes and forgets the tokens; the connection stays, unscheduled, with its client secret and history. */
export function disconnect(ctx: LifecycleContext, connectionId: string): Promise<ActionResult> {
  // Locked: the client secret cannot be re-sealed now.
  return release(
    ctx,
    connectionId,
    () => disconnectInside(ctx, connectionId),
    () => ({ ok: false, error: LOCKED_ERROR }) as const,
  );
}

async function disconnectInside(
  ctx: LifecycleContext,
  connectionId: string,
): Promise<ActionResult> {
  const connection = await getConnection(ctx.db, connectionId);
  if (!connection) return failure('not_found', 'This connection no longer exists.');
  const { stored, event } = await giveBackGrant(ctx, connection);
  const { nextRefreshAt: _unscheduled, ...rest } = connection;
  const next: Connection = {
    ...rest,
    state: 'new',
    expiresAt: null,
    lifetimeSec: null,
    inFlightSince: null,
    failure: null,
    updatedAt: event.at,
  };
  // Keep only the client secret: the person configured it once and may reconnect.
  await commit(ctx.db, {
    connections: [next],
    ...(await clientSecretOnly(ctx.vault, connectionId, stored?.clientSecret)),
  });
  await appendHistory(ctx.db, [event]);
  return { ok: true, value: undefined };
}
