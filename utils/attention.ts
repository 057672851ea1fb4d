import type { Connection, ConnectionStatus } from './model';

// One rule for "does this connection need the person?", read by the worker (badge, notifications) and
// by the pages (popup summary, options navigation), so the popup's count always matches the badge.
// README: Token Keeper stays quiet while the token is still valid.

/** The fields the rule reads; the worker's records and the pages' statuses both have them. */
export type AttentionInput = Pick<Connection | ConnectionStatus, 'state' | 'expiresAt'> & {
  nextRefreshAt?: number | null | undefined;
};

/** How much a connection needs the person: nothing, nothing yet (retrying, token still valid), or now. */
export type AttentionLevel = 'none' | 'retrying' | 'attention';

/**
 * Whether the access token is at risk: expired (or gone), or it will expire before the next planned
 * attempt (`nextRefreshAt >= expiresAt`).
 */
export function tokenAtRisk(connection: AttentionInput, now: number): boolean {
  const { expiresAt } = connection;
  if (expiresAt === null || expiresAt <= now) return true;
  const next = connection.nextRefreshAt;
  return next !== undefined && next !== null && next >= expiresAt;
}

/**
 * The level of one connection: a needed reconnect, or a healthy-looking connection with an expired token,
 * needs the person now; a retrying one only once its token is at risk — before that it is calm (amber).
 */
export function attentionLevel(connection: AttentionInput, now: number): AttentionLevel {
  switch (connection.state) {
    case 'needs-reconnect':
      return 'attention';
    case 'retrying':
      return tokenAtRisk(connection, now) ? 'attention' : 'retrying';
    case 'healthy':
      return connection.expiresAt !== null && connection.expiresAt <= now ? 'attention' : 'none';
    default:
      return 'none';
  }
}

/** Whether a connection needs the person now (counted on the badge and in the popup's first line). */
export function needsAttention(connection: AttentionInput, now: number): boolean {
  return attentionLevel(connection, now) === 'attention';
}

/** The toolbar badge's colours: red when a reconnect is needed, amber otherwise. */
export const BADGE_RED = '#c5221f';
export const BADGE_AMBER = '#b06000';

/** The toolbar badge: nothing while nothing is at risk, else the count — red when a reconnect is needed. */
export function badgeFor(
  connections: AttentionInput[],
  now: number,
): { text: string; color: string } {
  const count = connections.filter((connection) => needsAttention(connection, now)).length;
  const reconnect = connections.some((connection) => connection.state === 'needs-reconnect');
  return { text: count === 0 ? '' : String(count), color: reconnect ? BADGE_RED : BADGE_AMBER };
}
