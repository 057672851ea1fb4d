import type { ConnectionStatus } from '@/utils/model';
import { t } from './i18n';

/** The fields that decide whether a connection needs the person. */
export type AttentionInput = Pick<ConnectionStatus, 'state' | 'expiresAt'>;

/**
 * Whether a connection needs the person's attention: failing, waiting for a reconnect, or connected
 * with an expired token. The same rule as the toolbar badge, so the popup's count matches it.
 */
export function needsAttention(connection: AttentionInput, now: number): boolean {
  if (connection.state === 'needs-reconnect' || connection.state === 'retrying') return true;
  return (
    connection.state === 'healthy' && connection.expiresAt !== null && connection.expiresAt <= now
  );
}

/** The popup's one-line answer to "are my connections healthy?". */
export function summarize(connections: readonly AttentionInput[], now: number): string {
  const total = connections.length;
  if (total === 0) return t('summaryEmpty');
  const attention = connections.filter((c) => needsAttention(c, now)).length;
  if (attention > 0) {
    return attention === 1 ? t('summaryOneNeedsAttention') : t('summaryNeedAttention', attention);
  }
  const notConnected = connections.filter((c) => c.state === 'new').length;
  const disabled = connections.filter((c) => c.state === 'disabled').length;
  const healthy = total - notConnected - disabled;
  if (healthy === total)
    return total === 1 ? t('summaryOneHealthy') : t('summaryAllHealthy', total);
  const parts = [
    healthy > 0 ? t('summaryPartHealthy', healthy) : '',
    notConnected > 0 ? t('summaryPartNotConnected', notConnected) : '',
    disabled > 0 ? t('summaryPartDisabled', disabled) : '',
  ];
  return parts.filter((part) => part !== '').join(t('listSeparator'));
}
