import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Alert } from '@/utils/engine/attention';
import {
  accessRequestNotificationId,
  createAccessRequestAlerts,
  createNotificationAlerts,
  isAccessRequestNotification,
  paintBadge,
  parseNotificationId,
  type BadgeApi,
  type NotificationsApi,
} from '@/utils/background/alerts';
import { browserFeatures } from '@/utils/background/browser-features';
import { problemSnapshot } from '@/utils/background/service-start';
import type { Connection, ConnectionStatus, StatusSnapshot } from '@/utils/model';
import { englishLookup } from '../components/catalog';

const ICON = 'chrome-extension://id/icon/128.png';
const connection = { id: 'c1', label: 'Work Jira' } as Connection;

const expired: Alert = {
  titleKey: 'alertTokenExpiredTitle',
  titleArgs: ['Work Jira'],
  messageKey: 'alertRefreshKeepsFailing',
  messageArgs: ['4', 'The token endpoint could not be reached.'],
  actions: ['retry', 'reconnect'],
};

function recordingNotifications() {
  const created: { id: string; options: Parameters<NotificationsApi['create']>[1] }[] = [];
  const shown = new Set<string>();
  const api: NotificationsApi = {
    create: async (id, options) => {
      created.push({ id, options });
      shown.add(id);
      return id;
    },
    clear: async (id) => shown.delete(id),
    getAll: async () => Object.fromEntries([...shown].map((id) => [id, true])),
  };
  return { api, created, shown };
}

describe('createAccessRequestAlerts', () => {
  const request = {
    extensionId: 'abcdefghijklmnopabcdefghijklmnop',
    claimedName: 'Jira helper',
    reason: 'Shows your issues',
    requestedAt: 0,
    status: 'pending' as const,
  };

  it('shows the id the browser reported and the name only as claimed, without buttons', async () => {
    const notifications = recordingNotifications();
    const alerts = createAccessRequestAlerts(notifications.api, ICON, englishLookup);

    await alerts.show(request);

    expect(notifications.created).toEqual([
      {
        id: accessRequestNotificationId(request.extensionId),
        options: {
          type: 'basic',
          iconUrl: ICON,
          title: 'An extension asks for your tokens',
          message:
            'An extension calling itself "Jira helper" (id abcdefghijklmnopabcdefghijklmnop) asks: "Shows your issues". Open Token Keeper\'s options to allow or deny it.',
        },
      },
    ]);
  });

  it('takes the notification back once the request is answered, and is told apart from connection alerts', async () => {
    const notifications = recordingNotifications();
    const alerts = createAccessRequestAlerts(notifications.api, ICON, englishLookup);
    await alerts.show(request);

    await alerts.clear(request.extensionId);

    const id = accessRequestNotificationId(request.extensionId);
    expect(notifications.shown.size).toBe(0);
    expect(isAccessRequestNotification(id)).toBe(true);
    expect(parseNotificationId(id)).toBeUndefined();
  });
});

