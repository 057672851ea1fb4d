import { ALARM_FLOOR_MS } from './schedule';

/** Longest wait between alarm retries after transient failures while the token is still valid. */
export const MAX_RETRY_DELAY_MS = 15 * 60_000;

/** Longest wait once the token has expired: callers are failing now, so recovery must be quick. */
export const MAX_RETRY_DELAY_EXPIRED_MS = 5 * 60_000;

/** Inputs of the retry rule. */
export interface RetryPlanInput {
  now: number;
  /** 1 for the first failure of a streak. */
  attempt: number;
  /** The server's `Retry-After`, honoured as a minimum. */
  retryAfterSec?: number;
  /** Current access token expiry, if any: a retry is pulled in to land before it where possible. */
  expiresAt: number | null;
  /** A number in [0, 1) for jitter. */
  random: number;
}

/**
 * When to retry after a transient failure: 30 s, 1 min, 2 min … up to 15 min (5 min once the token has
 * expired) (±10 % jitter),
 * never before `Retry-After`, never sooner than the alarm floor, and before expiry when it can be.
 */
export function retryAt(input: RetryPlanInput): number {
  const exponent = Math.max(0, input.attempt - 1);
  const expired = input.expiresAt !== null && input.expiresAt <= input.now;
  const cap = expired ? MAX_RETRY_DELAY_EXPIRED_MS : MAX_RETRY_DELAY_MS;
  const base = Math.min(cap, ALARM_FLOOR_MS * 2 ** exponent);
  const jittered = base * (0.9 + 0.2 * Math.min(Math.max(input.random, 0), 1));
  const serverMinimum = (input.retryAfterSec ?? 0) * 1000;
  let delay = Math.max(jittered, serverMinimum, ALARM_FLOOR_MS);
  const untilExpiry = input.expiresAt === null ? Infinity : input.expiresAt - input.now;
  // A token still valid: try once more before it dies, unless the server told us to wait longer.
  if (untilExpiry > ALARM_FLOOR_MS && delay >= untilExpiry && serverMinimum < untilExpiry) {
    delay = Math.max(ALARM_FLOOR_MS, untilExpiry - ALARM_FLOOR_MS);
  }
  return Math.round(input.now + delay);
}
