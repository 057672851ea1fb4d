import type { SecretRecord } from '../model';
import type { SealedSecret, TokenKeeperDb } from './db';

/** Seals and opens secret records; the key never leaves WebCrypto. */
export interface Vault {
  seal(record: SecretRecord): Promise<SealedSecret>;
  open(sealed: SealedSecret): Promise<SecretRecord>;
  /** True when the key was missing while sealed secrets existed: those can no longer be opened. */
  readonly replacedMissingKey: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Loads the vault key from the `keys` store, generating it (non-extractable) on first run. */
export async function openVault(db: TokenKeeperDb): Promise<Vault> {
  const found = await db.get('keys', 'secrets');
  // A key missing beside existing secrets is damage, not a first run: report it instead of hiding it.
  const replacedMissingKey = !found && (await db.count('secrets')) > 0;
  const key = found ?? (await createKey(db));
  return {
    replacedMissingKey,
    async seal(record) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      // The connection id is authenticated data: a sealed record cannot be moved to another connection.
      const data = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(record.connectionId) },
        key,
        encoder.encode(JSON.stringify(record)),
      );
      return { connectionId: record.connectionId, iv, data };
    },
    async open(sealed) {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(sealed.connectionId) },
        key,
        sealed.data,
      );
      return JSON.parse(decoder.decode(plain)) as SecretRecord;
    },
  };
}

async function createKey(db: TokenKeeperDb): Promise<CryptoKey> {
  const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const tx = db.transaction('keys', 'readwrite');
  // Another context may have won the race to create it: keep the first key, never overwrite.
  const existing = await tx.store.get('secrets');
  if (!existing) await tx.store.add(fresh, 'secrets');
  await tx.done;
  return existing ?? fresh;
}
