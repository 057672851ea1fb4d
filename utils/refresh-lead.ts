/**
 * The refresh lead a connection actually gets (R3, docs/architecture.md#the-rules-and-where-they-live): the
 * configured threshold, but never more than half its token's lifetime. Pure, so the worker's scheduler and
 * the Settings page read the one rule.
 */
export function effectiveLeadSec(leadSec: number, lifetimeSec: number): number {
  return Math.max(0, Math.min(leadSec, lifetimeSec / 2));
}
