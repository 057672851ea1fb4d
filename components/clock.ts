/** A source of "now" in epoch ms; components take one so tests and skew correction can swap it. */
export type Clock = () => number;

/**
 * Offsets smaller than this are message latency, not a clock difference; ignoring them keeps
 * countdowns from jumping by a few milliseconds on every snapshot.
 */
const LATENCY_TOLERANCE_MS = 1000;

/** How far the worker's clock is ahead of the page's (ms), from a snapshot's `now` and its arrival time. */
export function clockOffset(workerNow: number, receivedAt: number): number {
  const offset = workerNow - receivedAt;
  return Math.abs(offset) < LATENCY_TOLERANCE_MS ? 0 : offset;
}

/** A clock that reads the worker's time, so countdowns match the expiry the worker computed. */
export function offsetClock(offsetMs: number, base: Clock = Date.now): Clock {
  return offsetMs === 0 ? base : () => base() + offsetMs;
}
