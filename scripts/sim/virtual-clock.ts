import type { Clock } from '../../utils/engine/deps';

/** A clock that only moves when the simulation moves it; waits and timeouts are virtual timers. */
export interface VirtualClock extends Clock {
  /** Moves to `at` if that is later than now. */
  advanceTo(at: number): void;
  /** Resolves when the simulation has moved the clock `ms` on (nothing real is waited for). */
  sleep(ms: number): Promise<void>;
  /** A virtual `setTimeout`: runs `callback` once the clock has moved `ms` on; returns its id. */
  setTimer(callback: () => void, ms: number): number;
  /** Cancels a timer set with `setTimer`. */
  clearTimer(id: number): void;
  /** Cancels every `setTimer` callback (a stopped worker's timers die with it); sleeps stay. */
  clearCallbacks(): void;
  /** When the earliest pending timer is due, if any is pending. */
  nextTimerAt(): number | undefined;
  /** Moves to `firesAt` (never before the earliest timer's due time) and runs that timer. */
  fireNextTimer(firesAt?: number): void;
}

interface Timer {
  id: number;
  at: number;
  run: () => void;
  /** A `setTimer` callback rather than a `sleep`. */
  callback: boolean;
}

/** Builds a virtual clock starting at `start` (epoch ms). */
export function createVirtualClock(start: number): VirtualClock {
  let current = start;
  let lastId = 0;
  let timers: Timer[] = [];
  const advanceTo = (at: number) => {
    if (at > current) current = at;
  };
  const add = (ms: number, run: () => void, callback: boolean): number => {
    lastId += 1;
    timers.push({ id: lastId, at: current + Math.max(0, ms), run, callback });
    return lastId;
  };
  // Earliest due first; among equals, the one set first (ids grow).
  const earliest = (): number => {
    let index = -1;
    for (let i = 0; i < timers.length; i += 1) {
      const best = timers[index];
      const t = timers[i]!;
      if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) index = i;
    }
    return index;
  };
  return {
    now: () => current,
    advanceTo,
    sleep: (ms) => new Promise<void>((release) => add(ms, release, false)),
    setTimer: (callback, ms) => add(ms, callback, true),
    clearTimer(id) {
      timers = timers.filter((t) => t.id !== id);
    },
    clearCallbacks() {
      timers = timers.filter((t) => !t.callback);
    },
    nextTimerAt() {
      const index = earliest();
      return index < 0 ? undefined : timers[index]!.at;
    },
    fireNextTimer(firesAt) {
      const index = earliest();
      if (index < 0) return;
      const [timer] = timers.splice(index, 1);
      advanceTo(Math.max(timer!.at, firesAt ?? timer!.at));
      timer!.run();
    },
  };
}
