import { errorName } from '../error-text';
import type { TokenKeeperDb } from '../store/db';
import type { AlarmsApi, Locks } from './deps';
import type { Lifecycle } from './lifecycle';
import { REFRESH_ALARM } from './scheduler';

/** What a wipe needs. */
export interface WipeDeps {
  db: TokenKeeperDb;
  alarms: AlarmsApi;
  locks: Locks;
  lifecycle: Lifecycle;
  /** Closes and deletes the database, then opens a fresh one (with a fresh key). */
  replaceDatabase: () => Promise<void>;
}

/** One wipe at a time: a second press waits for the first instead of racing it. */
const WIPE_LOCK = 'wipe';

/**
 * "Remove all data": revokes what can be revoked (best effort, offline is fine), removing each connection
 * under its own refresh lock, then deletes the whole database — the files holding old ciphertext and the
 * old key go with it (docs/security.md). Damaged records never stop it: removal needs no decryption.
 */
export async function wipeAllData(deps: WipeDeps): Promise<{ connections: number }> {
  return deps.locks.request(WIPE_LOCK, async () => {
    const connections = await deps.db.getAllKeys('connections').catch(() => []);
    for (const id of connections) {
      // Managed ones too: their tokens are the person's; the policy deploys them again afterwards.
      await deps.lifecycle.remove(id, { includeManaged: true }).catch((error: unknown) => {
        console.warn('Removing a connection before the wipe failed', errorName(error));
      });
    }
    await deps.alarms.clear(REFRESH_ALARM);
    await deps.replaceDatabase();
    return { connections: connections.length };
  });
}
