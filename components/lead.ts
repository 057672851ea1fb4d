/**
 * The refresh lead a connection actually gets (R3): the configured threshold, but never more than
 * half its token's lifetime. The worker's scheduler owns the rule (utils/engine/schedule.ts); pages
 * may not import the engine, so it is restated here and a unit test holds the two together.
 */
export function effectiveLeadSec(leadSec: number, lifetimeSec: number): number {
  return Math.max(0, Math.min(leadSec, lifetimeSec / 2));
}
