import type { Connection } from '../model';
import type { TokenKeeperDb } from './db';

/** Reads one connection. */
export function getConnection(db: TokenKeeperDb, id: string): Promise<Connection | undefined> {
  return db.get('connections', id);
}

/** Reads every connection, oldest first. */
export async function listConnections(db: TokenKeeperDb): Promise<Connection[]> {
  const all = await db.getAll('connections');
  return all.sort((a, b) => a.createdAt - b.createdAt);
}

/** The connection with the earliest scheduled refresh, from the index (R2: one alarm for all). */
export async function earliestScheduled(db: TokenKeeperDb): Promise<Connection | undefined> {
  const cursor = await db.transaction('connections').store.index('nextRefreshAt').openCursor();
  return cursor?.value;
}

/** Connections whose scheduled refresh is at or before `at`, from the index. */
export function dueConnections(db: TokenKeeperDb, at: number): Promise<Connection[]> {
  return db.getAllFromIndex('connections', 'nextRefreshAt', IDBKeyRange.upperBound(at));
}

/** The oldest in-flight marker (a request out, or left behind by a worker that died or could not write). */
export async function oldestInFlight(db: TokenKeeperDb): Promise<Connection | undefined> {
  const cursor = await db.transaction('connections').store.index('inFlightSince').openCursor();
  return cursor?.value;
}

/** Connections whose in-flight marker was set at or before `at`. */
export function inFlightSince(db: TokenKeeperDb, at: number): Promise<Connection[]> {
  return db.getAllFromIndex('connections', 'inFlightSince', IDBKeyRange.upperBound(at));
}

/** Connections waiting for a retry after a failure, from the `state` index. */
export function retryingConnections(db: TokenKeeperDb): Promise<Connection[]> {
  return db.getAllFromIndex('connections', 'state', 'retrying');
}

/** The id and label of each of these connections that exists (each once), read in one transaction. */
export async function connectionLabels(
  db: TokenKeeperDb,
  ids: readonly string[],
): Promise<{ id: string; label: string }[]> {
  const tx = db.transaction('connections');
  const found = await Promise.all([...new Set(ids)].map((id) => tx.store.get(id)));
  await tx.done;
  return found.flatMap((connection) =>
    connection ? [{ id: connection.id, label: connection.label }] : [],
  );
}
