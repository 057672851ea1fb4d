import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AccessRequest, Connection, HistoryEvent } from '../model';
import type { Settings } from '../settings';
import type { WrappedKey } from './key-wrap';

/** A secret record as stored: AES-GCM ciphertext of the JSON `SecretRecord`, never plaintext. */
export interface SealedSecret {
  connectionId: string;
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

/** The lock's own small facts (IndexedDB `meta`, key `'lock'`); never the passphrase or a key. */
export interface LockMeta {
  /** Absent here, so reading `seenAt` of any `meta` record stays well-typed (it is the clock's). */
  seenAt?: never;
  /** Wrong passphrases in a row (reset by a right one); the unlock delay grows with it. */
  failedAttempts: number;
  /** When the last wrong passphrase was given (epoch ms), or null. */
  lastFailedAt: number | null;
  /** Lock after the computer has been idle this many minutes (0: never). */
  autoLockMin: number;
}

/** The one IndexedDB schema of Token Keeper. */
export interface TokenKeeperSchema extends DBSchema {
  connections: {
    key: string;
    value: Connection;
    /** v3: `inFlightSince`, so markers a worker left behind are found without a scan (R5). */
    indexes: { nextRefreshAt: number; state: string; inFlightSince: number };
  };
  secrets: { key: string; value: SealedSecret };
  history: {
    key: number;
    value: HistoryEvent;
    indexes: {
      at: number;
      connectionId_at: [string, number];
      /** v2: history filtered by kind (and outcome, through the kinds that can have it). */
      kind_at: [string, number];
      /** v2: one connection's history filtered by kind. */
      connectionId_kind_at: [string, string, number];
    };
  };
  settings: { key: 'settings'; value: Settings };
  /**
   * The AES-GCM data key that seals `secrets`: without the lock, the non-extractable `CryptoKey` under
   * `'secrets'`; with the lock on, only its wrapped form under `'wrapped'` (docs/security.md#the-lock).
   */
  keys: { key: 'secrets' | 'wrapped'; value: CryptoKey | WrappedKey };
  /**
   * v3: small facts of the engine itself: `'clock'`, the latest wall-clock time it has seen (clock-guard);
   * `'lock'`, the lock's failed unlock attempts and auto-lock choice (no schema change: a new key only).
   */
  meta: { key: 'clock' | 'lock'; value: { seenAt: number } | LockMeta };
  /** v4: other extensions' access requests, pending or recently denied; one per extension id. */
  accessRequests: { key: string; value: AccessRequest };
}

/** An open Token Keeper database. */
export type TokenKeeperDb = IDBPDatabase<TokenKeeperSchema>;

/** Current schema version; every bump adds a step to `upgrade` and never removes an old one. */
export const DB_VERSION = 4;

/** Default database name (tests use their own fresh factory). */
export const DB_NAME = 'token-keeper';

/**
 * Why an open connection closed under its owner (docs/architecture.md#the-database-connection):
 * `blocking`, it stepped aside for another context's delete or newer version; `terminated`, the browser
 * closed it abnormally.
 */
export type ClosedBy = 'blocking' | 'terminated';

/** Opens (and migrates) the database; `onClosed` hears when the connection closes under its owner. */
export function openTokenKeeperDb(
  name: string = DB_NAME,
  events: { onClosed?: (why: ClosedBy) => void } = {},
): Promise<TokenKeeperDb> {
  return openDB<TokenKeeperSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        const connections = db.createObjectStore('connections', { keyPath: 'id' });
        connections.createIndex('nextRefreshAt', 'nextRefreshAt');
        connections.createIndex('state', 'state');
        db.createObjectStore('secrets', { keyPath: 'connectionId' });
        const history = db.createObjectStore('history', { keyPath: 'id', autoIncrement: true });
        history.createIndex('at', 'at');
        history.createIndex('connectionId_at', ['connectionId', 'at']);
        db.createObjectStore('settings');
        db.createObjectStore('keys');
      }
      if (oldVersion < 2) {
        // Filtered history pages walk an index range instead of scanning every event
        // (docs/architecture.md#the-dashboards-reads-history-export-health).
        const history = transaction.objectStore('history');
        history.createIndex('kind_at', ['kind', 'at']);
        history.createIndex('connectionId_kind_at', ['connectionId', 'kind', 'at']);
      }
      if (oldVersion < 3) {
        // Only markers are indexed (null is no key): settling them costs no scan of every connection.
        transaction.objectStore('connections').createIndex('inFlightSince', 'inFlightSince');
        db.createObjectStore('meta');
      }
      if (oldVersion < 4) {
        // Keyed by the sender's id: one request per extension, so repeating one cannot pile up (issue 15).
        db.createObjectStore('accessRequests', { keyPath: 'extensionId' });
      }
    },
    // Older connections elsewhere have not closed yet: this open waits for them (they step aside below).
    blocked(current, blockedVersion) {
      console.warn(
        `Token Keeper's database v${blockedVersion} waits for v${current} connections to close`,
      );
    },
    // Another context deletes or upgrades the database: step aside, or it would wait for ever.
    blocking(_current, _next, event) {
      (event.target as IDBDatabase).close();
      events.onClosed?.('blocking');
    },
    terminated() {
      events.onClosed?.('terminated');
    },
  });
}

/** Deletes the whole database (every connection to it must be closed, or it waits until they are). */
export async function deleteTokenKeeperDb(name: string = DB_NAME): Promise<void> {
  await deleteDB(name, {
    blocked() {
      console.warn("Deleting Token Keeper's database waits for its open connections to close");
    },
  });
}
