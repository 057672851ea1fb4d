import type { Connection } from '../model';
import type { TokenSet } from '../oauth/client';
import { missingScopes } from '../oauth/scopes';
import { nextRefreshAt } from './schedule';

/**
 * The connection once new tokens arrived at `arrivedAt`: healthy, failure cleared, expiry from the
 * response's lifetime against the local clock, and the next refresh planned by R3.
 */
export function withFreshTokens(
  connection: Connection,
  tokens: TokenSet,
  arrivedAt: number,
  plan: { leadSec: number; random: number },
  /** Set when these tokens come from a new consent: the start of the grant's absolute lifetime. */
  grant?: { startedAt: number },
): Connection {
  // No usable `expires_in`: the lifetime this grant's tokens had before is a better guess than the
  // default, whenever it is shorter (a 60 s token must not be trusted for 10 minutes).
  const previous = connection.lifetimeAssumed ? null : connection.lifetimeSec;
  const lifetimeSec =
    tokens.lifetime.assumed && previous !== null
      ? Math.min(previous, tokens.lifetime.lifetimeSec)
      : tokens.lifetime.lifetimeSec;
  const expiresAt = arrivedAt + lifetimeSec * 1000;
  const { refreshTokenExpiry: _expiry, missingScopes: _missing, ...rest } = connection;
  // A stated refresh-token limit holds until a response states another or a new consent starts a grant.
  const stated = tokens.refreshTokenLifetimeSec;
  const refreshTokenExpiry =
    stated !== undefined
      ? { at: arrivedAt + stated * 1000, limitSec: stated }
      : grant
        ? undefined
        : connection.refreshTokenExpiry;
  // No `scope` in a response: as requested after a consent (RFC 6749 §5.1), unchanged after a refresh.
  const missing =
    missingScopes(connection.provider, connection.scopes, tokens.scope) ??
    (grant ? undefined : connection.missingScopes);
  return {
    ...rest,
    ...(refreshTokenExpiry ? { refreshTokenExpiry } : {}),
    ...(missing && missing.length > 0 ? { missingScopes: missing } : {}),
    ...(tokens.account ? { account: tokens.account } : {}),
    ...(grant ? { grantStartedAt: grant.startedAt } : {}),
    state: 'healthy',
    expiresAt,
    lifetimeSec,
    lifetimeAssumed: tokens.lifetime.assumed,
    nextRefreshAt: nextRefreshAt({ expiresAt, lifetimeSec, now: arrivedAt, ...plan }),
    lastRefreshAt: arrivedAt,
    inFlightSince: null,
    failure: null,
    updatedAt: arrivedAt,
  };
}
