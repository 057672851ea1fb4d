import { attentionLevel, type AttentionInput } from '@/utils/attention';
import { t } from './i18n';

// The rule lives once, in utils/attention.ts (the badge reads it too); this file only words it.

/** The popup's tone: red when something needs the person, amber while only retrying, green, or neutral. */
export type SummaryTone = 'attention' | 'retrying' | 'ok' | 'neutral';

/** The tone of the popup's first line (and its dot). */
export function summaryTone(connections: readonly AttentionInput[], now: number): SummaryTone {
  const levels = connections.map((c) => attentionLevel(c, now));
  if (levels.includes('attention')) return 'attention';
  if (levels.includes('retrying')) return 'retrying';
  // Green only when every connection is healthy; "1 not connected" is neither good nor alarming.
  return connections.every((c) => c.state === 'healthy' || c.state === 'refreshing')
    ? 'ok'
    : 'neutral';
}

/** The popup's one-line answer to "are my connections healthy?". */
export function summarize(connections: readonly AttentionInput[], now: number): string {
  const total = connections.length;
  if (total === 0) return t('summaryEmpty');
  const levels = connections.map((c) => attentionLevel(c, now));
  const attention = levels.filter((level) => level === 'attention').length;
  const retrying = levels.filter((level) => level === 'retrying').length;
  const first =
    attention === 0
      ? ''
      : attention === 1
        ? t('summaryOneNeedsAttention')
        : t('summaryNeedAttention', attention);
  const notConnected = connections.filter((c) => c.state === 'new').length;
  const healthy = total - attention - retrying - notConnected;
  if (attention === 0 && healthy === total)
    return total === 1 ? t('summaryOneHealthy') : t('summaryAllHealthy', total);
  if (attention > 0 && retrying === 0) return first;
  // A connection retrying with a valid token is counted apart: nothing is at risk yet.
  const parts = [
    first,
    attention === 0 && healthy > 0 ? t('summaryPartHealthy', healthy) : '',
    retrying > 0 ? t('summaryPartRetrying', retrying) : '',
    attention === 0 && notConnected > 0 ? t('summaryPartNotConnected', notConnected) : '',
  ];
  return parts.filter((part) => part !== '').join(t('listSeparator'));
}
