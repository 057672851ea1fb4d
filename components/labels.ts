import type { ConnectionState, HistoryKind, ProviderKind, RefreshTrigger } from '@/utils/model';

/** How each connection state reads on its pill. */
export const STATE_LABELS: Record<ConnectionState, string> = {
  new: 'Not connected',
  healthy: 'Healthy',
  refreshing: 'Refreshing',
  retrying: 'Retrying',
  'needs-reconnect': 'Needs reconnect',
  disabled: 'Disabled',
};

/** The colour family of a state's pill; the CSS owns the actual colours for light and dark. */
export type StateTone = 'ok' | 'busy' | 'warn' | 'bad' | 'muted';

/** Which tone each state is drawn in. */
export const STATE_TONES: Record<ConnectionState, StateTone> = {
  new: 'muted',
  healthy: 'ok',
  refreshing: 'busy',
  retrying: 'warn',
  'needs-reconnect': 'bad',
  disabled: 'muted',
};

/** Provider names as a person knows them. */
export const PROVIDER_LABELS: Record<ProviderKind, string> = {
  custom: 'Custom OAuth 2.0 / OpenID Connect',
  jira: 'Jira Cloud',
  google: 'Google',
};

/** History event kinds in words. */
export const HISTORY_KIND_LABELS: Record<HistoryKind, string> = {
  connected: 'Connected',
  refreshed: 'Refreshed',
  'refresh-failed': 'Refresh failed',
  'retry-scheduled': 'Retry scheduled',
  'needs-reconnect': 'Needs reconnect',
  disconnected: 'Disconnected',
  recovered: 'Recovered',
  'access-granted': 'Access granted',
  'access-revoked': 'Access revoked',
  'token-issued': 'Token handed out',
};

/** What caused a refresh, in words. */
export const TRIGGER_LABELS: Record<RefreshTrigger, string> = {
  alarm: 'Schedule',
  sweep: 'Safety check',
  manual: 'Manual',
  'on-demand': 'On demand',
  startup: 'Startup',
};
