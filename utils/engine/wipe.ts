import type { TokenKeeperDb } from '../store/db';
import type { Vault } from '../store/vault';
import type { AlarmsApi } from './deps';
import type { Lifecycle } from './lifecycle';

/** What a wipe needs. */
export interface WipeDeps {
  db: TokenKeeperDb;
  vault: Vault;
  alarms: AlarmsApi;
  lifecycle: Lifecycle;
}

/**
 * "Remove all data": revokes what can be revoked (best effort, offline is fine), then empties every store and
 * replaces the encryption key, so nothing sealed before the wipe could be opened again.
 */
export async function wipeAllData(deps: WipeDeps): Promise<{ connections: number }> {
  const connections = await deps.db.getAll('connections');
  for (const connection of connections) await deps.lifecycle.remove(connection.id);
  const tx = deps.db.transaction(['connections', 'secrets', 'history', 'settings'], 'readwrite');
  await Promise.all([
    tx.objectStore('connections').clear(),
    tx.objectStore('secrets').clear(),
    tx.objectStore('history').clear(),
    tx.objectStore('settings').clear(),
    tx.done,
  ]);
  await deps.vault.reset();
  await deps.alarms.clear('refresh');
  return { connections: connections.length };
}
