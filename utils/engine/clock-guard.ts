import type { TokenKeeperDb } from '../store/db';
import { CLOCK_JUMP_TOLERANCE_MS } from './schedule';
import type { Clock } from './deps';

/**
 * Notices a wall clock that went back. Expiries are wall-clock times: after a jump back they look later
 * than they are, and a token issued an hour ago can look a minute old. The guard remembers the latest
 * time the engine has seen (persisted, and every connection's `updatedAt`); a clock behind it means the
 * stored expiries cannot be trusted, so every connected token is treated as expired and refreshed now
 * (docs/reliability.md#clock-jumps).
 */
export interface ClockGuard {
  /** Checks the clock; after a jump back, marks every connected token expired and due. Returns whether it did. */
  check(): Promise<boolean>;
  /** Records the clock as seen (called on each scheduler pass: cheap, one small write). */
  remember(): Promise<void>;
}

/**
 * Builds the guard over `db`. `wakeSoon` runs before the expiries are rewritten: the refreshes they make
 * due must happen even if the worker dies right after the write.
 */
export function createClockGuard(
  db: TokenKeeperDb,
  clock: Clock,
  wakeSoon: () => Promise<void> = async () => undefined,
): ClockGuard {
  let floor: number | undefined;

  async function load(): Promise<number> {
    if (floor !== undefined) return floor;
    const [seen, connections] = await Promise.all([
      db.get('meta', 'clock'),
      db.getAll('connections'),
    ]);
    floor = Math.max(seen?.seenAt ?? -Infinity, ...connections.map((c) => c.updatedAt));
    return floor;
  }

  async function check(): Promise<boolean> {
    const now = clock.now();
    const latest = await load();
    if (now >= latest - CLOCK_JUMP_TOLERANCE_MS) {
      floor = Math.max(latest, now);
      return false;
    }
    await wakeSoon();
    // One transaction: every connected token becomes expired and due, so nothing dead is handed out.
    const tx = db.transaction(['connections', 'meta'], 'readwrite');
    const store = tx.objectStore('connections');
    for (const connection of await store.getAll()) {
      if (connection.expiresAt === null) continue;
      await store.put({
        ...connection,
        expiresAt: Math.min(connection.expiresAt, now),
        ...(connection.nextRefreshAt === undefined ? {} : { nextRefreshAt: now }),
        updatedAt: now,
      });
    }
    await tx.objectStore('meta').put({ seenAt: now }, 'clock');
    await tx.done;
    floor = now;
    return true;
  }

  async function remember(): Promise<void> {
    const now = clock.now();
    // Only after a check has seen this clock: writing an unchecked earlier time would hide a jump.
    if (floor === undefined || now < floor - CLOCK_JUMP_TOLERANCE_MS) return;
    floor = Math.max(floor, now);
    await db.put('meta', { seenAt: floor }, 'clock');
  }

  return { check, remember };
}