describe('createNotificationAlerts', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('clears every notification it or an earlier worker showed (Remove all data)', async () => {
    const notifications = recordingNotifications();
    const alerts = createNotificationAlerts(notifications.api, ICON, englishLookup);
    await alerts.show(connection, expired);
    await alerts.show({ ...connection, id: 'c2' } as Connection, expired);
    notifications.shown.add('token-keeper|c3|open');

    await alerts.clearAll!();

    expect([...notifications.shown]).toEqual([]);
  });

  it('shows the alert in words from the catalog, buttons included', async () => {
    const notifications = recordingNotifications();
    const alerts = createNotificationAlerts(notifications.api, ICON, englishLookup);

    await alerts.show(connection, expired);

    expect(notifications.created).toEqual([
      {
        id: 'token-keeper|c1|retry,reconnect',
        options: {
          type: 'basic',
          iconUrl: ICON,
          title: 'Work Jira: token expired',
          message:
            'Refreshing keeps failing (4 attempts): The token endpoint could not be reached.',
          buttons: [{ title: 'Retry now' }, { title: 'Reconnect' }],
          requireInteraction: true,
        },
      },
    ]);
  });

  it('shows neither buttons nor requireInteraction where the browser rejects them (Firefox), and says a click opens the connection', async () => {
    const notifications = recordingNotifications();
    const alerts = createNotificationAlerts(notifications.api, ICON, englishLookup, {
      interactive: false,
    });

    await alerts.show(connection, expired);

    expect(notifications.created).toEqual([
      {
        id: 'token-keeper|c1|retry,reconnect',
        options: {
          type: 'basic',
          iconUrl: ICON,
          title: 'Work Jira: token expired',
          message:
            'Refreshing keeps failing (4 attempts): The token endpoint could not be reached.\n' +
            'Click to open this connection in Token Keeper.',
        },
      },
    ]);
    expect(parseNotificationId(notifications.created[0]!.id)).toEqual({
      connectionId: 'c1',
      action: 'open',
    });
  });

  it("asks the browser's i18n by default, and shows a key the locale lacks rather than nothing", async () => {
    const getMessage = vi
      .spyOn(fakeBrowser.i18n, 'getMessage')
      .mockImplementation((key: string, args?: string | string[]) =>
        key === 'alertTokenExpiredTitle' ? `Abgelaufen: ${String(args)}` : '',
      );
    const notifications = recordingNotifications();
    const alerts = createNotificationAlerts(notifications.api, ICON);

    await alerts.show(connection, { ...expired, actions: ['open'] });

    expect(getMessage).toHaveBeenCalledWith('alertTokenExpiredTitle', ['Work Jira']);
    expect(notifications.created[0]?.options).toMatchObject({
      title: 'Abgelaufen: Work Jira',
      message: 'alertRefreshKeepsFailing',
      buttons: [{ title: 'alertButtonOpen' }],
    });
  });
});

/** A toolbar button that remembers the last of each paint. */
function recordingBadge() {
  const painted: { text?: string; color?: string; title?: string } = {};
  const api: BadgeApi = {
    setBadgeText: async ({ text }) => void (painted.text = text),
    setBadgeBackgroundColor: async ({ color }) => void (painted.color = color),
    setTitle: async ({ title }) => void (painted.title = title),
  };
  return { api, painted };
}

describe('browserFeatures', () => {
  it.each([
    { browser: 'chrome', expected: { interactiveNotifications: true } },
    { browser: 'edge', expected: { interactiveNotifications: true } },
    { browser: 'firefox', expected: { interactiveNotifications: false } },
  ])('$browser → $expected', ({ browser, expected }) => {
    expect(browserFeatures(browser)).toEqual(expected);
  });
});

describe('paintBadge', () => {
  const NOW = Date.UTC(2026, 10, 22, 12);
  const failing = problemSnapshot(
    { reason: 'QuotaExceededError', attempts: 3, failedAt: NOW, retryAt: NOW + 4000 },
    NOW,
  );
  const retrying = { state: 'retrying', expiresAt: NOW - 1 } as ConnectionStatus;
  const recovered: StatusSnapshot = { now: NOW + 5000, enabled: true, connections: [retrying] };

  it('warns with a red "!" and says why in the tooltip while the worker cannot start', async () => {
    const badge = recordingBadge();

    await paintBadge(badge.api, failing, englishLookup);

    expect(badge.painted).toEqual({
      text: '!',
      color: '#c5221f',
      title: 'Token Keeper could not start and is retrying: QuotaExceededError',
    });
  });

  it('is painted normally again, under the plain name, once the worker has started', async () => {
    const badge = recordingBadge();

    await paintBadge(badge.api, failing, englishLookup);
    await paintBadge(badge.api, recovered, englishLookup);

    expect(badge.painted).toEqual({ text: '1', color: '#b06000', title: 'Token Keeper' });
  });

  it('shows LOCK in grey, and says how to unlock, while the passphrase lock is closed', async () => {
    const badge = recordingBadge();
    const locked: StatusSnapshot = { ...recovered, lock: 'locked' };

    await paintBadge(badge.api, locked, englishLookup);

    expect(badge.painted).toEqual({
      text: 'LOCK',
      color: '#5f6368',
      title: 'Token Keeper is locked: open it and enter the passphrase',
    });
  });
});
