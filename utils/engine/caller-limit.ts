// Another extension asking for tokens must not be able to make Token Keeper hammer a provider or its own
// storage (docs/integration.md#limits). Pure: the caller of `take` passes the time.

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
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return {
    take(caller, now) {
      const bucket = buckets.get(caller) ?? { tokens: burst, at: now };
      const tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
      if (tokens < 1) {
        buckets.set(caller, { tokens, at: now });
        return Math.ceil((1 - tokens) / perMs / 1000);
      }
      buckets.set(caller, { tokens: tokens - 1, at: now });
      return 0;
    },
  };
}
