import type { AccessRequest, HistoryEvent } from '../model';
import type { TokenKeeperDb } from './db';

/** The request of one extension, pending or denied, if any. */
export function getAccessRequest(
  db: TokenKeeperDb,
  extensionId: string,
): Promise<AccessRequest | undefined> {
  return db.get('accessRequests', extensionId);
}

/** Every stored request, oldest first. */
export async function listAccessRequests(db: TokenKeeperDb): Promise<AccessRequest[]> {
  const all = await db.getAll('accessRequests');
  return all.sort((a, b) => a.requestedAt - b.requestedAt);
}

/** Writes a request (or deletes the extension's) together with its history rows, all or nothing. */
export async function commitAccessRequest(
  db: TokenKeeperDb,
  change: { put: AccessRequest } | { remove: string },
  events: HistoryEvent[],
): Promise<void> {
  const tx = db.transaction(['accessRequests', 'history'], 'readwrite');
  const writes: Promise<unknown>[] = [
    'put' in change
      ? tx.objectStore('accessRequests').put(change.put)
      : tx.objectStore('accessRequests').delete(change.remove),
    ...events.map((event) => tx.objectStore('history').add(event)),
  ];
  await Promise.all([...writes, tx.done]);
}
