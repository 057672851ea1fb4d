import type { Connection, SecretRecord, StoredError } from '../model';
import type { ClassifiedError } from '../oauth/classify';
import type { TokenKeeperDb } from '../store/db';
import { pruneOldestHistory } from '../store/history';
import { isVaultLocked, type Vault } from '../store/vault';
import { justRun, type KeepAlive } from './deps';
import { steadily } from './retrying';

/** Waits between write attempts (ms), then keeps the last delay: a token the provider gave is never dropped. */
export const PERSIST_RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

/** Attempts before the caller goes on and the write is left to the keeper's own retries. */
export const PERSIST_ATTEMPTS = 12;

/** How often the keeper tries again to write the records still held in memory only. */
export const UNSAVED_RETRY_MS = 30_000;

/** How often an AES-GCM open is tried before a record is called unreadable (a crypto hiccup is not damage). */
const OPEN_ATTEMPTS = 3;

/** Events deleted to make room when the disk is full: history is worth less than a refresh token. */
const QUOTA_RELIEF_EVENTS = 2_000;

/** The error a connection carries when its stored credentials cannot be decrypted. */
export const UNREADABLE_ERROR: StoredError = {
  code: 'secrets_unreadable',
  message:
    'The stored credentials of this connection cannot be read (the record is damaged or the encryption key is missing): reconnect.',
};

/** The failure recorded for unreadable credentials: permanent, yet looked at again (see hasUnreadableSecrets). */
export const UNREADABLE_FAILURE: ClassifiedError = { kind: 'permanent', ...UNREADABLE_ERROR };

/** Whether a connection's last failure was unreadable credentials: a storage hiccup heals, so it is retried. */
export function hasUnreadableSecrets(connection: Pick<Connection, 'failure'>): boolean {
  return connection.failure?.lastError.code === UNREADABLE_ERROR.code;
}

/** A secret read: the record (or none stored), or why it could not be read. */
export type SecretRead =
  | { ok: true; record: SecretRecord | undefined }
  | { ok: false; reason: 'unreadable' | 'storage' | 'locked'; error: unknown };

/** Reads and writes the secret half of connections; see docs/reliability.md#rotation-first. */
export interface SecretKeeper {
  read(connectionId: string): Promise<SecretRead>;
  /**
   * Stores `record` in its own small transaction, retrying from memory until it lands; call it inside the
   * vault's `use` (docs/security.md#the-lock), like every write of a secret. Until then reads
   * see the record in memory, so a rotated refresh token is used even before it is on disk. Resolves
   * with whether it is on disk.
   */
  persist(record: SecretRecord): Promise<boolean>;
  /** Drops a record held in memory (the connection is being disconnected or removed). */
  forget(connectionId: string): void;
  /** Tries once more to write every record still held in memory only (takes the vault's use itself). */
  flush(): Promise<void>;
  /** Connections whose newest secret is held in memory only (a storage problem). */
  unsaved(): string[];
}

/** What the keeper needs. */
export interface SecretKeeperDeps {
  db: TokenKeeperDb;
  vault: Vault;
  sleep: (ms: number) => Promise<void>;
  /** Holds the worker while a record is in memory only: it would die with it (docs/reliability.md#rotation-first). */
  keepAlive?: KeepAlive;
}

/** Builds the keeper. */
export function createSecretKeeper(deps: SecretKeeperDeps): SecretKeeper {
  const held = new Map<string, SecretRecord>();
  const queues = new Map<string, Promise<unknown>>();

  /**
   * Writes `record` unless a newer one replaced it; writes of one connection run one after another, so an
   * older record can never land after a newer one.
   */
  function writeOnce(record: SecretRecord): Promise<void> {
    const id = record.connectionId;
    const run = (queues.get(id) ?? Promise.resolve()).then(async () => {
      if (held.get(id) !== record) return;
      const sealed = await deps.vault.seal(record);
      await deps.db.put('secrets', sealed);
      if (held.get(id) === record) held.delete(id);
    });
    const tail = run.catch(() => undefined);
    queues.set(id, tail);
    void tail.then(() => {
      if (queues.get(id) === tail) queues.delete(id);
    });
    return run;
  }

  async function read(connectionId: string): Promise<SecretRead> {
    const inMemory = held.get(connectionId);
    if (inMemory) return { ok: true, record: inMemory };
    let failure: unknown;
    for (let attempt = 0; attempt < OPEN_ATTEMPTS; attempt += 1) {
      let sealed;
      try {
        // A read hiccup is retried in place: a refresh must not wait an alarm for it (docs/reliability.md).
        sealed = await steadily(deps.sleep)(() => deps.db.get('secrets', connectionId));
      } catch (error) {
        return { ok: false, reason: 'storage', error };
      }
      if (!sealed) return { ok: true, record: undefined };
      try {
        const record = await deps.vault.open(sealed);
        if (record.connectionId !== connectionId) throw new Error('Sealed record of another id.');
        return { ok: true, record };
      } catch (error) {
        // Locked is a normal state, never mistaken for damage (docs/security.md#the-lock).
        if (isVaultLocked(error)) return { ok: false, reason: 'locked', error };
        failure = error;
      }
    }
    return { ok: false, reason: 'unreadable', error: failure };
  }

  async function persist(record: SecretRecord): Promise<boolean> {
    held.set(record.connectionId, record);
    for (let attempt = 0; attempt < PERSIST_ATTEMPTS; attempt += 1) {
      // A newer record replaced this one meanwhile: its own persist owns the write now.
      if (held.get(record.connectionId) !== record) return true;
      try {
        await writeOnce(record);
        return true;
      } catch (error) {
        if (isQuotaError(error)) {
          await pruneOldestHistory(deps.db, QUOTA_RELIEF_EVENTS).catch(() => 0);
        }
        if (attempt + 1 < PERSIST_ATTEMPTS) {
          const delays = PERSIST_RETRY_DELAYS_MS;
          await deps.sleep(delays[Math.min(attempt, delays.length - 1)]!);
        }
      }
    }
    if (held.get(record.connectionId) === record) keepTrying();
    return false;
  }

  // The one loop that writes what persist could not: it holds the worker until nothing is left in memory.
  let trying: Promise<void> | undefined;
  function keepTrying(): void {
    if (trying) return;
    trying = (deps.keepAlive ?? justRun)(async () => {
      while (held.size > 0) {
        await deps.sleep(UNSAVED_RETRY_MS);
        // A lock or a storage error: the records stay in memory and the next round tries again.
        await flush().catch(() => undefined);
      }
    }).finally(() => {
      trying = undefined;
      // A record held after the last round looked (its write failed meanwhile): go on.
      if (held.size > 0) keepTrying();
    });
    void trying.catch(() => undefined);
  }

  async function flush(): Promise<void> {
    if (held.size === 0) return;
    // Under the vault's use: the key cannot be replaced between a seal and its write. While locked the
    // records wait in memory (reads still see them) until the unlock.
    await deps.vault
      .use(async () => {
        for (const record of [...held.values()]) {
          try {
            await writeOnce(record);
          } catch {
            // Still failing: it stays in memory, and the next refresh or sweep tries again.
          }
        }
      })
      .catch((error: unknown) => {
        if (!isVaultLocked(error)) throw error;
      });
  }

  return {
    read,
    persist,
    forget: (connectionId) => void held.delete(connectionId),
    flush,
    unsaved: () => [...held.keys()],
  };
}

/** Whether a storage error says the disk (or the origin's quota) is full. */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  const inner = (error as { inner?: { name?: unknown } } | null)?.inner?.name;
  return name === 'QuotaExceededError' || inner === 'QuotaExceededError';
}
