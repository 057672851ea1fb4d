import { defineExtensionMessaging } from '@webext-core/messaging';
import type { ConnectionEdit, NewConnectionInput } from './connection-input';
import type { HealthPeriod, HealthReport } from './engine/health';
import type { ExportFormat } from './engine/history-export';
import type { ImportPreview, ImportResult } from './engine/setups';
import type { AccessDecision } from './engine/access-requests';
import type {
  AccessRequest,
  ActionResult,
  ConnectionStatus,
  EditOutcome,
  HistoryCriteria,
  HistoryEvent,
  LockStatus,
  RefreshOutcome,
  StartupProblem,
  StatusSnapshot,
} from './model';
import type { Settings, SettingsResult } from './settings';

/** A page of history, newest first. */
export interface HistoryQuery extends HistoryCriteria {
  /** The last event of the previous page: the next page starts after it (ties on `at` go by id). */
  after?: { at: number; id: number };
  limit?: number;
}

/** A page of history events. */
export interface HistoryPage {
  events: HistoryEvent[];
  hasMore: boolean;
  /** The connections of these events that still exist, with their labels: rows need not wait for the status. */
  connections: Pick<ConnectionStatus, 'id' | 'label'>[];
}

/** A history export file, built in the worker so the page receives one string. */
export interface HistoryExport {
  fileName: string;
  mimeType: string;
  content: string;
  /** How many events the file holds. */
  count: number;
}

/**
 * The one protocol between the service worker and the extension's pages.
 * Pages send the first group; the worker broadcasts `statusChanged`.
 */
export interface ProtocolMap {
  /**
   * The status; while the worker cannot start, a snapshot with `problem` set (every other request
   * then rejects with {@link WorkerUnavailableError}).
   */
  getStatus(): StatusSnapshot;
  refreshNow(data: { connectionId: string }): RefreshOutcome;
  getHistory(data: HistoryQuery): HistoryPage;
  /** Every event matching the criteria as one CSV or JSON file (no secrets: history holds none). */
  exportHistory(data: { format: ExportFormat; criteria: HistoryCriteria }): HistoryExport;
  /** Deletes the whole history; returns how many events went. */
  clearHistory(): { removed: number };
  /** Health figures over the last 24 hours or 7 days. */
  getHealth(data: { period: HealthPeriod }): HealthReport;
  getSettings(): Settings;
  saveSettings(data: Partial<Settings>): SettingsResult;
  getRedirectUrl(): string;
  addConnection(data: NewConnectionInput): ActionResult<ConnectionStatus>;
  connect(data: { connectionId: string }): ActionResult<ConnectionStatus>;
  disconnect(data: { connectionId: string }): ActionResult;
  removeConnection(data: { connectionId: string }): ActionResult;
  /**
   * Changes a connection's label, client, secret, scopes or endpoints, keeping its history. Refused for a
   * managed connection. A new client, scopes or endpoints need Reconnect; a new secret is used from the
   * next refresh, and at once for a connection that failed for a configuration reason.
   */
  editConnection(data: {
    connectionId: string;
    changes: ConnectionEdit;
  }): ActionResult<EditOutcome>;
  /**
   * For this extension's own code that calls an API: a token valid for at least `minValiditySeconds`
   * (default 60), refreshed on demand through the same single flight. Never a refresh token. The popup and
   * options page never ask for it.
   */
  getAccessToken(data: {
    connectionId: string;
    minValiditySeconds?: number;
  }): ActionResult<{ accessToken: string; expiresAt: number }>;
  /** Which other extensions may get this connection's token, and this extension's own id (to share). */
  getExternalAccess(data: { connectionId: string }): { extensionId: string; allowed: string[] };
  /** Replaces the allow-list of other extensions for a connection; grants and revocations go to history. */
  setExternalAccess(data: { connectionId: string; allowed: string[] }): ActionResult<string[]>;
  /** Other extensions' requests waiting for the person (their names and reasons are claimed, untrusted). */
  getAccessRequests(): AccessRequest[];
  /**
   * Allows the requesting extension for the chosen connections (not managed ones), or declines it: a
   * declined extension's requests are refused quietly for a day.
   */
  decideAccessRequest(data: { extensionId: string; decision: AccessDecision }): ActionResult;
  /** The person's connection set-ups as one JSON file (policy `connections` entries, no secret or token). */
  exportSetups(): HistoryExport;
  /** Checks an import file entry by entry and says what it would add; writes nothing. */
  previewImport(data: { text: string }): ImportPreview;
  /** Adds every valid, new entry of an import file as a connection ready for Connect. */
  importSetups(data: { text: string }): ActionResult<ImportResult>;
  /** Revokes what it can and deletes every connection, token, setting and event. */
  wipeAllData(): ActionResult<{ connections: number }>;
  /** The passphrase lock (docs/security.md#the-lock): off, locked or unlocked, and its auto-lock. */
  getLock(): LockStatus;
  /**
   * Turns the lock on: a new data key, wrapped under a key derived from `passphrase`, re-seals every
   * secret. The passphrase travels only in this message and the ones below; it is never stored.
   */
  turnOnLock(data: { passphrase: string }): ActionResult<LockStatus>;
  /** Unlocks for this browser session; refreshes what is overdue. Wrong passphrases are rate-limited. */
  unlock(data: { passphrase: string }): ActionResult<LockStatus>;
  /** Locks now: refreshes pause and no token is handed out until the next unlock. */
  lock(): ActionResult<LockStatus>;
  /** Re-wraps the same data key under a new passphrase. */
  changePassphrase(data: { current: string; next: string }): ActionResult<LockStatus>;
  /** Turns the lock off: the data key is stored plainly again (docs/security.md#at-rest-what-the-encryption-protects). */
  removeLock(data: { passphrase: string }): ActionResult<LockStatus>;
  /** Locks after the computer has been idle this many minutes (0: never). */
  setAutoLock(data: { minutes: number }): ActionResult<LockStatus>;
  /** Worker → pages: something changed; pages re-render from the snapshot. */
  statusChanged(data: StatusSnapshot): void;
}

/** The requests pages send (everything but the worker's own broadcast). */
export type PageRequests = Omit<ProtocolMap, 'statusChanged'>;

/** The name of a page request. */
export type PageRequest = keyof PageRequests;

/** The code of every request refused because the worker could not start (pages, other extensions). */
export const WORKER_UNAVAILABLE = 'worker_unavailable';

/**
 * What a page request other than `getStatus` rejects with while the worker cannot start. Its own
 * properties cross the message boundary (the messaging library copies them), so the page gets the
 * same {@link StartupProblem} that `getStatus` puts on the snapshot.
 */
export class WorkerUnavailableError extends Error {
  override name = 'WorkerUnavailableError';
  readonly code = WORKER_UNAVAILABLE;

  constructor(readonly problem: StartupProblem) {
    super(`Token Keeper could not open its storage (${problem.reason}); it keeps retrying.`);
  }
}

/** Whether a failed request was refused because the worker could not start (works on deserialized errors). */
export function isWorkerUnavailable(error: unknown): error is { problem: StartupProblem } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === WORKER_UNAVAILABLE &&
    typeof (error as { problem?: { reason?: unknown } }).problem?.reason === 'string'
  );
}

export { LOCKED } from './model';
export type {
  AccessDecision,
  ActionResult,
  ConnectionEdit,
  EditOutcome,
  HistoryCriteria,
  NewConnectionInput,
};
export type { ExportFormat, HealthPeriod, HealthReport, ImportPreview, ImportResult };

/** Typed send/receive for the protocol. */
export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
