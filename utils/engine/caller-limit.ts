// Another extension asking for tokens must not be able to make Token Keeper hammer a provider or its own
// storage (docs/integration.md#limits). Pure: the caller of `take` passes the time.

import { bucketLevel, untilRequestAllowed, type BucketRule } from './token-bucket';

/** Requests one caller may make in a burst, and how fast the allowance refills. */
export const CALLER_BURST = 30;
export const CALLER_REFILL_PER_MIN = 60;

/** A token bucket per caller id. */
export interface CallerLimit {
  /** Takes one request for `caller` at `now`: 0 when allowed, else the seconds to wait. */
  take(caller: string, now: number): number;
}

/** Builds the limiter (in memory: a worker restart forgets it, which only ever allows more). */
export function createCallerLimit(
  burst: number = CALLER_BURST,
  perMinute: number = CALLER_REFILL_PER_MIN,
): CallerLimit {
  const rule: BucketRule = { burst, refillMs: 60_000 / perMinute };
  const buckets = new Map<string, { level: number; at: number }>();
  return {
    take(caller, now) {
      const bucket = buckets.get(caller);
      const level = bucket ? bucketLevel(rule, bucket.level, bucket.at, now) : burst;
      if (level < 1) {
        buckets.set(caller, { level, at: now });
        return Math.ceil(untilRequestAllowed(rule, level) / 1000);
      }
      buckets.set(caller, { level: level - 1, at: now });
      return 0;
    },
  };
}
