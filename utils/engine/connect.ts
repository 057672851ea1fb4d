import type { ActionResult, Connection, ConnectionStatus, HistoryEvent } from '../model';
import { finishAuthorization, startAuthorization, type TokenSet } from '../oauth/client';
import { describeConnectFailure, describeMissingRefreshToken } from '../oauth/provider-errors';
import { authorizeParams, lookupIdentity } from '../oauth/providers';
import { salvagedRefreshToken } from '../oauth/salvage';
import type { Settings } from '../settings';
import { getConnection } from '../store/connections';
import { appendHistory } from '../store/history';
import { withFreshTokens } from './fresh-tokens';
import { failure, readQuietly, withKey, type LifecycleContext } from './lifecycle-context';
import { LOCKED_ERROR } from './passphrase-lock';
import { revokeQuietly } from './revocation';
import { toStatus } from './status';

/** Why a grant from the consent flow was not kept (it is given back at the provider). */
type NotKept = { kept: false; reason: 'locked' | 'storage' | 'not_found' };

/**
 * Runs the consent flow and keeps the new grant: tokens first (R5), then the connection's state and plan.
 * A grant nobody keeps (locked, removed or storage failed meanwhile) is revoked.
 */
export async function connect(
  ctx: LifecycleContext,
  connectionId: string,
): Promise<ActionResult<ConnectionStatus>> {
  // The client secret cannot be read and new tokens cannot be stored while locked: ask first.
  if (ctx.vault.mode() === 'locked') return { ok: false, error: LOCKED_ERROR };
  const connection = await getConnection(ctx.db, connectionId);
  if (!connection) return failure('not_found', 'This connection no longer exists.');
  const stored = await readQuietly(ctx, connectionId);
  const target = {
    endpoints: connection.endpoints,
    clientId: connection.clientId,
    ...(stored?.clientSecret ? { clientSecret: stored.clientSecret } : {}),
  };
  const revoke = (token: string | undefined) =>
    revokeQuietly(connection, token, target.clientSecret, ctx.requestOptions);
  let tokens: TokenSet;
  const startedAt = ctx.clock.now();
  try {
    const pending = await startAuthorization(target, {
      redirectUri: ctx.redirectUri,
      scopes: connection.scopes,
      extraParams: authorizeParams(connection),
    });
    const callbackUrl = await ctx.authorize(pending.url);
    tokens = await finishAuthorization(target, pending, callbackUrl, ctx.requestOptions);
  } catch (error) {
    // An unusable answer may still have opened a grant: nobody will use it, so give it back.
    const orphan = salvagedRefreshToken(error);
    if (orphan) await revoke(orphan);
    return failure(
      'connect_failed',
      `Could not connect: ${describeConnectFailure(connection.provider, error)}`,
    );
  }
  // Without a refresh token the connection would die at its first expiry: say so now, not then.
  if (!tokens.refreshToken && !stored?.refreshToken) {
    await revoke(tokens.accessToken);
    return failure('no_refresh_token', describeMissingRefreshToken(connection.provider));
  }
  const arrivedAt = ctx.clock.now();
  // Network before the lock and the transaction (never inside them).
  const identity = await lookupIdentity(target, tokens, ctx.requestOptions);
  // The consent flow replaces any old grant: take the refresh lock so no refresh overlaps the swap.
  // Locked while the consent window was open: nothing is stored, the grant is given back below.
  const kept = await withKey(ctx, connectionId, keep, (): NotKept => ({
    kept: false,
    reason: 'locked',
  }));
  async function keep(): Promise<NotKept | { kept: true; connection: Connection }> {
    // Removed (or all data wiped) while the consent window was open: it must not come back.
    let current: Connection | undefined;
    let settings: Settings;
    try {
      [current, settings] = await ctx.storageStep(() =>
        Promise.all([getConnection(ctx.db, connectionId), ctx.getSettings()]),
      );
    } catch {
      // A closed database means Remove all data replaced it; any other failure: nothing is written.
      return { kept: false, reason: 'storage' };
    }
    if (!current) return { kept: false, reason: 'not_found' };
    // The grant's secrets as they are now (a refresh may have rotated them while consent was open).
    const now = await readQuietly(ctx, connectionId);
    const clientSecret = now?.clientSecret ?? stored?.clientSecret;
    // No refresh_token in a consent response means the provider kept the grant's existing one.
    const refreshToken = tokens.refreshToken ?? now?.refreshToken;
    // The new tokens first, on their own: a state write that fails must not lose them.
    await ctx.secrets.persist({
      connectionId,
      accessToken: tokens.accessToken,
      ...(refreshToken ? { refreshToken } : {}),
      ...(clientSecret ? { clientSecret } : {}),
    });
    const next: Connection = {
      ...withFreshTokens(
        current,
        tokens,
        arrivedAt,
        { leadSec: settings.refreshLeadMin * 60, random: ctx.random() },
        { startedAt: arrivedAt },
      ),
      ...identity,
    };
    const event: HistoryEvent = {
      connectionId,
      at: arrivedAt,
      kind: 'connected',
      ok: true,
      durationMs: arrivedAt - startedAt,
      expiresAt: next.expiresAt!,
    };
    if (next.nextRefreshAt !== undefined)
      await ctx.cover?.(next.nextRefreshAt).catch(() => undefined);
    await ctx.storageStep(() => ctx.db.put('connections', next));
    await appendHistory(ctx.db, [event]);
    return { kept: true, connection: next };
  }
  if (!kept.kept) {
    // Nobody keeps these tokens: give the grant back to the provider (best effort).
    await revoke(tokens.refreshToken ?? tokens.accessToken);
    ctx.changed();
    return notKeptFailure(kept.reason);
  }
  await ctx.onScheduleChange();
  ctx.changed();
  return { ok: true, value: toStatus(kept.connection) };
}

/** What the person is told when a new sign-in was not kept (and was revoked). */
function notKeptFailure(reason: NotKept['reason']) {
  if (reason === 'locked') {
    return failure(
      'locked',
      'Token Keeper was locked while the sign-in window was open; the new sign-in was revoked. Unlock, then connect again.',
    );
  }
  return reason === 'not_found'
    ? failure(
        'not_found',
        'This connection was removed while its sign-in window was open; the new sign-in was revoked.',
      )
    : failure(
        'storage',
        'The new sign-in could not be stored (storage failed, or all data was removed meanwhile); it was revoked at the provider.',
      );
}
