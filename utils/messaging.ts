import { defineExtensionMessaging } from '@webext-core/messaging';
import type { NewConnectionInput } from './connection-input';
import type {
  ConnectionStatus,
  HistoryEvent,
  RefreshOutcome,
  StatusSnapshot,
  StoredError,
} from './model';
import type { Settings, SettingsResult } from './settings';

/** A page of history, newest first. */
export interface HistoryQuery {
  connectionId?: string;
  /** Only events strictly older than this (epoch ms) — the cursor for the next page. */
  before?: number;
  limit?: number;
}

/** A page of history events. */
export interface HistoryPage {
  events: HistoryEvent[];
  hasMore: boolean;
}

/** The outcome of an action that can fail with a user-facing reason. */
export type ActionResult<T = undefined> =
  { ok: true; value: T } | { ok: false; error: StoredError };

/**
 * The one protocol between the service worker and the extension's pages.
 * Pages send the first group; the worker broadcasts `statusChanged`.
 */
export interface ProtocolMap {
  getStatus(): StatusSnapshot;
  refreshNow(data: { connectionId: string }): RefreshOutcome;
  getHistory(data: HistoryQuery): HistoryPage;
  getSettings(): Settings;
  saveSettings(data: Partial<Settings>): SettingsResult;
  getRedirectUrl(): string;
  addConnection(data: NewConnectionInput): ActionResult<ConnectionStatus>;
  connect(data: { connectionId: string }): ActionResult<ConnectionStatus>;
  disconnect(data: { connectionId: string }): ActionResult;
  removeConnection(data: { connectionId: string }): ActionResult;
  /**
   * For this extension's own code that calls an API: a token valid for at least `minValiditySeconds`
   * (default 60), refreshed on demand through the same single flight. Never a refresh token. The popup and
   * options page never ask for it.
   */
  getAccessToken(data: {
    connectionId: string;
    minValiditySeconds?: number;
  }): ActionResult<{ accessToken: string; expiresAt: number }>;
  /** Worker → pages: something changed; pages re-render from the snapshot. */
  statusChanged(data: StatusSnapshot): void;
}

export type { NewConnectionInput };

/** Typed send/receive for the protocol. */
export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
