import { createCipheriv, createDecipheriv } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { inPageDb } from './page-db';

/** A stored secret as the extension keeps it: AES-GCM ciphertext, never plaintext (copied out of a page). */
export interface SealedCopy {
  connectionId: string;
  iv: number[];
  data: number[];
}

/** Where a 32-byte run of a file opened the sealed secret: that run is the key. */
export interface KeyFound {
  file: string;
  offset: number;
}

/** Every file below `dir`, recursively (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

/** The files of the extension's IndexedDB (one LevelDB per origin) in a Chromium profile directory. */
export function indexedDbFiles(userDataDir: string, extensionId: string): string[] {
  const dir = join(userDataDir, 'Default', 'IndexedDB');
  return filesUnder(dir).filter((file) => file.includes(`chrome-extension_${extensionId}_`));
}

/** Reads one sealed secret record (ciphertext only) from the extension's IndexedDB in one of its pages. */
export function readSealed(page: Page, connectionId: string): Promise<SealedCopy | undefined> {
  return inPageDb(page, {
    stores: ['secrets'],
    arg: connectionId,
    work: (tx, id) => {
      const get = tx.objectStore('secrets').get(id);
      return () => {
        const found = get.result as
          { connectionId: string; iv: Uint8Array; data: ArrayBuffer } | undefined;
        return (
          found && {
            connectionId: found.connectionId,
            iv: [...found.iv],
            data: [...new Uint8Array(found.data)],
          }
        );
      };
    },
  });
}

/** The first 16 bytes of every sealed record: the vault seals `JSON.stringify(record)`, connection id first. */
const KNOWN_PREFIX = Buffer.from('{"connectionId":', 'utf8');

/**
 * Tries every 32-byte run of `files` as the AES-256-GCM key of `sealed` and returns those that open it.
 * AES-GCM is counter mode: the first plaintext block is the first ciphertext block XOR AES_k(iv ‖ 2), so a
 * candidate is checked with one block encryption against the known prefix, then confirmed by a full
 * authenticated decryption. A few MB take a few seconds.
 */
export function findKeysOpening(files: string[], sealed: SealedCopy): KeyFound[] {
  const iv = Buffer.from(sealed.iv);
  const data = Buffer.from(sealed.data);
  const counter = Buffer.concat([iv, Buffer.from([0, 0, 0, 2])]);
  const target = Buffer.alloc(16);
  for (let i = 0; i < 16; i += 1) target[i] = data[i]! ^ KNOWN_PREFIX[i]!;
  const found: KeyFound[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (let offset = 0; offset + 32 <= bytes.length; offset += 1) {
      const key = bytes.subarray(offset, offset + 32);
      const block = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false).update(counter);
      if (!block.equals(target)) continue;
      if (opens(key, iv, data, sealed.connectionId)) found.push({ file, offset });
    }
  }
  return found;
}

function opens(key: Buffer, iv: Buffer, data: Buffer, connectionId: string): boolean {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(connectionId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.update(data.subarray(0, data.length - 16));
    decipher.final();
    return true;
  } catch {
    return false;
  }
}
