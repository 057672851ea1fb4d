/**
 * The passphrase lock's cryptography: the data key wrapped (AES-GCM) under a key derived from the
 * passphrase (PBKDF2-SHA-256). Only the wrapped form is ever written to disk (docs/security.md#the-lock).
 */

/** PBKDF2-SHA-256 iterations for a new wrap: OWASP's 2023 recommendation (Password Storage Cheat Sheet). */
export const PBKDF2_ITERATIONS = 600_000;

/** The shortest passphrase accepted: a lock with a guessable passphrase protects nothing. */
export const MIN_PASSPHRASE_LENGTH = 8;

/** The longest passphrase accepted (a bound on what a message may make the worker hash). */
export const MAX_PASSPHRASE_LENGTH = 1024;

/** The data key as stored while the lock is on: ciphertext of its raw bytes, and how to derive the wrapping key. */
export interface WrappedKey {
  kind: 'wrapped-data-key';
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  /** Random per wrap (so per install, and new with every passphrase). */
  salt: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  /** AES-GCM ciphertext of the 32 raw key bytes (with its tag): wrong passphrases fail authentication. */
  wrapped: ArrayBuffer;
  /** Random id of the data key, so a key kept for the browser session is known to belong to this wrap. */
  keyId: string;
}

/** What the wrapping key's AES-GCM authenticates besides the key bytes. */
const WRAP_AAD = new TextEncoder().encode('token-keeper data key v1');

/** The usages of the data key (the vault seals and opens secrets with it). */
const DATA_KEY_USAGES: KeyUsage[] = ['encrypt', 'decrypt'];

/** Whether a stored value is a wrapped key record. */
export function isWrappedKey(value: unknown): value is WrappedKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'wrapped-data-key'
  );
}

/** A new random data key, extractable only so it can be wrapped once (and kept for the session). */
export function generateExtractableDataKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, DATA_KEY_USAGES);
}

async function wrappingKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/** Wraps an extractable data key under `passphrase` with a fresh salt and IV. */
export async function wrapDataKey(
  dataKey: CryptoKey,
  passphrase: string,
  keyId: string,
  iterations: number = PBKDF2_ITERATIONS,
): Promise<WrappedKey> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const kek = await wrappingKey(passphrase, salt, iterations);
  const wrapped = await crypto.subtle.wrapKey('raw', dataKey, kek, {
    name: 'AES-GCM',
    iv,
    additionalData: WRAP_AAD,
  });
  return { kind: 'wrapped-data-key', kdf: 'PBKDF2-SHA-256', iterations, salt, iv, wrapped, keyId };
}

/** Thrown when a passphrase does not open the wrapped key. */
export class WrongPassphraseError extends Error {
  override name = 'WrongPassphraseError';
  constructor() {
    super('The passphrase is not right.');
  }
}

/**
 * Unwraps the data key as its raw bytes (for the session copy and a rewrap); throws
 * {@link WrongPassphraseError} when the passphrase is wrong (AES-GCM authentication fails).
 */
export async function unwrapRawDataKey(
  record: WrappedKey,
  passphrase: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const kek = await wrappingKey(passphrase, record.salt, record.iterations);
  let key: CryptoKey;
  try {
    key = await crypto.subtle.unwrapKey(
      'raw',
      record.wrapped,
      kek,
      { name: 'AES-GCM', iv: record.iv, additionalData: WRAP_AAD },
      { name: 'AES-GCM', length: 256 },
      true,
      DATA_KEY_USAGES,
    );
  } catch {
    throw new WrongPassphraseError();
  }
  return new Uint8Array(await crypto.subtle.exportKey('raw', key));
}

/** The data key for use: imported from raw bytes as non-extractable (`extractable` only to store it plain). */
export function importDataKey(
  raw: Uint8Array<ArrayBuffer>,
  extractable = false,
): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM', length: 256 }, extractable, [
    ...DATA_KEY_USAGES,
  ]);
}

/** Base64 of raw key bytes, the form `chrome.storage.session` can hold (it stores JSON-like values). */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

/** The bytes of a base64 string. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
