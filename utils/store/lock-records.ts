import type { LockMeta, SealedSecret, TokenKeeperDb } from './db';
import { isWrappedKey, type WrappedKey } from './key-wrap';

/** The lock's small facts before anything was recorded. */
export const NO_LOCK_META: LockMeta = { failedAttempts: 0, lastFailedAt: null, autoLockMin: 0 };

/** Reads the lock's facts (failed attempts, auto-lock). */
export async function readLockMeta(db: TokenKeeperDb): Promise<LockMeta> {
  const found = await db.get('meta', 'lock');
  return found && 'failedAttempts' in found ? found : NO_LOCK_META;
}

/** Writes the lock's facts. */
export async function writeLockMeta(db: TokenKeeperDb, meta: LockMeta): Promise<void> {
  await db.put('meta', meta, 'lock');
}

/** The wrapped data key, when the lock is on. */
export async function readWrappedKey(db: TokenKeeperDb): Promise<WrappedKey | undefined> {
  const found = await db.get('keys', 'wrapped');
  return isWrappedKey(found) ? found : undefined;
}

/** Replaces the wrapped key (a new passphrase for the same data key): one put, so all or nothing. */
export async function putWrappedKey(db: TokenKeeperDb, wrapped: WrappedKey): Promise<void> {
  await db.put('keys', wrapped, 'wrapped');
}

/** Whether two lists of sealed records are the same writes (each seal has a fresh random IV). */
function sameSealed(a: SealedSecret[], b: SealedSecret[]): boolean {
  const id = (s: SealedSecret) => `${s.connectionId}:${Array.from(s.iv).join(',')}`;
  const left = a.map(id).sort();
  const right = b.map(id).sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

/**
 * Turns the lock on in one `readwrite` transaction: every secret re-sealed under the new data key, the
 * wrapped key stored, the plain key deleted — all of it or none (docs/security.md#turning-the-lock-on).
 * Returns false, writing nothing, when the secrets changed since `before` was read.
 */
export async function commitLockOn(
  db: TokenKeeperDb,
  change: { before: SealedSecret[]; resealed: SealedSecret[]; wrapped: WrappedKey },
): Promise<boolean> {
  // Only IDB requests between here and `tx.done`: any other await would let the transaction commit early.
  const tx = db.transaction(['secrets', 'keys'], 'readwrite');
  const secrets = tx.objectStore('secrets');
  const now = await secrets.getAll();
  if (!sameSealed(now, change.before)) {
    abortQuietly(tx);
    return false;
  }
  const writes: Promise<unknown>[] = [];
  try {
    for (const sealed of change.resealed) writes.push(secrets.put(sealed));
    writes.push(tx.objectStore('keys').put(change.wrapped, 'wrapped'));
    writes.push(tx.objectStore('keys').delete('secrets'));
    await Promise.all([...writes, tx.done]);
  } catch (error) {
    // A request that throws at once (a bad record) does not abort the transaction by itself: the writes
    // queued before it would still commit. Abort, so it is all or nothing.
    for (const write of writes) write.catch(() => undefined);
    abortQuietly(tx);
    throw error;
  }
  return true;
}

function abortQuietly(tx: { abort(): void; done: Promise<void> }): void {
  tx.done.catch(() => undefined);
  try {
    tx.abort();
  } catch {
    // Already finished (aborted by the failed request itself).
  }
}

/** Turns the lock off: the same data key stored plainly (non-extractable), the wrapped one deleted, at once. */
export async function commitLockOff(db: TokenKeeperDb, key: CryptoKey): Promise<void> {
  const tx = db.transaction('keys', 'readwrite');
  await Promise.all([tx.store.put(key, 'secrets'), tx.store.delete('wrapped'), tx.done]);
}
