// Which simulated service worker is running the current code. Every entry into the engine runs inside
// `runInWorker`, and Node carries the context through awaits and setImmediate, so a storage request, a
// fetch or a sleep deep in the engine knows whose it is — and a stopped worker's leftovers can be held:
// a killed worker does nothing more, as in a browser.
import { AsyncLocalStorage } from 'node:async_hooks';

/** One start of the service worker; it ends by an idle stop or a kill. */
export interface WorkerGeneration {
  id: number;
  /** Set when it stopped or was killed: everything it still tries to do goes nowhere. */
  dead: boolean;
}

/** Chrome stops an extension service worker after about 30 s without events. */
export const WORKER_IDLE_MS = 30_000;

const context = new AsyncLocalStorage<WorkerGeneration>();

/** Runs `work` as code of `generation`. */
export function runInWorker<T>(generation: WorkerGeneration, work: () => T): T {
  return context.run(generation, work);
}

/** The generation whose code is running, if any (test and simulator code has none). */
export function currentWorker(): WorkerGeneration | undefined {
  return context.getStore();
}

/** A promise that never settles: what a dead worker's awaited work turns into. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
