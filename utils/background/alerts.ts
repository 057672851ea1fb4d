import { browser } from 'wxt/browser';
import type { Alert, AlertAction } from '../engine/attention';
import { badgeFor } from '../engine/attention';
import type { AccessRequestAlerts } from '../engine/access-requests';
import type { AlertSink } from '../engine/refresher';
import type { MessageKey, MessageLookup } from '../i18n';
import type { AccessRequest, StatusSnapshot } from '../model';

/** The parts of `browser.notifications` used here. */
export interface NotificationsApi {
  create(
    id: string,
    options: {
      type: 'basic';
      iconUrl: string;
      title: string;
      message: string;
      buttons?: { title: string }[];
      requireInteraction?: boolean;
    },
  ): Promise<string>;
  clear(id: string): Promise<boolean>;
  getAll(): Promise<Record<string, unknown>>;
}

/** The parts of `browser.action` used for the badge and its tooltip. */
export interface BadgeApi {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

/** The badge's colour while the worker cannot start (the red of "needs reconnect"). */
export const START_FAILED_BADGE_COLOR = '#c5221f';

/** The badge's colour while the passphrase lock is closed (neutral grey: expected, not a failure). */
export const LOCKED_BADGE_COLOR = '#5f6368';

const BUTTON_TITLES: Record<AlertAction, MessageKey> = {
  retry: 'alertButtonRetry',
  reconnect: 'alertButtonReconnect',
  open: 'alertButtonOpen',
};

// WXT types getMessage with the keys it last generated; `MessageKey` already checks ours.
const browserLookup: MessageLookup = (key, substitutions) =>
  (browser.i18n.getMessage as MessageLookup)(key, substitutions) ?? '';

const PREFIX = 'token-keeper';

/** A notification id that carries the connection and the meaning of each button (the worker keeps no memory). */
export function notificationId(connectionId: string, actions: AlertAction[]): string {
  return `${PREFIX}|${connectionId}|${actions.join(',')}`;
}

/** Reads back what a notification (and optionally one of its buttons) stands for. */
export function parseNotificationId(
  id: string,
  buttonIndex?: number,
): { connectionId: string; action: AlertAction } | undefined {
  const [prefix, connectionId, list] = id.split('|');
  if (prefix !== PREFIX || !connectionId || list === undefined) return undefined;
  const actions = list.split(',') as AlertAction[];
  const action = buttonIndex === undefined ? 'open' : actions[buttonIndex];
  return action ? { connectionId, action } : undefined;
}

/**
 * Browser notifications per connection, one per failure streak, in the browser's language; cleared on recovery.
 * Not interactive (Firefox: no buttons, no `requireInteraction`), the text says that a click opens the
 * connection, where its actions are.
 */
export function createNotificationAlerts(
  notifications: NotificationsApi,
  iconUrl: string,
  /** Where the words come from; tests pass the English catalog. */
  lookup: MessageLookup = browserLookup,
  options: { interactive: boolean } = { interactive: true },
): AlertSink {
  // A missing message shows its key rather than an empty notification.
  const text = (key: MessageKey, args: string[] = []) => lookup(key, args) || key;
  const shownIds = new Map<string, string>();
  return {
    async show(connection, alert: Alert) {
      const id = notificationId(connection.id, alert.actions);
      shownIds.set(connection.id, id);
      const message = text(alert.messageKey, alert.messageArgs);
      await notifications.create(id, {
        type: 'basic',
        iconUrl,
        title: text(alert.titleKey, alert.titleArgs),
        ...(options.interactive
          ? {
              message,
              buttons: alert.actions.map((action) => ({ title: text(BUTTON_TITLES[action]) })),
              requireInteraction: true,
            }
          : { message: `${message}\n${text('alertClickToOpen')}` }),
      });
    },
    async clear(connectionId) {
      // After a worker restart the id is unknown: clear every variant this connection may have had.
      const candidates = new Set([
        shownIds.get(connectionId),
        notificationId(connectionId, ['reconnect']),
        notificationId(connectionId, ['open']),
        notificationId(connectionId, ['retry', 'reconnect']),
      ]);
      shownIds.delete(connectionId);
      await Promise.all(
        [...candidates].filter((id): id is string => !!id).map((id) => notifications.clear(id)),
      );
    },
    async clearAll() {
      shownIds.clear();
      const shown = Object.keys(await notifications.getAll());
      await Promise.all(shown.map((id) => notifications.clear(id)));
    },
  };
}

const ACCESS_PREFIX = 'token-keeper-access';

/** The notification of one extension's access request (one per extension, as the requests are). */
export function accessRequestNotificationId(extensionId: string): string {
  return `${ACCESS_PREFIX}|${extensionId}`;
}

/** Whether a notification is an access request's (a click opens the list of requests). */
export function isAccessRequestNotification(id: string): boolean {
  return id.startsWith(`${ACCESS_PREFIX}|`);
}

/**
 * A notification per access request: the id the browser reported, the name only as claimed (plain text:
 * notifications render no markup). No buttons: the person decides in the options page, where the whole
 * request and the connections are (docs/security.md#against-whom).
 */
export function createAccessRequestAlerts(
  notifications: NotificationsApi,
  iconUrl: string,
  /** Where the words come from; tests pass the English catalog. */
  lookup: MessageLookup = browserLookup,
): AccessRequestAlerts {
  const text = (key: MessageKey, args: string[] = []) => lookup(key, args) || key;
  return {
    async show(request: AccessRequest) {
      await notifications.create(accessRequestNotificationId(request.extensionId), {
        type: 'basic',
        iconUrl,
        title: text('accessAlertTitle'),
        message: text('accessAlertMessage', [
          request.claimedName,
          request.extensionId,
          request.reason,
        ]),
      });
    },
    async clear(extensionId) {
      await notifications.clear(accessRequestNotificationId(extensionId));
    },
  };
}

/**
 * Paints the toolbar badge and its tooltip from a status snapshot: a red "!" saying why while the
 * worker cannot start, "LOCK" while the passphrase lock is closed, otherwise the count of connections
 * needing attention under the plain name.
 */
export async function paintBadge(
  badge: BadgeApi,
  snapshot: StatusSnapshot,
  /** Where the words come from; tests pass the English catalog. */
  lookup: MessageLookup = browserLookup,
): Promise<void> {
  const text = (key: MessageKey, args: string[] = []) => lookup(key, args) || key;
  const paint = snapshot.problem
    ? {
        text: '!',
        color: START_FAILED_BADGE_COLOR,
        title: text('badgeStartFailed', [snapshot.problem.reason]),
      }
    : snapshot.lock === 'locked'
      ? { text: text('badgeLockedText'), color: LOCKED_BADGE_COLOR, title: text('badgeLocked') }
      : { ...badgeFor(snapshot.connections, snapshot.now), title: text('extName') };
  await badge.setBadgeBackgroundColor({ color: paint.color });
  await badge.setBadgeText({ text: paint.text });
  await badge.setTitle({ title: paint.title });
}
