import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { registerHandlers } from '@/utils/background/register';
import { createServices } from '@/utils/background/services';
import { sendMessage } from '@/utils/messaging';

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
    // No page open is the normal case: nobody to tell.
    broadcast: (snapshot) => void sendMessage('statusChanged', snapshot).catch(() => undefined),
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    void ready.then((services) => services.scheduler.onAlarm(alarm));
  });
  registerHandlers(ready, browser.runtime.id);
  void ready.then((services) => services.scheduler.reconcile());
});
