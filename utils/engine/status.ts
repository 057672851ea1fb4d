import type { Connection, ConnectionStatus } from '../model';
import { reconnectDeadline } from './reconnect-deadline';

/** The page-safe view of a connection: its metadata and schedule, never a secret. */
export function toStatus(connection: Connection): ConnectionStatus {
  const busy = connection.inFlightSince !== null;
  return {
    id: connection.id,
    provider: connection.provider,
    label: connection.label,
    ...(connection.account === undefined ? {} : { account: connection.account }),
    ...(connection.sites === undefined ? {} : { sites: connection.sites }),
    ...withDeadline(connection),
    ...(connection.missingScopes?.length ? { missingScopes: connection.missingScopes } : {}),
    clientId: connection.clientId,
    hasClientSecret: connection.hasClientSecret,
    scopes: connection.scopes,
    endpoints: connection.endpoints,
    ...(connection.managed ? { managed: true } : {}),
    // "refreshing" is derived from the in-flight marker rather than stored twice.
    state: busy ? 'refreshing' : connection.state,
    expiresAt: connection.expiresAt,
    lifetimeSec: connection.lifetimeSec,
    lifetimeAssumed: connection.lifetimeAssumed ?? false,
    nextRefreshAt: connection.nextRefreshAt ?? null,
    lastRefreshAt: connection.lastRefreshAt,
    failure: connection.failure,
    busy,
  };
}

function withDeadline(connection: Connection): Pick<ConnectionStatus, 'reconnectBy'> {
  const reconnectBy = reconnectDeadline(connection);
  return reconnectBy ? { reconnectBy } : {};
}
