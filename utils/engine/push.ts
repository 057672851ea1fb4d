// Which events a subscribed extension gets, derived by comparing two readings of the connections
// (docs/integration.md#events): whatever wrote the change (a refresh, the person, the policy), the records
// are the one truth. Pure; nothing here ever sees a token.
import type { AllowedConnection, TokenKeeperEvent } from '../../client/token-keeper-client';
import type { Connection } from '../model';

/** What the events are derived from: per connection, the metadata that events speak of. */
export type AccessView = ReadonlyMap<string, Connection>;

/** One event for one extension. */
export interface Addressed {
  extensionId: string;
  event: TokenKeeperEvent;
}

/** A reading of the connections, by id. */
export function accessView(connections: readonly Connection[]): AccessView {
  return new Map(connections.map((connection) => [connection.id, connection]));
}

/** Whether the connection gives its token to this extension. */
export function allows(connection: Connection, extensionId: string): boolean {
  return (connection.allowedExtensions ?? []).includes(extensionId);
}

/** A connection as an allowed extension may see it: never a token, a secret or the other extensions. */
export function allowedConnection(connection: Connection): AllowedConnection {
  return {
    connectionId: connection.id,
    provider: connection.provider,
    label: connection.label,
    expiresAt: connection.expiresAt,
    needsReconnect: connection.state === 'needs-reconnect',
  };
}

/** The connections this extension is allowed, as it may see them. */
export function allowedFor(view: AccessView, extensionId: string): AllowedConnection[] {
  return [...view.values()].filter((c) => allows(c, extensionId)).map(allowedConnection);
}

/** The events between two readings, each addressed only to extensions allowed that connection. */
export function pushEvents(before: AccessView, after: AccessView): Addressed[] {
  const out: Addressed[] = [];
  const send = (extensionIds: readonly string[], event: TokenKeeperEvent) => {
    for (const extensionId of extensionIds) out.push({ extensionId, event });
  };
  for (const [connectionId, old] of before) {
    const now = after.get(connectionId);
    const was = old.allowedExtensions ?? [];
    // Removed: whoever was allowed hears that its tokens are gone.
    if (!now) {
      send(was, { type: 'revoked', connectionId });
      continue;
    }
    const still = now.allowedExtensions ?? [];
    send(
      was.filter((id) => !still.includes(id)),
      { type: 'accessRemoved', connectionId },
    );
    // Only extensions allowed before and after: a new grant starts with what `ready` or a token says.
    const kept = was.filter((id) => still.includes(id));
    const event = change(old, now);
    if (event) send(kept, event);
  }
  return out;
}

/** What happened to one connection between two readings, if anything an extension must hear. */
function change(old: Connection, now: Connection): TokenKeeperEvent | undefined {
  const connectionId = now.id;
  if (now.state === 'needs-reconnect')
    return old.state === 'needs-reconnect' ? undefined : { type: 'needsReconnect', connectionId };
  // Disconnected (tokens revoked and deleted): no token any more.
  if (now.expiresAt === null)
    return old.expiresAt === null ? undefined : { type: 'revoked', connectionId };
  // New tokens set both (fresh-tokens.ts); either alone moving is enough to say so.
  if (now.expiresAt !== old.expiresAt || now.lastRefreshAt !== old.lastRefreshAt)
    return { type: 'tokenRefreshed', connectionId, expiresAt: now.expiresAt };
  return undefined;
}
