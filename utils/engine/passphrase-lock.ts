import { LOCKED, type ActionResult, type LockStatus, type StoredError } from '../model';
import type { LockMeta, TokenKeeperDb } from '../store/db';
import {
  generateExtractableDataKey,
  importDataKey,
  MAX_PASSPHRASE_LENGTH,
  MIN_PASSPHRASE_LENGTH,
  PBKDF2_ITERATIONS,
  toBase64,
  unwrapRawDataKey,
  wrapDataKey,
  WrongPassphraseError,
  type WrappedKey,
} from '../store/key-wrap';
import {
  commitLockOff,
  commitLockOn,
  putWrappedKey,
  readLockMeta,
  readWrappedKey,
  writeLockMeta,
} from '../store/lock-records';
import { sealWith, type SessionKeyStore, type Vault } from '../store/vault';
import { createMemoryLocks, type Clock } from './deps';
import { unlockRetryAt } from './unlock-throttle';

/** The error of every request that needs the key while the lock is closed: a normal state, not damage. */
export const LOCKED_ERROR: StoredError = {
  code: LOCKED,
  message: 'Token Keeper is locked: enter the passphrase in its popup, then ask again.',
};

/** Auto-lock choices are whole minutes up to a day (0: never). */
export const MAX_AUTO_LOCK_MIN = 1440;

/** What the lock needs. */
export interface PassphraseLockDeps {
  db: TokenKeeperDb;
  vault: Vault;
  /** Where the unwrapped key is kept for the browser session (never on disk). */
  session: SessionKeyStore;
  clock: Clock;
  /** PBKDF2 iterations of new wraps; tests pass fewer, the product uses {@link PBKDF2_ITERATIONS}. */
  iterations?: number;
  /** Tells pages something changed (the services send one status snapshot per burst). */
  changed?: () => void;
  /** After an unlock: everything overdue is refreshed at once. */
  onUnlock?: () => Promise<void>;
  /** After a lock: the refresh alarm is re-armed (to nothing while locked). */
  onLock?: () => Promise<void>;
  /** After the auto-lock time changed (the browser's idle detection follows it). */
  onAutoLockChange?: (minutes: number) => void;
}

/** The optional passphrase lock of the data key (docs/security.md#the-lock). */
export interface PassphraseLock {
  status(): Promise<LockStatus>;
  turnOn(passphrase: string): Promise<ActionResult<LockStatus>>;
  unlock(passphrase: string): Promise<ActionResult<LockStatus>>;
  lock(): Promise<ActionResult<LockStatus>>;
  changePassphrase(current: string, next: string): Promise<ActionResult<LockStatus>>;
  turnOff(passphrase: string): Promise<ActionResult<LockStatus>>;
  setAutoLock(minutes: number): Promise<ActionResult<LockStatus>>;
}

/** How often turning the lock on starts over when a secret was written meanwhile (not expected: see use). */
const TURN_ON_ATTEMPTS = 3;

