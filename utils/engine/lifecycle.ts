import * as v from 'valibot';
import {
  ConnectionEditSchema,
  NewConnectionSchema,
  type ValidConnectionInput,
} from '../connection-input';
import { errorMessage, errorName } from '../error-text';
import type {
  ActionResult,
  Connection,
  ConnectionStatus,
  EditOutcome,
  HistoryEvent,
  ManagedMarker,
  SecretRecord,
  StoredError,
} from '../model';
import {
  finishAuthorization,
  revokeToken,
  startAuthorization,
  type RequestOptions,
  type TokenSet,
} from '../oauth/client';
import { describeConnectFailure, describeMissingRefreshToken } from '../oauth/provider-errors';
import {
  authorizeParams,
  lookupIdentity,
  manualRevocationHint,
  resolveSetup,
  type ConnectionSetup,
} from '../oauth/providers';
import { redact } from '../oauth/redact';
import { salvagedRefreshToken } from '../oauth/salvage';
import type { Settings } from '../settings';
import { commit, type Commit } from '../store/commit';
import { getConnection } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import { appendHistory } from '../store/history';
import { isVaultLocked, type Vault } from '../store/vault';
import type { Clock, Locks } from './deps';
import { LOCKED_ERROR } from './passphrase-lock';
import type { Refresher } from './refresher';
import { withFreshTokens } from './fresh-tokens';
import { retrying, STORAGE_RETRIES, timerSleep } from './retrying';
import type { SecretKeeper } from './secrets';
import { applyEdit, grantChanged } from './edit-plan';
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
  /** Reads and persists secrets (shared with the refresher, so a held rotation is seen). */
  secrets: SecretKeeper;
  /** Makes sure the refresh alarm fires by `when`; called before a new plan is written (R2). */
  cover?: (when: number) => Promise<void>;
  /** Called after a schedule change so the alarm is re-armed. */
  onScheduleChange: () => Promise<void>;
  /** Tells pages something changed (the services send one status snapshot per burst). */
  changed?: () => void;
  newId?: () => string;
  random?: () => number;
  requestOptions?: RequestOptions;
  /** Waits between storage retries (tests: instant). */
  sleep?: (ms: number) => Promise<void>;
  /** After a connection is removed: give back what only it needed (host access, its notification). */
  onRemoved?: (removed: Connection) => Promise<void>;
}

/** Adds, connects, disconnects and removes connections. */
export interface Lifecycle {
  add(input: unknown): Promise<ActionResult<ConnectionStatus>>;
  connect(connectionId: string): Promise<ActionResult<ConnectionStatus>>;
  disconnect(connectionId: string): Promise<ActionResult>;
  /**
   * Disconnects (revoking where possible) and deletes a connection. A managed one is refused unless
   * `includeManaged` (the policy dropped it, or Remove all data): the person cannot remove it.
   */
  remove(connectionId: string, options?: { includeManaged?: boolean }): Promise<ActionResult>;
  /**
   * Changes the set-up of a person's connection, keeping its history (a managed one is refused). A new
   * client, scopes or endpoints revoke the old grant where possible and need Reconnect; a new client
   * secret is used from the next refresh, and at once when the connection failed for a configuration reason.
   */
  edit(connectionId: string, changes: unknown): Promise<ActionResult<EditOutcome>>;
}

/** Why a connection whose client, scopes or endpoints the person changed needs a new consent. */
export const EDIT_RECONNECT: StoredError = {
  code: 'settings_changed',
  message:
    'You changed the client ID, scopes or endpoints of this connection: reconnect to approve them.',
};

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

/** Why a person cannot remove a managed connection (the worker refuses, not only the page). */
export const MANAGED_REFUSAL: StoredError = {
  code: 'managed',
  message: 'Managed by your organisation: this connection cannot be removed or changed here.',
};

