import type { LockMode, SecretRecord } from '../model';
import type { SealedSecret, TokenKeeperDb } from './db';
import { fromBase64, importDataKey, isWrappedKey } from './key-wrap';

/** Thrown by any use of the key while the lock is closed: a normal state, not damage. */
export class VaultLockedError extends Error {
  override name = 'VaultLockedError';
  readonly code = 'locked';
  constructor() {
    super('Token Keeper is locked.');
  }
}

/** Whether an error says the vault is locked. */
export function isVaultLocked(error: unknown): boolean {
  return error instanceof VaultLockedError;
}

/** The data key kept for the browser session (raw bytes as base64, and the id of the wrap it belongs to). */
export interface SessionKey {
  keyId: string;
  raw: string;
}

/**
 * Keeps the unwrapped key across service-worker restarts within one browser session, never on disk
 * (`chrome.storage.session` in the extension; memory in tests).
 */
export interface SessionKeyStore {
  get(): Promise<SessionKey | undefined>;
  set(value: SessionKey): Promise<void>;
  clear(): Promise<void>;
}

/** A session store in this realm's memory (tests, simulations). */
export function memorySessionKeys(): SessionKeyStore {
  let value: SessionKey | undefined;
  return {
    get: async () => value,
    set: async (next) => {
      value = next;
    },
    clear: async () => {
      value = undefined;
    },
  };
}

/** Seals and opens secret records; the key never leaves WebCrypto. */
export interface Vault {
  /** Seals with the key as it is now; throws {@link VaultLockedError} while locked. */
  seal(record: SecretRecord): Promise<SealedSecret>;
  /** Opens with the key as it is now; throws {@link VaultLockedError} while locked. */
  open(sealed: SealedSecret): Promise<SecretRecord>;
  /** True when the key was missing while sealed secrets existed: those can no longer be opened. */
  readonly replacedMissingKey: boolean;
  /** Where the key is now (`locked` as soon as a lock has begun). */
  mode(): LockMode;
  /**
   * Runs work that reads or writes secrets: until it ends, the key is neither dropped nor replaced, so a
   * refresh under way completes and commits even when the lock closes meanwhile. Rejects at once with
   * {@link VaultLockedError} while locked. Never nest: the work must not call `use` again.
   */
  use<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs a change of the key itself once every `use` under way has ended; uses that start meanwhile wait
   * for it, or (`refuseNewUses`, a lock) fail with {@link VaultLockedError}. One at a time.
   */
  exclusive<T>(work: () => Promise<T>, options?: { refuseNewUses?: boolean }): Promise<T>;
  /** Replaces the key held in memory (the lock only, inside `exclusive`). */
  setKey(key: CryptoKey | undefined, mode: LockMode): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Seals a record with `key` (AES-GCM, fresh IV, the connection id as authenticated data). */
export async function sealWith(key: CryptoKey, record: SecretRecord): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  // The connection id is authenticated data: a sealed record cannot be moved to another connection.
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(record.connectionId) },
    key,
    encoder.encode(JSON.stringify(record)),
  );
  return { connectionId: record.connectionId, iv, data };
}

/** Opens a sealed record with `key`. */
export async function openWith(key: CryptoKey, sealed: SealedSecret): Promise<SecretRecord> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(sealed.connectionId) },
    key,
    sealed.data,
  );
  return JSON.parse(decoder.decode(plain)) as SecretRecord;
}

/**
 * Loads the vault key from the `keys` store: the plain key (no lock), or — with the lock on — the
 * session's copy when it belongs to the stored wrap (else locked). First run generates a plain key.
 */
export async function openVault(
  db: TokenKeeperDb,
  session: SessionKeyStore = memorySessionKeys(),
): Promise<Vault> {
  const [plain, wrapped] = await Promise.all([
    db.get('keys', 'secrets'),
    db.get('keys', 'wrapped'),
  ]);
  let key: CryptoKey | undefined;
  let mode: LockMode;
  let replacedMissingKey = false;
  if (isWrappedKey(wrapped)) {
    const kept = await session.get().catch(() => undefined);
    // A session copy of another wrap (or a damaged one) is no key: start locked, never fail to start.
    key =
      kept?.keyId === wrapped.keyId
        ? await Promise.resolve(kept.raw)
            .then((raw) => importDataKey(fromBase64(raw)))
            .catch(() => undefined)
        : undefined;
    mode = key ? 'unlocked' : 'locked';
  } else {
    // A key missing beside existing secrets is damage, not a first run: report it instead of hiding it.
    replacedMissingKey = !plain && (await db.count('secrets')) > 0;
    const created = plain ? undefined : await createKey(db);
    if (created && 'wrapped' in created) {
      // Another context turned the lock on meanwhile: start locked.
      key = undefined;
      mode = 'locked';
    } else {
      key = (plain as CryptoKey | undefined) ?? created?.key;
      mode = 'off';
    }
  }
  return createVault(key, mode, replacedMissingKey);
}

/** The vault around a key held in memory, with the use/exclusive discipline of {@link Vault}. */
export function createVault(
  initialKey: CryptoKey | undefined,
  initialMode: LockMode,
  replacedMissingKey = false,
): Vault {
  let key = initialKey;
  let mode = initialMode;
  let users = 0;
  let refusing = false;
  let changing: Promise<void> | undefined;
  let idle: (() => void)[] = [];

  const current = (): CryptoKey => {
    if (!key || mode === 'locked') throw new VaultLockedError();
    return key;
  };

  async function use<T>(work: () => Promise<T>): Promise<T> {
    for (;;) {
      if (refusing || mode === 'locked') throw new VaultLockedError();
      if (!changing) break;
      await changing;
    }
    users += 1;
    try {
      return await work();
    } finally {
      users -= 1;
      if (users === 0) {
        const waiting = idle;
        idle = [];
        for (const wake of waiting) wake();
      }
    }
  }

  async function exclusive<T>(
    work: () => Promise<T>,
    options: { refuseNewUses?: boolean } = {},
  ): Promise<T> {
    while (changing) await changing;
    let done: () => void = () => undefined;
    changing = new Promise<void>((resolve) => (done = resolve));
    refusing = options.refuseNewUses ?? false;
    try {
      if (users > 0) await new Promise<void>((resolve) => idle.push(resolve));
      return await work();
    } finally {
      refusing = false;
      changing = undefined;
      done();
    }
  }

  return {
    replacedMissingKey,
    seal: async (record) => sealWith(current(), record),
    open: async (sealed) => openWith(current(), sealed),
    mode: () => (refusing ? 'locked' : mode),
    use,
    exclusive,
    setKey(next, nextMode) {
      key = next;
      mode = nextMode;
    },
  };
}

async function createKey(
  db: TokenKeeperDb,
): Promise<{ key: CryptoKey } | { wrapped: true } | undefined> {
  const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const tx = db.transaction('keys', 'readwrite');
  // Another context may have won the race to create it (or turned the lock on): keep the first key.
  const [existing, wrapped] = await Promise.all([tx.store.get('secrets'), tx.store.get('wrapped')]);
  if (!existing && !wrapped) await tx.store.add(fresh, 'secrets');
  await tx.done;
  if (wrapped) return { wrapped: true };
  return { key: (existing as CryptoKey | undefined) ?? fresh };
}
