import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Alert } from '@/utils/engine/attention';
import { createNotificationAlerts, type NotificationsApi } from '@/utils/background/alerts';
import type { Connection } from '@/utils/model';
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
  const api: NotificationsApi = {
    create: async (id, options) => {
      created.push({ id, options });
      return id;
    },
    clear: async () => true,
  };
  return { api, created };
}

describe('createNotificationAlerts', () => {
  afterEach(() => {
    vi.restoreAllMocks();
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
