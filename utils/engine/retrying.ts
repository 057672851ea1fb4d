/** How a small storage step is retried: a hiccup (an aborted transaction) should not fail the whole job. */
export interface RetryOptions {
  attempts: number;
  /** Wait before the n-th retry: `delayMs × n`. */
  delayMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** Storage steps that follow a provider's answer: three tries, a quarter second apart and growing. */
export const STORAGE_RETRIES = { attempts: 3, delayMs: 250 } as const;

/** Runs `work` until it succeeds or `attempts` tries failed (then its last error is thrown). */
export async function retrying<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.attempts) throw error;
      await options.sleep(options.delayMs * attempt);
    }
  }
}

/**
 * Runs a storage step with {@link STORAGE_RETRIES}: the one way a small read or write shrugs off a
 * hiccup (an aborted transaction, a failed read) before or after a provider's answer.
 */
export function steadily(sleep: (ms: number) => Promise<void> = timerSleep) {
  return <T>(work: () => Promise<T>): Promise<T> => retrying(work, { ...STORAGE_RETRIES, sleep });
}

/** The default wait: a timer. */
export const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