/** Builds the lock around the vault. */
export function createPassphraseLock(deps: PassphraseLockDeps): PassphraseLock {
  const iterations = deps.iterations ?? PBKDF2_ITERATIONS;
  // Lock operations run one at a time within the worker (the key lives only here).
  const serial = createMemoryLocks();
  const one = <T>(work: () => Promise<T>) => serial.request('passphrase-lock', work);

  async function status(): Promise<LockStatus> {
    const meta = await readLockMeta(deps.db);
    const retryAt = unlockRetryAt(meta.failedAttempts, meta.lastFailedAt);
    return {
      mode: deps.vault.mode(),
      autoLockMin: meta.autoLockMin,
      unlockRetryAt: retryAt !== null && retryAt > deps.clock.now() ? retryAt : null,
    };
  }

  const done = async (): Promise<ActionResult<LockStatus>> => {
    deps.changed?.();
    return { ok: true, value: await status() };
  };

  /** Checks a passphrase against the wrapped key, counting wrong ones (persisted: a restart resets nothing). */
  async function verify(
    passphrase: string,
  ): Promise<
    | { ok: true; raw: Uint8Array<ArrayBuffer>; wrapped: WrappedKey }
    | { ok: false; error: StoredError }
  > {
    const meta = await readLockMeta(deps.db);
    const now = deps.clock.now();
    const retryAt = unlockRetryAt(meta.failedAttempts, meta.lastFailedAt);
    if (retryAt !== null && now < retryAt) return { ok: false, error: throttled(retryAt, now) };
    const wrapped = await readWrappedKey(deps.db);
    if (!wrapped) return { ok: false, error: LOCK_OFF };
    try {
      const raw = await unwrapRawDataKey(wrapped, passphrase);
      if (meta.failedAttempts > 0) await writeLockMeta(deps.db, { ...meta, ...NO_FAILURES });
      return { ok: true, raw, wrapped };
    } catch (error) {
      if (!(error instanceof WrongPassphraseError)) throw error;
      const failed: LockMeta = {
        ...meta,
        failedAttempts: meta.failedAttempts + 1,
        lastFailedAt: now,
      };
      await writeLockMeta(deps.db, failed);
      const next = unlockRetryAt(failed.failedAttempts, failed.lastFailedAt);
      return { ok: false, error: wrongPassphrase(next, now) };
    }
  }

  function turnOn(passphrase: string): Promise<ActionResult<LockStatus>> {
    return one(async () => {
      if (deps.vault.mode() !== 'off') return failure(LOCK_ON);
      const weak = checkNewPassphrase(passphrase);
      if (weak) return failure(weak);
      // The plain key is non-extractable, so it cannot be wrapped: a new data key replaces it, and every
      // secret is re-sealed under it in one transaction (docs/security.md#turning-the-lock-on).
      const turnedOn = await deps.vault.exclusive(async () => {
        for (let attempt = 0; attempt < TURN_ON_ATTEMPTS; attempt += 1) {
          const before = await deps.db.getAll('secrets');
          const dataKey = await generateExtractableDataKey();
          const raw = new Uint8Array(await crypto.subtle.exportKey('raw', dataKey));
          const keyId = crypto.randomUUID();
          const wrapped = await wrapDataKey(dataKey, passphrase, keyId, iterations);
          const inUse = await importDataKey(raw);
          const resealed = [];
          for (const sealed of before) {
            // An unreadable record stays as it is: it was unreadable before and is reported as such.
            const record = await deps.vault.open(sealed).catch(() => undefined);
            if (record) resealed.push(await sealWith(inUse, record));
          }
          if (await commitLockOn(deps.db, { before, resealed, wrapped })) {
            deps.vault.setKey(inUse, 'unlocked');
            await deps.session.set({ keyId, raw: toBase64(raw) });
            raw.fill(0);
            return true;
          }
        }
        return false;
      });
      if (!turnedOn) return failure(BUSY);
      return done();
    });
  }

  function unlock(passphrase: string): Promise<ActionResult<LockStatus>> {
    return one(async () => {
      const mode = deps.vault.mode();
      if (mode === 'off') return failure(LOCK_OFF);
      if (mode === 'unlocked') return { ok: true, value: await status() };
      const checked = await verify(passphrase);
      if (!checked.ok) {
        deps.changed?.();
        return failure(checked.error);
      }
      const key = await importDataKey(checked.raw);
      await deps.session.set({ keyId: checked.wrapped.keyId, raw: toBase64(checked.raw) });
      checked.raw.fill(0);
      deps.vault.setKey(key, 'unlocked');
      const result = await done();
      // Refreshes paused while locked are due now: they run once the answer is on its way.
      void deps.onUnlock?.().catch((error: unknown) => console.error('Catch-up failed', error));
      return result;
    });
  }

  function lock(): Promise<ActionResult<LockStatus>> {
    return one(async () => {
      if (deps.vault.mode() !== 'unlocked') return { ok: true, value: await status() };
      // The session copy goes first; work under way finishes with the key it holds, then it is dropped.
      await deps.session.clear();
      await deps.vault.exclusive(async () => deps.vault.setKey(undefined, 'locked'), {
        refuseNewUses: true,
      });
      await deps.onLock?.().catch((error: unknown) => console.error('Re-arm failed', error));
      return done();
    });
  }

  function changePassphrase(current: string, next: string): Promise<ActionResult<LockStatus>> {
    return one(async () => {
      if (deps.vault.mode() === 'off') return failure(LOCK_OFF);
      const weak = checkNewPassphrase(next);
      if (weak) return failure(weak);
      const checked = await verify(current);
      if (!checked.ok) return failure(checked.error);
      // The same data key under the new passphrase: no secret needs re-sealing, the session copy stays.
      const dataKey = await importDataKey(checked.raw, true);
      checked.raw.fill(0);
      const wrapped = await wrapDataKey(dataKey, next, checked.wrapped.keyId, iterations);
      await putWrappedKey(deps.db, wrapped);
      return done();
    });
  }

  function turnOff(passphrase: string): Promise<ActionResult<LockStatus>> {
    return one(async () => {
      if (deps.vault.mode() === 'off') return failure(LOCK_OFF);
      const checked = await verify(passphrase);
      if (!checked.ok) return failure(checked.error);
      // The same data key, stored plainly again (non-extractable, as before the lock was turned on).
      const key = await importDataKey(checked.raw);
      checked.raw.fill(0);
      await deps.vault.exclusive(async () => {
        await commitLockOff(deps.db, key);
        deps.vault.setKey(key, 'off');
      });
      await deps.session.clear();
      const result = await done();
      void deps.onUnlock?.().catch((error: unknown) => console.error('Catch-up failed', error));
      return result;
    });
  }

  function setAutoLock(minutes: number): Promise<ActionResult<LockStatus>> {
    return one(async () => {
      if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_AUTO_LOCK_MIN) {
        return failure({
          code: 'invalid_input',
          message: `Auto-lock is a whole number of minutes from 0 (never) to ${MAX_AUTO_LOCK_MIN}.`,
        });
      }
      await writeLockMeta(deps.db, { ...(await readLockMeta(deps.db)), autoLockMin: minutes });
      deps.onAutoLockChange?.(minutes);
      return done();
    });
  }

  return { status, turnOn, unlock, lock, changePassphrase, turnOff, setAutoLock };
}

