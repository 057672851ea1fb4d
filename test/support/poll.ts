// The one polling loop of the tests and scripts that watch a real browser or server (e2e, demo, and
// usable from scripts/bench): plain Node, no test runner needed.

/** How often to ask, for how long, and what is awaited (for the timeout's message). */
export interface PollOptions {
  timeoutMs: number;
  /** Pause between two asks (default 100 ms). */
  everyMs?: number;
  what?: string;
}

/**
 * Asks `probe` until it yields something other than `undefined` or `false`, and resolves with that;
 * rejects once `timeoutMs` have passed. A probe that throws ends the wait with its error.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${options.timeoutMs} ms waiting for ${options.what ?? 'a condition'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 100));
  }
}
