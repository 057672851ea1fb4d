import type { Connection, FailureInfo } from '../model';
import { MAX_QUICK_RETRIES } from '../settings';
import { ALARM_FLOOR_MS } from './schedule';
import { bucketLevel, untilRequestAllowed, type BucketRule } from './token-bucket';

/** Longest wait between alarm retries after transient failures while the token is outside its refresh lead. */
export const MAX_RETRY_DELAY_MS = 15 * 60_000;

/** At most this many token requests per connection in any hour of a failure streak (docs/reliability.md). */
export const MAX_REQUESTS_PER_HOUR = 60;

/**
 * A streak's allowance of requests (a token bucket, R6): it starts full, so the first attempt and its quick
 * retries go at once, each request spends one, and one comes back every STREAK_PACE_MS. Any hour then holds
 * at most STREAK_BURST + an hour's refill = MAX_REQUESTS_PER_HOUR requests.
 */
export const STREAK_BURST = 1 + MAX_QUICK_RETRIES;

/** How fast the allowance refills (about 67 s a request). */
export const STREAK_PACE_MS = 3_600_000 / (MAX_REQUESTS_PER_HOUR - STREAK_BURST);

/** The streak's allowance as a token bucket (utils/engine/token-bucket.ts). */
const STREAK_BUCKET: BucketRule = { burst: STREAK_BURST, refillMs: STREAK_PACE_MS };

/**
 * The retry period once the token is inside its refresh lead or expired: callers need it soon, so retries
 * come about once a minute (the refill pace, jittered upwards by up to 10 %).
 */
export const NEAR_EXPIRY_RETRY_MS = STREAK_PACE_MS;

/** Inputs of the retry rule. */
export interface RetryPlanInput {
  now: number;
  /** 1 for the first alarm retry of a streak (after its quick retries): the backoff's exponent. */
  attempt: number;
  /** The server's `Retry-After`, honoured as a minimum. */
  retryAfterSec?: number;
  /** Current access token expiry, if any. */
  expiresAt: number | null;
  /** The refresh lead in force for this token (ms): inside it, or once expired, retries stay near a minute. */
  leadMs?: number;
  /** The streak's allowance left after the request that just failed (see STREAK_BURST). */
  allowance?: number;
  /** A number in [0, 1) for jitter. */
  random: number;
}

/**
 * When to retry after a transient failure (R6). Outside the refresh lead: 30 s, 1 min, 2 min … up to 15 min
 * (±10 % jitter), never past the start of the lead (or 30 s before expiry). Inside the lead or expired: every
 * 67–73 s. Always: never before `Retry-After`, never sooner than the alarm floor, and never before the
 * streak's allowance has a request in it again.
 */
export function retryAt(input: RetryPlanInput): number {
  const { now } = input;
  const random = Math.min(Math.max(input.random, 0), 1);
  const untilExpiry = input.expiresAt === null ? Infinity : input.expiresAt - now;
  const leadMs = input.leadMs ?? 0;
  let delay: number;
  if (untilExpiry <= leadMs) {
    delay = NEAR_EXPIRY_RETRY_MS * (1 + 0.1 * random);
  } else {
    const exponent = Math.max(0, input.attempt - 1);
    delay = Math.min(MAX_RETRY_DELAY_MS, ALARM_FLOOR_MS * 2 ** exponent) * (0.9 + 0.2 * random);
    // Past the lead's start retries turn frequent: do not sleep through it (nor through the expiry).
    const latest = untilExpiry - Math.max(leadMs, ALARM_FLOOR_MS);
    if (delay > latest) delay = latest;
  }
  const serverMinimum = (input.retryAfterSec ?? 0) * 1000;
  const refill =
    input.allowance === undefined ? 0 : untilRequestAllowed(STREAK_BUCKET, input.allowance);
  return Math.round(now + Math.max(delay, serverMinimum, refill, ALARM_FLOOR_MS));
}

/** The allowance a streak has at `now`: what its last request left, refilled since, never above the burst. */
export function allowanceAt(failure: FailureInfo | null | undefined, now: number): number {
  // A new streak, or one that has sent no request yet (offline), starts full.
  if (!failure || failure.kind !== 'transient' || failure.attempt === 0) return STREAK_BURST;
  // A streak stored before allowances were kept has spent its burst.
  return bucketLevel(
    STREAK_BUCKET,
    failure.allowance ?? 0,
    failure.lastAttemptAt ?? failure.failedAt,
    now,
  );
}

/**
 * Quick retries left to a run (R6): only the start of a failure streak gets them; later alarm retries send
 * one request each, so a frequent cadence near expiry cannot multiply into bursts.
 */
export function quickRetriesLeft(connection: Connection, configured: number): number {
  return Math.max(0, configured - (connection.failure?.attempt ?? 0));
}

/**
 * The earliest moment a connection waiting for a transient retry may send its next token request: when its
 * allowance holds a request, and not before the server's `Retry-After`. `undefined` when no transient streak
 * is under way.
 */
export function earliestRetry(connection: Connection): number | undefined {
  const failure = connection.failure;
  if (connection.state !== 'retrying' || failure?.kind !== 'transient') return undefined;
  // No request was sent yet (offline since the streak began): only Retry-After can hold it back.
  if (failure.attempt === 0) return failure.notBefore ?? failure.failedAt;
  const since = failure.lastAttemptAt ?? failure.failedAt;
  return Math.max(
    failure.notBefore ?? 0,
    since + untilRequestAllowed(STREAK_BUCKET, failure.allowance ?? 0),
  );
}

/** Quick in-worker retry delays after a transient failure, doubling from 2 s, before jitter (R6). */
export const QUICK_RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 32_000];

/** The wait before quick retry `retry` (0 for the first): its delay ±20 % (`random` in [0, 1)). */
export function quickRetryDelayMs(retry: number, random: number): number {
  const base = QUICK_RETRY_DELAYS_MS[Math.min(retry, QUICK_RETRY_DELAYS_MS.length - 1)]!;
  return Math.round(base * (0.8 + 0.4 * random));
}