const NO_FAILURES = { failedAttempts: 0, lastFailedAt: null } as const;

const LOCK_ON: StoredError = { code: 'lock_on', message: 'The lock is already on.' };
const LOCK_OFF: StoredError = { code: 'lock_off', message: 'The lock is not on.' };
const BUSY: StoredError = {
  code: 'busy',
  message: 'Secrets kept changing while the lock was being turned on; nothing changed. Try again.',
};

/** Why a new passphrase is refused, or undefined when it is acceptable. */
export function checkNewPassphrase(passphrase: string): StoredError | undefined {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return {
      code: 'weak_passphrase',
      message: `A passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters.`,
    };
  }
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) {
    return {
      code: 'invalid_input',
      message: `A passphrase has at most ${MAX_PASSPHRASE_LENGTH} characters.`,
    };
  }
  return undefined;
}

function wrongPassphrase(retryAt: number | null, now: number): StoredError {
  const wait = retryAt === null ? '' : ` ${waitSentence(retryAt, now)}`;
  return { code: 'wrong_passphrase', message: `That passphrase is not right.${wait}` };
}

function throttled(retryAt: number, now: number): StoredError {
  return {
    code: 'unlock_throttled',
    message: `Too many wrong passphrases. ${waitSentence(retryAt, now)}`,
  };
}

function waitSentence(retryAt: number, now: number): string {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return seconds < 120
    ? `Try again in ${seconds} s.`
    : `Try again in ${Math.ceil(seconds / 60)} min.`;
}

function failure(error: StoredError): ActionResult<LockStatus> {
  return { ok: false, error };
}
