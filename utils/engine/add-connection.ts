import { NewConnectionSchema, type ValidConnectionInput } from '../connection-input';
import type { ActionResult, Connection, ConnectionStatus, ManagedMarker } from '../model';
import type { ConnectionSetup } from '../oauth/providers';
import { commit } from '../store/commit';
import { isVaultLocked } from '../store/vault';
import { setupOf, validated, type LifecycleContext } from './lifecycle-context';
import { LOCKED_ERROR } from './passphrase-lock';
import { toStatus } from './status';

/** A new connection's record, not yet connected; `managed` marks one deployed by the policy. */
export function newConnectionRecord(
  id: string,
  input: ValidConnectionInput,
  setup: ConnectionSetup,
  now: number,
  managed?: ManagedMarker,
): Connection {
  return {
    id,
    provider: input.provider,
    label: input.label,
    clientId: input.clientId,
    hasClientSecret: Boolean(input.clientSecret),
    scopes: setup.scopes,
    endpoints: setup.endpoints,
    ...(input.provider === 'custom' && input.promptConsent === false
      ? { promptConsent: false }
      : {}),
    ...(setup.refreshTokenLifetime ? { refreshTokenLifetime: setup.refreshTokenLifetime } : {}),
    ...(managed ? { managed } : {}),
    state: 'new',
    expiresAt: null,
    lifetimeSec: null,
    lastRefreshAt: null,
    inFlightSince: null,
    failure: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Adds a person's connection from what a page sent (validated here), not yet connected. */
export async function addConnection(
  ctx: LifecycleContext,
  raw: unknown,
): Promise<ActionResult<ConnectionStatus>> {
  const input = validated(NewConnectionSchema, raw, 'Invalid connection.');
  if (!input.ok) return input;
  const setup = await setupOf(ctx, input.value);
  if (!setup.ok) return setup;
  const connection = newConnectionRecord(ctx.newId(), input.value, setup.value, ctx.clock.now());
  const clientSecret = input.value.clientSecret;
  try {
    if (clientSecret) {
      // Sealed and written under the vault's use: the key cannot change in between.
      await ctx.vault.use(async () => {
        const sealed = await ctx.vault.seal({ connectionId: connection.id, clientSecret });
        await commit(ctx.db, { connections: [connection], secrets: [sealed] });
      });
    } else {
      await commit(ctx.db, { connections: [connection] });
    }
  } catch (error) {
    if (isVaultLocked(error)) return { ok: false, error: LOCKED_ERROR };
    throw error;
  }
  ctx.changed();
  return { ok: true, value: toStatus(connection) };
}
