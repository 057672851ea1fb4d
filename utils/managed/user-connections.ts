import type { StoredError } from '../model';
import type { ManagedPolicy } from './policy';

/** Why a person may not add a connection: the organisation's policy turned that off (docs/admin.md). */
export const USER_CONNECTIONS_OFF: StoredError = {
  code: 'managed',
  message: 'Your organisation manages the connections here: adding your own is turned off.',
};

/**
 * The one rule of `allowUserConnections`: when it is false, the person adds no connection of their own,
 * by the add form or by importing set-ups; refused in the worker, not only hidden on the page.
 */
export function userConnectionsRefusal(
  policy: Pick<ManagedPolicy, 'allowUserConnections'>,
): StoredError | undefined {
  return policy.allowUserConnections ? undefined : USER_CONNECTIONS_OFF;
}
