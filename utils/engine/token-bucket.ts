// The one token-bucket rule behind both request limits (docs/integration.md#limits): what a caller may ask
// of Token Keeper, and what a connection may ask of its provider during a failure streak. Pure.

/** A bucket's shape: how many requests it holds when full, and how long one takes to come back. */
export interface BucketRule {
  burst: number;
  refillMs: number;
}

/** What a bucket that held `level` at `at` holds at `now`: refilled since, never above its burst. */
export function bucketLevel(rule: BucketRule, level: number, at: number, now: number): number {
  return Math.min(rule.burst, level + Math.max(0, now - at) / rule.refillMs);
}

/** How long until a bucket holding `level` has a whole request in it again (ms; 0 when it has one). */
export function untilRequestAllowed(rule: BucketRule, level: number): number {
  return Math.max(0, (1 - level) * rule.refillMs);
}
