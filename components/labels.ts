import type {
  ConnectionStatus,
  HistoryKind,
  ProviderKind,
  RefreshTrigger,
  ShownState,
} from '@/utils/model';
import { t, type MessageKey } from './i18n';

/** The message naming each connection state on its pill. */
const STATE_KEYS: Record<ShownState, MessageKey> = {
  new: 'stateNew',
  healthy: 'stateHealthy',
  refreshing: 'stateRefreshing',
  retrying: 'stateRetrying',
  'needs-reconnect': 'stateNeedsReconnect',
};

/** How a connection state reads on its pill. */
export function stateLabel(state: ShownState): string {
  return t(STATE_KEYS[state]);
}

/** The colour family of a state's pill; the CSS owns the actual colours for light and dark. */
export type StateTone = 'ok' | 'busy' | 'warn' | 'bad' | 'muted';

/** Which tone each state is drawn in. */
export const STATE_TONES: Record<ShownState, StateTone> = {
  new: 'muted',
  healthy: 'ok',
  refreshing: 'busy',
  retrying: 'warn',
  'needs-reconnect': 'bad',
};

const PROVIDER_KEYS: Record<ProviderKind, MessageKey> = {
  custom: 'providerCustom',
  jira: 'providerJira',
  google: 'providerGoogle',
};

/** A provider's name as a person knows it. */
export function providerLabel(provider: ProviderKind): string {
  return t(PROVIDER_KEYS[provider]);
}

/** Where a connection lives, under its label: "Jira Cloud · alice@example.com". */
export function connectionWhere(
  connection: Pick<ConnectionStatus, 'provider' | 'account'>,
): string {
  return [providerLabel(connection.provider), connection.account].filter(Boolean).join(' · ');
}

const KIND_KEYS: Record<HistoryKind, MessageKey> = {
  connected: 'kindConnected',
  refreshed: 'kindRefreshed',
  'refresh-failed': 'kindRefreshFailed',
  'retry-scheduled': 'kindRetryScheduled',
  'needs-reconnect': 'kindNeedsReconnect',
  disconnected: 'kindDisconnected',
  recovered: 'kindRecovered',
  'access-requested': 'kindAccessRequested',
  'access-granted': 'kindAccessGranted',
  'access-denied': 'kindAccessDenied',
  'access-revoked': 'kindAccessRevoked',
  'token-issued': 'kindTokenIssued',
  'policy-added': 'kindPolicyAdded',
  'policy-changed': 'kindPolicyChanged',
  'policy-removed': 'kindPolicyRemoved',
  'policy-invalid': 'kindPolicyInvalid',
  edited: 'kindEdited',
  imported: 'kindImported',
};

/** Every history kind, in the order the filter lists them. */
export const HISTORY_KINDS = Object.keys(KIND_KEYS) as HistoryKind[];

/** A history event kind in words. */
export function kindLabel(kind: HistoryKind): string {
  return t(KIND_KEYS[kind]);
}

const TRIGGER_KEYS: Record<RefreshTrigger, MessageKey> = {
  alarm: 'triggerAlarm',
  sweep: 'triggerSweep',
  manual: 'triggerManual',
  'on-demand': 'triggerOnDemand',
  startup: 'triggerStartup',
};

/** What caused a refresh, in words. */
export function triggerLabel(trigger: RefreshTrigger): string {
  return t(TRIGGER_KEYS[trigger]);
}
