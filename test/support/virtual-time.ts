/** Time a test moves by hand: `sleep` resolves when `advance` passes its moment; nothing really waits. */
export interface VirtualTime {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Moves time on by `ms`, waking every sleeper due on the way, in order. */
  advance(ms: number): Promise<void>;
  /** Lets every queued promise callback run (one macrotask), without moving time. */
  drain(): Promise<void>;
}

/** Builds virtual time starting at `start`. */
export function virtualTime(start = Date.UTC(2026, 10, 22, 12)): VirtualTime {
  let current = start;
  let serial = 0;
  const sleepers: { at: number; serial: number; wake: () => void }[] = [];
  const drain = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => current,
    sleep: (ms) =>
      new Promise<void>((wake) => sleepers.push({ at: current + ms, serial: serial++, wake })),
    drain,
    async advance(ms) {
      const end = current + ms;
      await drain();
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at || a.serial - b.serial);
        const next = sleepers[0];
        if (!next || next.at > end) break;
        sleepers.shift();
        current = next.at;
        next.wake();
        await drain();
      }
      current = end;
      await drain();
    },
  };
}
