import { errorName } from '../error-text';
import type { ActionResult } from '../model';
import { commit } from '../store/commit';
import { getConnection } from '../store/connections';
import { appendHistory } from '../store/history';
import { giveBackGrant, release } from './disconnect';
import { failure, MANAGED_REFUSAL, type LifecycleContext } from './lifecycle-context';

/**
 * Disconnects (revoking where possible) and deletes a connection in one commit; its history stays. A managed
 * one is refused unless `includeManaged` (the policy dropped it, or Remove all data).
 */
export function remove(
  ctx: LifecycleContext,
  connectionId: string,
  includeManaged = false,
): Promise<ActionResult> {
  const inside = () => removeInside(ctx, connectionId, includeManaged);
  // Locked: removing needs no decryption (nothing is revoked, and history says so).
  return release(ctx, connectionId, inside, inside);
}

async function removeInside(
  ctx: LifecycleContext,
  connectionId: string,
  includeManaged: boolean,
): Promise<ActionResult> {
  const connection = await getConnection(ctx.db, connectionId);
  if (!connection) return failure('not_found', 'This connection no longer exists.');
  if (connection.managed && !includeManaged) return { ok: false, error: MANAGED_REFUSAL };
  const { event } = await giveBackGrant(ctx, connection);
  // Deleting needs no decryption: a damaged record never blocks removal.
  await commit(ctx.db, { deleteConnections: [connectionId], deleteSecrets: [connectionId] });
  await appendHistory(ctx.db, [event]);
  await ctx.onRemoved?.(connection).catch((error: unknown) => {
    console.warn('Cleaning up after a removed connection failed', errorName(error));
  });
  return { ok: true, value: undefined };
}
