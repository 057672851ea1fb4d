import type { ActionResult, Connection, ConnectionStatus, EditOutcome } from '../model';
import type { RequestOptions } from '../oauth/client';
import type { Settings } from '../settings';
import type { TokenKeeperDb } from '../store/db';
import type { Vault } from '../store/vault';
import { addConnection } from './add-connection';
import { connect } from './connect';
import type { Clock, Locks } from './deps';
import { disconnect } from './disconnect';
import { editConnection } from './edit-connection';
import type { LifecycleContext } from './lifecycle-context';
import type { Refresher } from './refresher';
import { remove } from './remove';
import { steadily } from './retrying';
import type { SecretKeeper } from './secrets';

export { newConnectionRecord } from './add-connection';
export { clientSecretOnly } from './disconnect';
export { EDIT_RECONNECT } from './edit-connection';
export { MANAGED_REFUSAL } from './lifecycle-context';

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

/** Adds, connects, disconnects, removes and edits connections. */
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

/**
 * Builds connection management: one module per action (add-connection, connect, disconnect, remove,
 * edit-connection) over one shared context (docs/architecture.md#lifecycle).
 */
export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const ctx: LifecycleContext = {
    ...deps,
    newId: deps.newId ?? (() => crypto.randomUUID()),
    random: deps.random ?? Math.random,
    changed: () => deps.changed?.(),
    storageStep: steadily(deps.sleep),
  };
  return {
    add: (raw) => addConnection(ctx, raw),
    connect: (connectionId) => connect(ctx, connectionId),
    disconnect: (connectionId) => disconnect(ctx, connectionId),
    remove: (connectionId, options = {}) => remove(ctx, connectionId, options.includeManaged),
    edit: (connectionId, raw) => editConnection(ctx, connectionId, raw),
  };
}
