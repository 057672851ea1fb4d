import {
  isWorkerUnavailable,
  onMessage,
  type AccessDecision,
  sendMessage,
  type ActionResult,
  type ConnectionEdit,
  type EditOutcome,
  type ExportFormat,
  type HealthPeriod,
  type HealthReport,
  type HistoryCriteria,
  type HistoryExport,
  type HistoryPage,
  type HistoryQuery,
  type ImportPreview,
  type ImportResult,
  type NewConnectionInput,
} from '@/utils/messaging';
import type {
  AccessRequest,
  ConnectionStatus,
  LockStatus,
  RefreshOutcome,
  StatusSnapshot,
} from '@/utils/model';
import type { Settings, SettingsResult } from '@/utils/settings';
import { t } from './i18n';
import { describeStartupProblem } from './startupProblem';

/** Called with every snapshot the worker broadcasts. */
export type StatusListener = (snapshot: StatusSnapshot) => void;

/**
 * Everything the pages ask of the service worker, as plain async functions.
 * Apps take one as a prop, so tests hand in a fake and never need the extension runtime.
 */
export interface WorkerClient {
  getStatus(): Promise<StatusSnapshot>;
  /** Subscribes to `statusChanged`; returns the unsubscribe function. */
  subscribeToStatus(listener: StatusListener): () => void;
  refreshNow(connectionId: string): Promise<RefreshOutcome>;
  getHistory(query: HistoryQuery): Promise<HistoryPage>;
  exportHistory(format: ExportFormat, criteria: HistoryCriteria): Promise<HistoryExport>;
  clearHistory(): Promise<{ removed: number }>;
  getHealth(period: HealthPeriod): Promise<HealthReport>;
  getSettings(): Promise<Settings>;
  saveSettings(change: Partial<Settings>): Promise<SettingsResult>;
  getRedirectUrl(): Promise<string>;
  addConnection(input: NewConnectionInput): Promise<ActionResult<ConnectionStatus>>;
  connect(connectionId: string): Promise<ActionResult<ConnectionStatus>>;
  disconnect(connectionId: string): Promise<ActionResult>;
  removeConnection(connectionId: string): Promise<ActionResult>;
  editConnection(connectionId: string, changes: ConnectionEdit): Promise<ActionResult<EditOutcome>>;
  getExternalAccess(connectionId: string): Promise<{ extensionId: string; allowed: string[] }>;
  setExternalAccess(connectionId: string, allowed: string[]): Promise<ActionResult<string[]>>;
  getAccessRequests(): Promise<AccessRequest[]>;
  decideAccessRequest(extensionId: string, decision: AccessDecision): Promise<ActionResult>;
  wipeAllData(): Promise<ActionResult<{ connections: number }>>;
  getLock(): Promise<LockStatus>;
  turnOnLock(passphrase: string): Promise<ActionResult<LockStatus>>;
  unlock(passphrase: string): Promise<ActionResult<LockStatus>>;
  lock(): Promise<ActionResult<LockStatus>>;
  changePassphrase(current: string, next: string): Promise<ActionResult<LockStatus>>;
  removeLock(passphrase: string): Promise<ActionResult<LockStatus>>;
  setAutoLock(minutes: number): Promise<ActionResult<LockStatus>>;
  exportSetups(): Promise<HistoryExport>;
  previewImport(text: string): Promise<ImportPreview>;
  importSetups(text: string): Promise<ActionResult<ImportResult>>;
}

// @webext-core/messaging allows one listener per message type in a page, so several
// subscribers share a single `statusChanged` listener that is added on first use.
const statusListeners = new Set<StatusListener>();
let removeStatusListener: (() => void) | undefined;

function subscribeToStatus(listener: StatusListener): () => void {
  statusListeners.add(listener);
  removeStatusListener ??= onMessage('statusChanged', ({ data }) => {
    for (const notify of statusListeners) notify(data);
  });
  return () => {
    statusListeners.delete(listener);
    if (statusListeners.size === 0) {
      removeStatusListener?.();
      removeStatusListener = undefined;
    }
  };
}

/** The real client: typed messages to the service worker. */
export const workerClient: WorkerClient = {
  getStatus: () => sendMessage('getStatus'),
  subscribeToStatus,
  refreshNow: (connectionId) => sendMessage('refreshNow', { connectionId }),
  getHistory: (query) => sendMessage('getHistory', query),
  exportHistory: (format, criteria) => sendMessage('exportHistory', { format, criteria }),
  clearHistory: () => sendMessage('clearHistory'),
  getHealth: (period) => sendMessage('getHealth', { period }),
  getSettings: () => sendMessage('getSettings'),
  saveSettings: (change) => sendMessage('saveSettings', change),
  getRedirectUrl: () => sendMessage('getRedirectUrl'),
  addConnection: (input) => sendMessage('addConnection', input),
  connect: (connectionId) => sendMessage('connect', { connectionId }),
  disconnect: (connectionId) => sendMessage('disconnect', { connectionId }),
  removeConnection: (connectionId) => sendMessage('removeConnection', { connectionId }),
  editConnection: (connectionId, changes) =>
    sendMessage('editConnection', { connectionId, changes }),
  getExternalAccess: (connectionId) => sendMessage('getExternalAccess', { connectionId }),
  setExternalAccess: (connectionId, allowed) =>
    sendMessage('setExternalAccess', { connectionId, allowed }),
  getAccessRequests: () => sendMessage('getAccessRequests'),
  decideAccessRequest: (extensionId, decision) =>
    sendMessage('decideAccessRequest', { extensionId, decision }),
  wipeAllData: () => sendMessage('wipeAllData'),
  getLock: () => sendMessage('getLock'),
  turnOnLock: (passphrase) => sendMessage('turnOnLock', { passphrase }),
  unlock: (passphrase) => sendMessage('unlock', { passphrase }),
  lock: () => sendMessage('lock'),
  changePassphrase: (current, next) => sendMessage('changePassphrase', { current, next }),
  removeLock: (passphrase) => sendMessage('removeLock', { passphrase }),
  setAutoLock: (minutes) => sendMessage('setAutoLock', { minutes }),
  exportSetups: () => sendMessage('exportSetups'),
  previewImport: (text) => sendMessage('previewImport', { text }),
  importSetups: (text) => sendMessage('importSetups', { text }),
};

// What Chrome and @webext-core/messaging say when no worker answered (as opposed to an error the
// worker's handler threw, whose message is already meant for the person).
const UNREACHABLE =
  /receiving end does not exist|could not establish connection|message port closed|^no response$|extension context invalidated/i;

/**
 * A sentence for a message that failed: the worker's own words, that it could not be reached, or —
 * when it could not start — the same sentence as the status banner.
 */
export function describeSendError(error: unknown, now: number = Date.now()): string {
  if (isWorkerUnavailable(error)) return describeStartupProblem(error.problem, now);
  const detail = (error instanceof Error ? error.message : String(error)).trim();
  if (detail === '') return t('workerFailedSilently');
  return UNREACHABLE.test(detail) ? t('workerUnreachable', detail) : detail;
}
