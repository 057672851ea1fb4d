import type { Connection, HistoryEvent } from '../model';
import type { SealedSecret, TokenKeeperDb } from './db';

/** Everything one state change writes; applied all-or-nothing (R5). */
export interface Commit {
  connections?: Connection[];
  deleteConnections?: string[];
  secrets?: SealedSecret[];
  deleteSecrets?: string[];
  events?: HistoryEvent[];
}

/** Writes a commit in a single readwrite transaction: either all of it lands or none. */
export async function commit(db: TokenKeeperDb, change: Commit): Promise<void> {
  // Only IDB requests between here and `tx.done`: no other await may let the transaction auto-commit.
  const tx = db.transaction(['connections', 'secrets', 'history'], 'readwrite');
  const writes: Promise<unknown>[] = [];
  for (const connection of change.connections ?? []) {
    writes.push(tx.objectStore('connections').put(connection));
  }
  for (const id of change.deleteConnections ?? []) {
    writes.push(tx.objectStore('connections').delete(id));
  }
  for (const secret of change.secrets ?? []) writes.push(tx.objectStore('secrets').put(secret));
  for (const id of change.deleteSecrets ?? []) writes.push(tx.objectStore('secrets').delete(id));
  for (const event of change.events ?? []) writes.push(tx.objectStore('history').add(event));
  await Promise.all([...writes, tx.done]);
}
