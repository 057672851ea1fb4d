import type { PassphraseLock } from '../engine/passphrase-lock';

/** Chrome's shortest idle detection interval (`idle.setDetectionInterval`). */
const MIN_DETECTION_SEC = 15;

/** The idle detection interval for an auto-lock after `minutes` (0: never; the browser's default is kept). */
export function detectionIntervalSec(minutes: number): number {
  return Math.max(MIN_DETECTION_SEC, Math.round(minutes * 60));
}

/**
 * Locks when the computer has been idle for the chosen time or its screen locks (`idle.onStateChanged`
 * says `idle` or `locked`), if an auto-lock is chosen and the lock is open. Returns whether it locked.
 */
export async function lockWhenIdle(lock: PassphraseLock, state: string): Promise<boolean> {
  if (state !== 'idle' && state !== 'locked') return false;
  const status = await lock.status();
  if (status.autoLockMin === 0 || status.mode !== 'unlocked') return false;
  return (await lock.lock()).ok;
}
