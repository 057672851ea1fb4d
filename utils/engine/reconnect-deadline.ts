import type { Connection, ReconnectDeadline } from '../model';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Warn this long before a refresh token dies, unless its whole life is shorter (see below). */
export const WARN_AHEAD_DAYS = 14;

/**
 * When the connection's refresh token is expected to stop working, by the provider's rules: the
 * inactivity limit counts from the last successful token response (every refresh renews it), the
 * absolute limit from the consent that started the grant, a limit the provider stated from the response
 * that stated it. Undefined when the provider has no known
 * limit or the connection has no grant.
 */
export function reconnectDeadline(
  connection: Pick<
    Connection,
    'refreshTokenLifetime' | 'refreshTokenExpiry' | 'grantStartedAt' | 'lastRefreshAt' | 'state'
  >,
): ReconnectDeadline | undefined {
  if (connection.state === 'new') return undefined;
  const lifetime = connection.refreshTokenLifetime ?? {};
  const candidates: Omit<ReconnectDeadline, 'warnFrom'>[] = [];
  // What the provider itself said in its last token response (Google's time-limited access, Keycloak).
  if (connection.refreshTokenExpiry) {
    candidates.push({
      at: connection.refreshTokenExpiry.at,
      reason: 'provider',
      limitDays: connection.refreshTokenExpiry.limitSec / (DAY_MS / 1000),
    });
  }
  if (lifetime.idleDays !== undefined && connection.lastRefreshAt !== null) {
    candidates.push({
      at: connection.lastRefreshAt + lifetime.idleDays * DAY_MS,
      reason: 'inactivity',
      limitDays: lifetime.idleDays,
    });
  }
  if (lifetime.absoluteDays !== undefined && connection.grantStartedAt !== undefined) {
    candidates.push({
      at: connection.grantStartedAt + lifetime.absoluteDays * DAY_MS,
      reason: 'age',
      limitDays: lifetime.absoluteDays,
    });
  }
  const first = candidates.sort((a, b) => a.at - b.at)[0];
  if (!first) return undefined;
  // A short life (Google's 7 days in Testing) is warned about from half-way, not from the start.
  const aheadMs = Math.min(WARN_AHEAD_DAYS, first.limitDays / 2) * DAY_MS;
  return { ...first, warnFrom: first.at - aheadMs };
}
