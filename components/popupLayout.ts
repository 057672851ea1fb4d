import { attentionLevel } from '@/utils/attention';
import type { ConnectionStatus } from '@/utils/model';

/**
 * From this many connections on, the popup draws each calm one as a one-line row: with six full cards
 * the popup already scrolls, and a glance should find the one that needs the person (docs/architecture.md#popup).
 */
export const ROWS_FROM = 6;

/** One connection in the popup, and whether it is drawn as a row rather than a full card. */
export interface PopupEntry {
  connection: ConnectionStatus;
  row: boolean;
}

/**
 * A connection with nothing to say but its countdown: healthy (or refreshing on schedule), nothing at
 * risk, and no notice a full card would show (a failure, missing scopes, a refresh token's end of life,
 * an assumed lifetime).
 */
export function isCalm(connection: ConnectionStatus, now: number): boolean {
  const { state, reconnectBy } = connection;
  return (
    (state === 'healthy' || state === 'refreshing') &&
    connection.failure === null &&
    connection.expiresAt !== null &&
    attentionLevel(connection, now) === 'none' &&
    !connection.lifetimeAssumed &&
    connection.missingScopes === undefined &&
    (reconnectBy === undefined || now < reconnectBy.warnFrom)
  );
}

/**
 * The popup's order: what needs the person first (a failing connection must not hide below the fold
 * among fifty), then calm retries with a valid token, then the other cards, then the rows; each group in
 * the worker's order.
 */
export function popupLayout(connections: readonly ConnectionStatus[], now: number): PopupEntry[] {
  const rows = connections.length >= ROWS_FROM;
  const rank = { attention: 0, retrying: 1, none: 2 } as const;
  return connections
    .map((connection, index) => {
      const row = rows && isCalm(connection, now);
      return { connection, row, index, rank: row ? 3 : rank[attentionLevel(connection, now)] };
    })
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ connection, row }) => ({ connection, row }));
}
