import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import {
  createAccessRequestAlerts,
  createNotificationAlerts,
  paintBadge,
} from '@/utils/background/alerts';
import { browserFeatures } from '@/utils/background/browser-features';
import { detectionIntervalSec, lockWhenIdle } from '@/utils/background/idle-lock';
import { notificationClicks } from '@/utils/background/notification-clicks';
import { retryWhenOnline } from '@/utils/background/online';
import { registerHandlers } from '@/utils/background/register';
import { createServices, type Platform } from '@/utils/background/services';
import {
  answerExternal,
  connectExternal,
  superviseServices,
} from '@/utils/background/service-start';
import { SWEEP_ALARM } from '@/utils/engine/scheduler';
import { sessionKeyStore } from '@/utils/background/session-keys';
import { sendMessage } from '@/utils/messaging';
import { mirrorStatus } from '@/utils/status-mirror';
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
  const features = browserFeatures(import.meta.env.BROWSER);
  const changed = (snapshot: StatusSnapshot) => {
    // No page open is the normal case: nobody to tell.
    void sendMessage('statusChanged', snapshot).catch(() => undefined);
    // Kept for the next page to open: its first frame need not wait for this worker (docs/architecture.md#status-mirror).
    void mirrorStatus(browser.storage.session, snapshot).catch(() => undefined);
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
    changed,
    alerts: createNotificationAlerts(
      browser.notifications,
      browser.runtime.getURL('/icon/128.png'),
      undefined,
      { interactive: features.interactiveNotifications },
    ),
    accessAlerts: createAccessRequestAlerts(
      browser.notifications,
      browser.runtime.getURL('/icon/128.png'),
    ),
    isOnline: () => navigator.onLine,
    keepAlive,
    extensionId: browser.runtime.id,
    releaseOrigins: async (origins) => {
      await browser.permissions.remove({ origins });
    },
    requiredOrigins: browser.runtime.getManifest().host_permissions ?? [],
    // The organisation's managed configuration (docs/admin.md); Chrome passes what public/managed_schema.json allows.
    readPolicy: () => browser.storage.managed.get(),
    // The unlocked key for this browser session: in memory, never on disk (docs/security.md#the-lock).
    sessionKeys: sessionKeyStore(browser.storage.session),
    onAutoLockChange: (minutes) => browser.idle.setDetectionInterval(detectionIntervalSec(minutes)),
  };
  const startup = superviseServices({ start: () => createServices(platform), changed });

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
  const clicks = notificationClicks({
    whenReady: (task) => startup.whenReady(task),
    clear: (notificationId) => browser.notifications.clear(notificationId),
    openOptionsPage: () => browser.runtime.openOptionsPage(),
    openPage: (path) => browser.tabs.create({ url: browser.runtime.getURL(path) }),
  });
  browser.notifications.onButtonClicked.addListener(clicks.onButtonClicked);
  browser.notifications.onClicked.addListener(clicks.onClicked);
  // Back online: what failed for network reasons is retried at once, not at its next planned retry.
  retryWhenOnline(self, startup);
  // Firefox starts an event page with the browser only when it listens for onStartup, and keeps no alarms
  // across a restart: without this nothing would re-arm the refresh until a page is opened.
  browser.runtime.onStartup.addListener(() => undefined);
  browser.idle.onStateChanged.addListener((state) => {
    startup.whenReady((services) => lockWhenIdle(services.lock, state));
  });
  registerHandlers(startup, { id: browser.runtime.id, baseUrl: browser.runtime.getURL('/') });
  // Other extensions: answered only when allow-listed per connection; never a refresh token (R7).
  browser.runtime.onMessageExternal.addListener((message, sender) =>
    answerExternal(startup, message, sender.id),
  );
  // Their event ports: only for extensions allowed a connection, and only its events (docs/integration.md#events).
  browser.runtime.onConnectExternal.addListener((port) => void connectExternal(startup, port));
  startup.whenReady(async (services) => {
    const lock = await services.lock.status();
    if (lock.autoLockMin > 0)
      browser.idle.setDetectionInterval(detectionIntervalSec(lock.autoLockMin));
    await services.scheduler.reconcile();
    services.changed();
    // The policy may have changed while no worker ran.
    await services.applyPolicy();
  });
});
