import type { Connection } from '../model';
import type { TokenSet } from '../oauth/client';
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
  return {
    ...connection,
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
