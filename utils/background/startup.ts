import type { StartupProblem } from '../model';
import { redact } from '../oauth/redact';

/** The first wait after a failed start; it doubles with every further failure. */
export const FIRST_START_RETRY_MS = 1000;

/** The longest wait between two start attempts. */
export const MAX_START_RETRY_MS = 60_000;

/** How long a first attempt may run before requests stop waiting for it and hear of the problem. */
export const SLOW_START_MS = 10_000;

/** The longest reason kept: enough for any storage error, short enough for a banner. */
const MAX_REASON_LENGTH = 300;

/** Where the worker's start stands once it is known: started, or failing and retrying. */
export type SettledStartup<T> =
  { phase: 'failing'; problem: StartupProblem } | { phase: 'ready'; services: T };

/** Where the worker's start stands. */
export type StartupState<T> = { phase: 'starting' } | SettledStartup<T>;

/** What the supervisor needs; tests pass a virtual clock and sleep. */
export interface StartupDeps<T> {
  /** One attempt to build the services (open the database and the vault, build the engine). */
  start: () => Promise<T>;
  /** The clock (default `Date.now`). */
  now?: () => number;
  /** Waits between attempts (default a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Told after every failed attempt, and when the first attempt is slow (badge, open pages). */
  onProblem?: (problem: StartupProblem) => void;
  /** Told once, when an attempt has succeeded. */
  onReady?: (services: T) => void;
  /** Where failures of attempts and of queued work are reported (never a token: reasons are redacted). */
  log?: (message: string, detail?: unknown) => void;
  /** Default {@link SLOW_START_MS}. */
  slowAfterMs?: number;
}

/** The supervised start of the worker's services. */
export interface Startup<T> {
  /** The services of the first successful attempt; never rejects, so waiting work runs once started. */
  readonly ready: Promise<T>;
  /** Where the start stands now. */
  state(): StartupState<T>;
  /**
   * Where the start stands once that is known: at once after the first attempt has ended, else when it
   * ends or has run for {@link SLOW_START_MS}, so a request never hangs on a start that hangs.
   */
  settled(): Promise<SettledStartup<T>>;
  /** Runs work once the services are ready (at once if they are); its failure is logged. */
  whenReady(task: (services: T) => Promise<unknown>): void;
}

/** The wait after the `attempt`-th failure: 1 s, 2 s, 4 s … capped at 60 s, ±10 % jitter. */
export function startRetryDelay(attempt: number, random: number): number {
  const base = Math.min(MAX_START_RETRY_MS, FIRST_START_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = base * (0.9 + 0.2 * Math.min(Math.max(random, 0), 1));
  return Math.round(Math.min(MAX_START_RETRY_MS, jittered));
}

/** An error as a short sentence fit for a page: its message (or name), redacted and trimmed. */
export function describeStartError(error: unknown): string {
  // A DOMException (QuotaExceededError, VersionError …) may carry only its name.
  const text = error instanceof Error ? error.message.trim() || error.name : String(error);
  const reason = redact(text.trim()) || 'Unknown error';
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}

const defaultLog = (message: string, detail?: unknown) =>
  detail === undefined ? console.error(message) : console.error(message, detail);

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts the services and, while that fails, tries again with backoff for as long as the worker lives,
 * keeping the last (redacted) error and the time of the next attempt for the badge and the pages.
 */
export function superviseStart<T>(deps: StartupDeps<T>): Startup<T> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? timer;
  const random = deps.random ?? Math.random;
  const log = deps.log ?? defaultLog;
  const slowAfterMs = deps.slowAfterMs ?? SLOW_START_MS;
  let current: StartupState<T> = { phase: 'starting' };
  let markSettled!: () => void;
  const settledOnce = new Promise<void>((resolve) => (markSettled = resolve));
  // Only called once `settledOnce` has resolved, when the phase is no longer 'starting'.
  const settledState = () => current as SettledStartup<T>;

  // A failing badge or broadcast must neither count as a failed start nor stop the retries.
  function tell(what: string, callback: () => void) {
    try {
      callback();
    } catch (error) {
      log(`Token Keeper could not report its ${what}`, error);
    }
  }

  function report(problem: StartupProblem) {
    current = { phase: 'failing', problem };
    markSettled();
    tell('start problem', () => deps.onProblem?.(problem));
  }

  async function run(): Promise<T> {
    const startedAt = now();
    // A start that hangs (a blocked database upgrade) must not hang every request behind it.
    void sleep(slowAfterMs).then(() => {
      if (current.phase !== 'starting') return;
      report({
        reason: `Opening the storage has not finished after ${Math.round(slowAfterMs / 1000)} s`,
        attempts: 0,
        failedAt: now(),
        retryAt: startedAt,
      });
    });
    for (let attempt = 1; ; attempt++) {
      let services: T;
      try {
        services = await deps.start();
      } catch (error) {
        const failedAt = now();
        const delay = startRetryDelay(attempt, random());
        const problem = {
          reason: describeStartError(error),
          attempts: attempt,
          failedAt,
          retryAt: failedAt + delay,
        };
        log(`Token Keeper could not start (attempt ${attempt}): ${problem.reason}`);
        report(problem);
        await sleep(delay);
        continue;
      }
      current = { phase: 'ready', services };
      markSettled();
      tell('start', () => deps.onReady?.(services));
      return services;
    }
  }

  const ready = run();
  return {
    ready,
    state: () => current,
    settled: () => settledOnce.then(settledState),
    whenReady(task) {
      void ready
        .then(task)
        .catch((error: unknown) => log('Token Keeper worker task failed', error));
    },
  };
}
