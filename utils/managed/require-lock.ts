import type { LockMode, StoredError } from '../model';
import type { ManagedPolicy } from './policy';

/** Refused while the organisation requires a passphrase and none is set (docs/admin.md#requirelock). */
export const LOCK_REQUIRED: StoredError = {
  code: 'lock_required',
  message:
    'Your organisation requires a passphrase for Token Keeper: set one in Settings → Security first.',
};

/** Refused: the organisation's policy keeps the passphrase lock on. */
export const LOCK_KEPT: StoredError = {
  code: 'lock_required',
  message: 'Your organisation requires a passphrase for Token Keeper: it cannot be removed.',
};

/**
 * The one rule of `requireLock`: with the policy on and no passphrase set, nothing new is granted
 * (Connect) and no token is handed out; refreshing goes on, so no grant is lost meanwhile.
 */
export function lockRequirement(
  policy: Pick<ManagedPolicy, 'requireLock'>,
  mode: LockMode,
): StoredError | undefined {
  return policy.requireLock && mode === 'off' ? LOCK_REQUIRED : undefined;
}
