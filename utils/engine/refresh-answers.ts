import type { Connection, OutcomeState, RefreshOutcome } from '../model';
import { LOCKED_ERROR } from './passphrase-lock';

/** The answer when no request was needed: the stored token is good until `expiresAt`. */
export function alreadyFresh(expiresAt: number): RefreshOutcome {
  return { ok: true, refreshed: false, expiresAt };
}

/** The answer when no refresh may run now, with the reason the caller is shown. */
export function notPossible(code: string, message: string, state: OutcomeState): RefreshOutcome {
  return { ok: false, error: { code, message }, state };
}

/** The outcome while the lock is closed: nothing was attempted and nothing changed. */
export function lockedOutcome(connection: Connection | undefined): RefreshOutcome {
  return { ok: false, error: LOCKED_ERROR, state: connection?.state ?? 'missing' };
}

/** The outcome when storage could not be read or written before any request left: nothing changed. */
export function storageTrouble(connection: Connection): RefreshOutcome {
  return notPossible(
    'storage',
    'Token Keeper could not use its storage just now; it will try again.',
    connection.state,
  );
}

/** The answer for a connection that is gone. */
export function missingOutcome(): RefreshOutcome {
  return notPossible('not_found', 'This connection no longer exists.', 'missing');
}

/** The answer for a connection that cannot be refreshed until the person connects it (again). */
export function notConnected(connection: Connection): RefreshOutcome {
  return notPossible(
    connection.failure?.lastError.code ?? 'not_connected',
    connection.failure?.lastError.message ?? 'This connection is not connected yet.',
    connection.state,
  );
}
