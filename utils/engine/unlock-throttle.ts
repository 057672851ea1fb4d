/** Wrong passphrases accepted in a row before each further attempt has to wait. */
export const FREE_UNLOCK_ATTEMPTS = 5;

/** The wait after the first throttled failure; it doubles with each further one. */
export const FIRST_UNLOCK_WAIT_MS = 30_000;

/** The longest wait between two attempts. */
export const MAX_UNLOCK_WAIT_MS = 60 * 60_000;

/**
 * When the next passphrase is accepted after `failedAttempts` wrong ones in a row, the last at
 * `lastFailedAt`: at once for the first five, then 30 s, 1 min, 2 min … up to an hour (null: at once).
 */
export function unlockRetryAt(failedAttempts: number, lastFailedAt: number | null): number | null {
  if (failedAttempts < FREE_UNLOCK_ATTEMPTS || lastFailedAt === null) return null;
  const doublings = Math.min(failedAttempts - FREE_UNLOCK_ATTEMPTS, 20);
  return lastFailedAt + Math.min(MAX_UNLOCK_WAIT_MS, FIRST_UNLOCK_WAIT_MS * 2 ** doublings);
}
