import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import {
  createNotificationAlerts,
  paintBadge,
  parseNotificationId,
} from '@/utils/background/alerts';
import { registerHandlers } from '@/utils/background/register';
import { createServices, type Platform } from '@/utils/background/services';
import { answerExternal, superviseServices } from '@/utils/background/service-start';
import { SWEEP_ALARM } from '@/utils/engine/scheduler';
import { sendMessage } from '@/utils/messaging';
import type { StatusSnapshot } from '@/utils/model';

/** Extension API calls reset Chrome's 30 s idle timer, so long refreshes are not cut off. */
function keepAlive<T>(work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void browser.runtime.getPlatformInfo(), 20_000);
  return work().finally(() => clearInterval(timer));
}

// Wiring only (R1, R2): every listener is registered synchronously on each worker start,
// and the engine reconciles as soon as it has started — this covers install, update, browser start
// and re-enable. A start that fails is retried with backoff; meanwhile the badge and pages say so.
export default defineBackground(() => {
  const broadcast = (snapshot: StatusSnapshot) => {
    // No page open is the normal case: nobody to tell.
    void sendMessage('statusChanged', snapshot).catch(() => undefined);
    void paintBadge(browser.action, snapshot);
  };
  const platform: Platform = {
    alarms: browser.alarms,
    authorize: async (url) => {
      const redirect = await browser.identity.launchWebAuthFlow({ url, interactive: true });
      if (!redirect) throw new Error('The consent window closed without an answer.');
      return redirect;
    },
    redirectUri: browser.identity.getRedirectURL(),
    broadcast,
    alerts: createNotificationAlerts(
      browser.notifications,
      browser.runtime.getURL('/icon/128.png'),
    ),
    isOnline: () => navigator.onLine,
    keepAlive,
    extensionId: browser.runtime.id,
    // The organisation's managed configuration (docs/admin.md); Chrome passes what public/managed_schema.json allows.
    readPolicy: () => browser.storage.managed.get(),
  };
  const startup = superviseServices({ start: () => createServices(platform), broadcast });

  browser.alarms.onAlarm.addListener((alarm) => {
    startup.whenReady(async (services) => {
      await services.scheduler.onAlarm(alarm);
      services.changed();
      // The safety net also retries a managed connection whose setup failed (discovery unreachable).
      if (alarm.name === SWEEP_ALARM) await services.applyPolicy();
    });
  });
  // A policy change applies while running: Chrome fires this some seconds after the policy changed.
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') startup.whenReady((services) => services.applyPolicy());
  });
  browser.notifications.onButtonClicked.addListener((notificationId, buttonIndex) => {
    const target = parseNotificationId(notificationId, buttonIndex);
    if (!target) return;
    void browser.notifications.clear(notificationId);
    startup.whenReady(async (services) => {
      if (target.action === 'retry')
        await services.refresher.refresh(target.connectionId, 'manual');
      else if (target.action === 'reconnect') await services.lifecycle.connect(target.connectionId);
      else await browser.runtime.openOptionsPage();
    });
  });
  browser.notifications.onClicked.addListener((notificationId) => {
    if (parseNotificationId(notificationId)) void browser.runtime.openOptionsPage();
  });
  registerHandlers(startup, browser.runtime.id);
  // Other extensions: answered only when allow-listed per connection; never a refresh token (R7).
  browser.runtime.onMessageExternal.addListener((message, sender) =>
    answerExternal(startup, message, sender.id),
  );
  startup.whenReady(async (services) => {
    await services.scheduler.reconcile();
    services.changed();
    // The policy may have changed while no worker ran.
    await services.applyPolicy();
  });
});
