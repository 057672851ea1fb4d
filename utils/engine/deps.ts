/** The clock the engine reads; tests and the benchmark drive a virtual one. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Keeps the worker from being stopped as idle while `work` runs (entrypoints/background.ts calls an
 * extension API every 20 s meanwhile): a long refresh, a quick retry's wait, a token held in memory only.
 */
export type KeepAlive = <T>(work: () => Promise<T>) => Promise<T>;

/** Where nothing stops an idle worker (tests, or a platform that gave none): the work just runs. */
export const justRun: KeepAlive = (work) => work();

/** The part of the Web Locks API the engine uses (R4). */
export interface Locks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** `navigator.locks` where it exists (worker, pages), else an in-process lock (Node tests). */
export function createLocks(): Locks {
  const webLocks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (webLocks) {
    return {
      request: <T>(name: string, callback: () => Promise<T>) =>
        webLocks.request(name, callback) as Promise<T>,
    };
  }
  return createMemoryLocks();
}

/** A FIFO mutex per name, within one JavaScript realm. */
export function createMemoryLocks(): Locks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.then(callback, callback);
      const tail = run.catch(() => undefined);
      tails.set(name, tail);
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name);
      });
      return run;
    },
  };
}

/** The part of `browser.alarms` the scheduler uses. */
export interface AlarmsApi {
  get(
    name: string,
  ): Promise<{ name: string; scheduledTime: number; periodInMinutes?: number } | undefined>;
  create(
    name: string,
    info: { when?: number; delayInMinutes?: number; periodInMinutes?: number },
  ): void | Promise<void>;
  clear(name: string): Promise<boolean>;
}
