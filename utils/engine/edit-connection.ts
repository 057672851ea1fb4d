import { ConnectionEditSchema } from '../connection-input';
import type { ActionResult, Connection, EditOutcome, HistoryEvent, StoredError } from '../model';
import type { ConnectionSetup } from '../oauth/providers';
import { commit } from '../store/commit';
import { getConnection } from '../store/connections';
import { clientSecretOnly } from './disconnect';
import { applyEdit, grantChanged } from './edit-plan';
import {
  failure,
  MANAGED_REFUSAL,
  setupOf,
  validated,
  withKey,
  type LifecycleContext,
} from './lifecycle-context';
import { LOCKED_ERROR } from './passphrase-lock';
import { revokeQuietly } from './revocation';
import { toStatus } from './status';

/** Why a connection whose client, scopes or endpoints the person changed needs a new consent. */
export const EDIT_RECONNECT: StoredError = {
  code: 'settings_changed',
  message:
    'You changed the client ID, scopes or endpoints of this connection: reconnect to approve them.',
};

/** `Lifecycle.edit`: the changes validated, discovery first, then the pure plan applied inside the lock. */
export async function editConnection(
  ctx: LifecycleContext,
  connectionId: string,
  raw: unknown,
): Promise<ActionResult<EditOutcome>> {
  const parsed = validated(ConnectionEditSchema, raw, 'Invalid change.');
  if (!parsed.ok) return parsed;
  const changes = parsed.value;
  const before = await getConnection(ctx.db, connectionId);
  if (!before) return failure('not_found', 'This connection no longer exists.');
  // The organisation owns a managed connection's set-up: refused here, not only hidden (docs/admin.md).
  if (before.managed) return { ok: false, error: MANAGED_REFUSAL };
  // A new secret cannot be sealed, nor old tokens read to revoke them, while locked: ask first.
  if (ctx.vault.mode() === 'locked') return { ok: false, error: LOCKED_ERROR };
  const planned = applyEdit(before, changes);
  if (planned.refused) return failure('invalid_input', planned.refused);
  // Discovery before the lock; inside it only the old grant's revocation, which must see the tokens as no
  // refresh can rotate them meanwhile. Never network inside a transaction.
  let setup: ConnectionSetup | undefined;
  if (planned.resolve) {
    const resolved = await setupOf(ctx, planned.input);
    if (!resolved.ok) return resolved;
    setup = resolved.value;
  }
  const reconnect = setup !== undefined && grantChanged(before, planned.input, setup);
  const secret = changes.clientSecret;
  const outcome = await withKey(ctx, connectionId, editInside, () => ({
    ok: false as const,
    error: LOCKED_ERROR,
  }));
  async function editInside() {
    const current = await getConnection(ctx.db, connectionId);
    if (!current) return failure('not_found', 'This connection no longer exists.');
    const read = await ctx.secrets.read(connectionId);
    const stored = read.ok ? read.record : undefined;
    const clientSecret = secret ?? stored?.clientSecret;
    const now = ctx.clock.now();
    let next: Connection = { ...current, label: planned.input.label, updatedAt: now };
    const events: HistoryEvent[] = [{ connectionId, at: now, kind: 'edited', ok: true }];
    if (setup) {
      const { refreshTokenLifetime: _lifetime, ...unset } = next;
      next = {
        ...unset,
        clientId: planned.input.clientId,
        endpoints: setup.endpoints,
        scopes: setup.scopes,
        ...(setup.refreshTokenLifetime ? { refreshTokenLifetime: setup.refreshTokenLifetime } : {}),
      };
    }
    if (reconnect && current.state !== 'new') {
      // The grant belongs to the old client, server or scopes: give it back, then ask for a new consent.
      await revokeQuietly(
        current,
        stored?.refreshToken ?? stored?.accessToken,
        stored?.clientSecret,
        ctx.requestOptions,
      );
      const { nextRefreshAt: _unscheduled, missingScopes: _missing, ...rest } = next;
      next = {
        ...rest,
        state: 'needs-reconnect',
        expiresAt: null,
        inFlightSince: null,
        failure: { failedAt: now, attempt: 1, kind: 'permanent', lastError: EDIT_RECONNECT },
      };
      events.push({
        connectionId,
        at: now,
        kind: 'needs-reconnect',
        ok: false,
        error: EDIT_RECONNECT,
      });
    }
    if (reconnect) {
      // Keep only the client secret: tokens of the old grant are useless to the new set-up.
      ctx.secrets.forget(connectionId);
      const kept = await clientSecretOnly(ctx.vault, connectionId, clientSecret);
      next.hasClientSecret = kept.secrets !== undefined;
      await commit(ctx.db, { connections: [next], ...kept, events });
      return { ok: true as const, value: next };
    }
    if (secret !== undefined) {
      // Writing over a record that could not be read would lose its refresh token: refuse instead.
      if (!read.ok)
        return failure(
          'storage',
          'The stored credentials could not be read just now; nothing was changed. Try again.',
        );
      // Rotation first (R5): the tokens stay as they are, the new secret is used from the next refresh.
      await ctx.secrets.persist({ ...(stored ?? {}), connectionId, clientSecret: secret });
      next.hasClientSecret = true;
    }
    await commit(ctx.db, { connections: [next], events });
    return { ok: true as const, value: next };
  }
  if (!outcome.ok) return outcome;
  // A connection that failed for a configuration reason is retried at once with what was fixed.
  const retry =
    !reconnect && before.failure?.kind === 'configuration' && before.state === 'needs-reconnect';
  const retried = retry ? await ctx.refresher.refresh(connectionId, 'manual') : undefined;
  await ctx.onScheduleChange();
  ctx.changed();
  const latest = (await getConnection(ctx.db, connectionId)) ?? outcome.value;
  return {
    ok: true,
    value: { connection: toStatus(latest), reconnect, ...(retried ? { retried } : {}) },
  };
}
