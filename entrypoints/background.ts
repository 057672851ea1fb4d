import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import {
  createNotificationAlerts,
  paintBadge,
  parseNotificationId,
} from '@/utils/background/alerts';
import { registerHandlers } from '@/utils/background/register';
import { createServices, type Services } from '@/utils/background/services';
import { sendMessage } from '@/utils/messaging';

/** Extension API calls reset Chrome's 30 s idle timer, so long refreshes are not cut off. */
function keepAlive<T>(work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void browser.runtime.getPlatformInfo(), 20_000);
  return work().finally(() => clearInterval(timer));
}

// Wiring only (R1, R2): every listener is registered synchronously on each worker start,
// and the engine reconciles right away — this covers install, update, browser start and re-enable.
export default defineBackground(() => {
  const ready = createServices({
    alarms: browser.alarms,
    authorize: async (url) => {
      const redirect = await browser.identity.launchWebAuthFlow({ url, interactive: true });
      if (!redirect) throw new Error('The consent window closed without an answer.');
      return redirect;
    },
    redirectUri: browser.identity.getRedirectURL(),
    broadcast: (snapshot) => {
      // No page open is the normal case: nobody to tell.
      void sendMessage('statusChanged', snapshot).catch(() => undefined);
      void paintBadge(browser.action, snapshot);
    },
    alerts: createNotificationAlerts(
      browser.notifications,
      browser.runtime.getURL('/icon/128.png'),
    ),
    isOnline: () => navigator.onLine,
    keepAlive,
    extensionId: browser.runtime.id,
  });
  const withServices = (task: (services: Services) => Promise<unknown>) =>
    void ready
      .then(task)
      .catch((error: unknown) => console.error('Token Keeper worker task failed', error));

  browser.alarms.onAlarm.addListener((alarm) => {
    withServices(async (services) => {
      await services.scheduler.onAlarm(alarm);
      services.changed();
    });
  });
  browser.notifications.onButtonClicked.addListener((notificationId, buttonIndex) => {
    const target = parseNotificationId(notificationId, buttonIndex);
    if (!target) return;
    void browser.notifications.clear(notificationId);
    withServices(async (services) => {
      if (target.action === 'retry')
        await services.refresher.refresh(target.connectionId, 'manual');
      else if (target.action === 'reconnect') await services.lifecycle.connect(target.connectionId);
      else await browser.runtime.openOptionsPage();
    });
  });
  browser.notifications.onClicked.addListener((notificationId) => {
    if (parseNotificationId(notificationId)) void browser.runtime.openOptionsPage();
  });
  registerHandlers(ready, browser.runtime.id);
  // Other extensions: answered only when allow-listed per connection; never a refresh token (R7).
  browser.runtime.onMessageExternal.addListener((message, sender) =>
    ready.then((services) => services.access.answerExternal(message, sender.id)),
  );
  withServices(async (services) => {
    await services.scheduler.reconcile();
    services.changed();
  });
});
