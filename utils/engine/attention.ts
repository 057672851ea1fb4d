import type { MessageKey } from '../i18n';
import type { Connection, ConnectionStatus } from '../model';

/** The part of a connection that decides whether it needs the user's attention. */
type AttentionInput = Pick<Connection | ConnectionStatus, 'state' | 'expiresAt'>;

/** Whether a connection needs attention: failing, waiting for a reconnect, or connected with an expired token. */
export function needsAttention(connection: AttentionInput, now: number): boolean {
  if (connection.state === 'needs-reconnect' || connection.state === 'retrying') return true;
  return (
    connection.state === 'healthy' && connection.expiresAt !== null && connection.expiresAt <= now
  );
}

/** The toolbar badge: nothing when all is well, else the count — red when a reconnect is needed. */
export function badgeFor(
  connections: AttentionInput[],
  now: number,
): { text: string; color: string } {
  const count = connections.filter((connection) => needsAttention(connection, now)).length;
  const reconnect = connections.some((connection) => connection.state === 'needs-reconnect');
  return { text: count === 0 ? '' : String(count), color: reconnect ? '#c5221f' : '#b06000' };
}

/**
 * A transient failure streak this old is told about even while the token is still valid: an error no
 * rule knows (an unknown OAuth code) must not be retried in silence for ever.
 */
export const PERSISTENT_FAILURE_MS = 60 * 60_000;

/** What a notification offers. */
export type AlertAction = 'retry' | 'reconnect' | 'open';

/**
 * A notification to show about one connection, as message keys and substitutions: the engine stays
 * pure and the worker translates when it shows it.
 */
export interface Alert {
  titleKey: MessageKey;
  titleArgs: string[];
  messageKey: MessageKey;
  messageArgs: string[];
  actions: AlertAction[];
}

/**
 * Whether a failure deserves a notification now (once per failure streak): at once for permanent and
 * configuration errors; for transient ones when the token has expired or will before the next attempt, or
 * when the streak has lasted PERSISTENT_FAILURE_MS.
 */
export function alertFor(
  connection: Connection,
  now: number,
  /** Transient failures stay quiet until the quick retries are spent: a wake-up blip is no alarm. */
  quietAttempts = 0,
): Alert | undefined {
  const failure = connection.failure;
  if (!failure || failure.notifiedAt !== undefined) return undefined;
  // The reason is the engine's diagnostic text (with the provider's details), shown as it is.
  const reason = failure.lastError.message;
  if (failure.kind === 'permanent') {
    return {
      titleKey: 'alertNeedsReconnectTitle',
      titleArgs: [connection.label],
      messageKey: 'alertReason',
      messageArgs: [reason],
      actions: ['reconnect'],
    };
  }
  if (failure.kind === 'configuration') {
    return {
      titleKey: 'alertConfigurationTitle',
      titleArgs: [connection.label],
      messageKey: 'alertReason',
      messageArgs: [reason],
      actions: ['open'],
    };
  }
  const expiresAt = connection.expiresAt;
  const next = connection.nextRefreshAt;
  if (failure.attempt <= quietAttempts) return undefined;
  if (failure.attempt >= 3 && now - failure.failedAt >= PERSISTENT_FAILURE_MS) {
    return {
      titleKey: 'alertKeepsFailingTitle',
      titleArgs: [connection.label],
      messageKey: 'alertRefreshKeepsFailing',
      messageArgs: [String(failure.attempt), reason],
      actions: ['retry', 'reconnect'],
    };
  }
  if (expiresAt === null) return undefined;
  if (expiresAt <= now || (next !== undefined && next >= expiresAt)) {
    const once = failure.attempt === 1;
    return {
      titleKey: expiresAt <= now ? 'alertTokenExpiredTitle' : 'alertTokenExpiringTitle',
      titleArgs: [connection.label],
      messageKey: once ? 'alertRefreshFailedOnce' : 'alertRefreshKeepsFailing',
      messageArgs: once ? [reason] : [String(failure.attempt), reason],
      actions: ['retry', 'reconnect'],
    };
  }
  return undefined;
}
