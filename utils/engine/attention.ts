import type { MessageKey } from '../i18n';
import { tokenAtRisk } from '../attention';
import type { Connection } from '../model';

// The rule itself is shared with the pages (utils/attention.ts); re-exported for the engine's callers.
export { badgeFor, needsAttention, tokenAtRisk } from '../attention';

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
  // The same "at risk" as the badge's (utils/attention.ts): expired, or expiring before the next attempt.
  if (tokenAtRisk(connection, now)) {
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