/** Builds connection management. */
export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const sleep = deps.sleep ?? timerSleep;
  const random = deps.random ?? Math.random;
  const changed = () => deps.changed?.();

  async function add(raw: unknown): Promise<ActionResult<ConnectionStatus>> {
    const parsed = v.safeParse(NewConnectionSchema, raw);
    if (!parsed.success)
      return failure('invalid_input', parsed.issues[0]?.message ?? 'Invalid connection.');
    const input = parsed.output;
    let setup: ConnectionSetup;
    try {
      setup = await resolveSetup(input, deps.requestOptions);
    } catch (error) {
      return failure('endpoints', errorMessage(error));
    }
    const connection = newConnectionRecord(newId(), input, setup, deps.clock.now());
    const clientSecret = input.clientSecret;
    try {
      if (clientSecret) {
        // Sealed and written under the vault's use: the key cannot change in between.
        await deps.vault.use(async () => {
          const sealed = await deps.vault.seal({ connectionId: connection.id, clientSecret });
          await commit(deps.db, { connections: [connection], secrets: [sealed] });
        });
      } else {
        await commit(deps.db, { connections: [connection] });
      }
    } catch (error) {
      if (isVaultLocked(error)) return { ok: false, error: LOCKED_ERROR };
      throw error;
    }
    changed();
    return { ok: true, value: toStatus(connection) };
  }

  async function connect(connectionId: string): Promise<ActionResult<ConnectionStatus>> {
    // The client secret cannot be read and new tokens cannot be stored while locked: ask first.
    if (deps.vault.mode() === 'locked') return { ok: false, error: LOCKED_ERROR };
    const connection = await getConnection(deps.db, connectionId);
    if (!connection) return failure('not_found', 'This connection no longer exists.');
    const stored = await readQuietly(connectionId);
    const target = {
      endpoints: connection.endpoints,
      clientId: connection.clientId,
      ...(stored?.clientSecret ? { clientSecret: stored.clientSecret } : {}),
    };
    let tokens: TokenSet;
    const startedAt = deps.clock.now();
    try {
      const pending = await startAuthorization(target, {
        redirectUri: deps.redirectUri,
        scopes: connection.scopes,
        extraParams: authorizeParams(connection),
      });
      const callbackUrl = await deps.authorize(pending.url);
      tokens = await finishAuthorization(target, pending, callbackUrl, deps.requestOptions);
    } catch (error) {
      // An unusable answer may still have opened a grant: nobody will use it, so give it back.
      const orphan = salvagedRefreshToken(error);
      if (orphan) await revokeQuietly(connection, orphan, target.clientSecret);
      return failure(
        'connect_failed',
        `Could not connect: ${describeConnectFailure(connection.provider, error)}`,
      );
    }
    // Without a refresh token the connection would die at its first expiry: say so now, not then.
    if (!tokens.refreshToken && !stored?.refreshToken) {
      await revokeQuietly(connection, tokens.accessToken, target.clientSecret);
      return failure('no_refresh_token', describeMissingRefreshToken(connection.provider));
    }
    const arrivedAt = deps.clock.now();
    // Network before the lock and the transaction (never inside them).
    const identity = await lookupIdentity(target, tokens, deps.requestOptions);
    // The consent flow replaces any old grant: take the refresh lock so no refresh overlaps the swap.
    // Locked while the consent window was open: nothing is stored, the grant is given back below.
    const kept = await withKey(
      connectionId,
      keep,
      () => ({ kept: false, reason: 'locked' }) as const,
    );
    async function keep() {
      // Removed (or all data wiped) while the consent window was open: it must not come back.
      let current: Connection | undefined;
      let settings: Settings;
      try {
        [current, settings] = await retrying(
          () => Promise.all([getConnection(deps.db, connectionId), deps.getSettings()]),
          { ...STORAGE_RETRIES, sleep },
        );
      } catch {
        // A closed database means Remove all data replaced it; any other failure: nothing is written.
        return { kept: false, reason: 'storage' } as const;
      }
      if (!current) return { kept: false, reason: 'not_found' } as const;
      // The grant's secrets as they are now (a refresh may have rotated them while consent was open).
      const now = await readQuietly(connectionId);
      const clientSecret = now?.clientSecret ?? stored?.clientSecret;
      // No refresh_token in a consent response means the provider kept the grant's existing one.
      const refreshToken = tokens.refreshToken ?? now?.refreshToken;
      // The new tokens first, on their own: a state write that fails must not lose them.
      await deps.secrets.persist({
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
          { leadSec: settings.refreshLeadMin * 60, random: random() },
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
        await deps.cover?.(next.nextRefreshAt).catch(() => undefined);
      await retrying(() => deps.db.put('connections', next), { ...STORAGE_RETRIES, sleep });
      await appendHistory(deps.db, [event]);
      return { kept: true, connection: next } as const;
    }
    if (!kept.kept) {
      // Nobody keeps these tokens: give the grant back to the provider (best effort).
      await revokeQuietly(
        connection,
        tokens.refreshToken ?? tokens.accessToken,
        target.clientSecret,
      );
      changed();
      if (kept.reason === 'locked') {
        return failure(
          'locked',
          'Token Keeper was locked while the sign-in window was open; the new sign-in was revoked. Unlock, then connect again.',
        );
      }
      return kept.reason === 'not_found'
        ? failure(
            'not_found',
            'This connection was removed while its sign-in window was open; the new sign-in was revoked.',
          )
        : failure(
            'storage',
            'The new sign-in could not be stored (storage failed, or all data was removed meanwhile); it was revoked at the provider.',
          );
    }
    const updated = kept.connection;
    await deps.onScheduleChange();
    changed();
    return { ok: true, value: toStatus(updated) };
  }

  /**
   * Runs `work` inside the connection's refresh lock, then the vault's use (the refresher's order, R4), so
   * the key cannot change between a read or seal and its commit; `whenLocked` answers when the lock is closed.
   */
  function withKey<T, L>(
    connectionId: string,
    work: () => Promise<T>,
    whenLocked: () => L | Promise<L>,
  ): Promise<T | L> {
    return deps.locks.request(`refresh:${connectionId}`, () =>
      deps.vault.use<T | L>(work).catch((error: unknown) => {
        if (isVaultLocked(error)) return whenLocked();
        throw error;
      }),
    );
  }

  /** A connection's secrets, or none when they cannot be read (connect and disconnect must still work). */
  async function readQuietly(connectionId: string): Promise<SecretRecord | undefined> {
    const read = await deps.secrets.read(connectionId);
    return read.ok ? read.record : undefined;
  }

  /** Revokes and forgets the tokens; `remove` also deletes the connection, in the same commit (history stays). */
  async function release(
    connectionId: string,
    remove: boolean,
    includeManaged = false,
  ): Promise<ActionResult> {
    const inside = () => releaseInside(connectionId, remove, includeManaged);
    // Locked: Remove needs no decryption (nothing is revoked, and history says so); Disconnect keeps the
    // client secret, which it cannot re-seal now.
    const outcome = await withKey(connectionId, inside, () =>
      remove ? inside() : ({ ok: false, error: LOCKED_ERROR } as const),
    );
    await deps.onScheduleChange();
    changed();
    return outcome;
  }

  /** The release itself, inside the connection's lock (and the vault's use, unless locked). */
  async function releaseInside(
    connectionId: string,
    remove: boolean,
    includeManaged: boolean,
  ): Promise<ActionResult> {
    const connection = await getConnection(deps.db, connectionId);
    if (!connection) return failure('not_found', 'This connection no longer exists.');
    if (remove && connection.managed && !includeManaged)
      return { ok: false, error: MANAGED_REFUSAL } as const;
    const read = await deps.secrets.read(connectionId);
    const stored = read.ok ? read.record : undefined;
    const revocation = read.ok
      ? await revokeQuietly(
          connection,
          stored?.refreshToken ?? stored?.accessToken,
          stored?.clientSecret,
        )
      : read.reason === 'locked'
        ? LOCKED_NOT_REVOKED
        : UNREADABLE_NOT_REVOKED;
    const now = deps.clock.now();
    const event: HistoryEvent = {
      connectionId,
      at: now,
      kind: 'disconnected',
      ok: true,
      ...(revocation.ok ? {} : { error: revocation.error }),
    };
    // What is about to be deleted must not be written back from memory afterwards.
    deps.secrets.forget(connectionId);
    if (remove) {
      // Deleting needs no decryption: a damaged record never blocks removal.
      await commit(deps.db, { deleteConnections: [connectionId], deleteSecrets: [connectionId] });
      await appendHistory(deps.db, [event]);
      await deps.onRemoved?.(connection).catch((error: unknown) => {
        console.warn('Cleaning up after a removed connection failed', errorName(error));
      });
      return { ok: true, value: undefined } as const;
    }
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
    await commit(deps.db, {
      connections: [next],
      ...(await clientSecretOnly(deps.vault, connectionId, stored?.clientSecret)),
    });
    await appendHistory(deps.db, [event]);
    return { ok: true, value: undefined } as const;
  }

  async function edit(connectionId: string, raw: unknown): Promise<ActionResult<EditOutcome>> {
    const parsed = v.safeParse(ConnectionEditSchema, raw);
    if (!parsed.success)
      return failure('invalid_input', parsed.issues[0]?.message ?? 'Invalid change.');
    const changes = parsed.output;
    const before = await getConnection(deps.db, connectionId);
    if (!before) return failure('not_found', 'This connection no longer exists.');
    // The organisation owns a managed connection's set-up: refused here, not only hidden (docs/admin.md).
    if (before.managed) return { ok: false, error: MANAGED_REFUSAL };
    // A new secret cannot be sealed, nor old tokens read to revoke them, while locked: ask first.
    if (deps.vault.mode() === 'locked') return { ok: false, error: LOCKED_ERROR };
    const planned = applyEdit(before, changes);
    if (planned.refused) return failure('invalid_input', planned.refused);
    // Discovery before the lock; inside it only the old grant's revocation, which must see the tokens as no
    // refresh can rotate them meanwhile. Never network inside a transaction.
    let setup: ConnectionSetup | undefined;
    if (planned.resolve) {
      try {
        setup = await resolveSetup(planned.input, deps.requestOptions);
      } catch (error) {
        return failure('endpoints', errorMessage(error));
      }
    }
    const reconnect = setup !== undefined && grantChanged(before, planned.input, setup);
    const secret = changes.clientSecret;
    const outcome = await withKey(connectionId, editInside, () => ({
      ok: false as const,
      error: LOCKED_ERROR,
    }));
    async function editInside() {
      const current = await getConnection(deps.db, connectionId);
      if (!current) return failure('not_found', 'This connection no longer exists.');
      const read = await deps.secrets.read(connectionId);
      const stored = read.ok ? read.record : undefined;
      const clientSecret = secret ?? stored?.clientSecret;
      const now = deps.clock.now();
      let next: Connection = { ...current, label: planned.input.label, updatedAt: now };
      const events: HistoryEvent[] = [{ connectionId, at: now, kind: 'edited', ok: true }];
      if (setup) {
        const { refreshTokenLifetime: _lifetime, ...unset } = next;
        next = {
          ...unset,
          clientId: planned.input.clientId,
          endpoints: setup.endpoints,
          scopes: setup.scopes,
          ...(setup.refreshTokenLifetime
            ? { refreshTokenLifetime: setup.refreshTokenLifetime }
            : {}),
        };
      }
      if (reconnect && current.state !== 'new') {
        // The grant belongs to the old client, server or scopes: give it back, then ask for a new consent.
        await revokeQuietly(
          current,
          stored?.refreshToken ?? stored?.accessToken,
          stored?.clientSecret,
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
        deps.secrets.forget(connectionId);
        const kept = await clientSecretOnly(deps.vault, connectionId, clientSecret);
        next.hasClientSecret = kept.secrets !== undefined;
        await commit(deps.db, { connections: [next], ...kept, events });
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
        await deps.secrets.persist({ ...(stored ?? {}), connectionId, clientSecret: secret });
        next.hasClientSecret = true;
      }
      await commit(deps.db, { connections: [next], events });
      return { ok: true as const, value: next };
    }
    if (!outcome.ok) return outcome;
    // A connection that failed for a configuration reason is retried at once with what was fixed.
    const retry =
      !reconnect && before.failure?.kind === 'configuration' && before.state === 'needs-reconnect';
    const retried = retry ? await deps.refresher.refresh(connectionId, 'manual') : undefined;
    await deps.onScheduleChange();
    changed();
    const latest = (await getConnection(deps.db, connectionId)) ?? outcome.value;
    return {
      ok: true,
      value: { connection: toStatus(latest), reconnect, ...(retried ? { retried } : {}) },
    };
  }

  const disconnect = (connectionId: string) => release(connectionId, false);
  const remove = (connectionId: string, options: { includeManaged?: boolean } = {}) =>
    release(connectionId, true, options.includeManaged);

  /** Revokes at the provider where it can; never throws, so disconnecting works offline too. */
  async function revokeQuietly(
    connection: Connection,
    token: string | undefined,
    clientSecret?: string,
  ): Promise<{ ok: true } | { ok: false; error: StoredError }> {
    if (!token) return { ok: true };
    try {
      const revoked = await revokeToken(
        {
          endpoints: connection.endpoints,
          clientId: connection.clientId,
          ...(clientSecret ? { clientSecret } : {}),
        },
        token,
        deps.requestOptions,
      );
      if (revoked) return { ok: true };
      const hint = manualRevocationHint(connection.provider);
      return {
        ok: false,
        error: {
          code: 'not_revoked',
          message: `${hint ?? 'The provider offers no revocation.'} Tokens were deleted here.`,
        },
      };
    } catch (error) {
      return {
        ok: false,
        error: {
          code: 'revoke_failed',
          message: redact(
            `Revoking at the provider failed (${errorMessage(error)}); tokens were deleted here.`,
          ),
        },
      };
    }
  }

  return { add, connect, disconnect, remove, edit };
}

function failure(
  code: string,
  message: string,
): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message: redact(message) } };
}

/** Removing a connection while locked: its tokens cannot be read to revoke them, say so. */
const LOCKED_NOT_REVOKED = {
  ok: false,
  error: {
    code: 'not_revoked',
    message:
      'Not revoked at the provider: Token Keeper was locked. Remove the app from your account at the provider; nothing is kept here.',
  },
} as const;

/** Disconnecting a connection whose secrets cannot be read: nothing to revoke with, say so. */
const UNREADABLE_NOT_REVOKED = {
  ok: false,
  error: {
    code: 'not_revoked',
    message:
      'Not revoked at the provider: the stored credentials could not be read. Remove the app from your account at the provider; nothing is kept here.',
  },
} as const;
