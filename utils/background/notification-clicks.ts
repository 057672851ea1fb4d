/**
 * What a click on one of Token Keeper's notifications does (docs/architecture.md#firefox): a button runs
 * its action on the started services; the notification itself opens the connection's card (or, for
 * another extension's access request, the connections section where requests are listed).
 */
import { optionsPath } from '../options-link';
import { isAccessRequestNotification, parseNotificationId } from './alerts';
import type { Services } from './services';

/** What the click handlers need from the browser and the worker's start. */
export interface NotificationClickDeps {
  /** Runs work once the services have started (the supervisor's `whenReady`). */
  whenReady: (task: (services: Services) => Promise<unknown>) => void;
  /** Closes the clicked notification (`notifications.clear`). */
  clear: (notificationId: string) => Promise<unknown>;
  openOptionsPage: () => Promise<unknown>;
  /** Opens an extension page, e.g. `options.html#connections/<id>`, in a new tab. */
  openPage: (path: `/options.html${string}`) => Promise<unknown>;
}

/** The listeners for `notifications.onButtonClicked` and `notifications.onClicked`. */
export function notificationClicks(deps: NotificationClickDeps) {
  return {
    onButtonClicked(notificationId: string, buttonIndex: number): void {
      const target = parseNotificationId(notificationId, buttonIndex);
      if (!target) return;
      void deps.clear(notificationId);
      deps.whenReady(async (services) => {
        if (target.action === 'retry')
          await services.refresher.refresh(target.connectionId, 'manual');
        else if (target.action === 'reconnect')
          await services.lifecycle.connect(target.connectionId);
        else await deps.openOptionsPage();
      });
    },
    // The notification itself opens the connection's card, where its actions are (Firefox shows no buttons).
    onClicked(notificationId: string): void {
      // An access request: the list of requests heads the connections section.
      if (isAccessRequestNotification(notificationId)) {
        void deps.clear(notificationId);
        void deps.openPage(optionsPath());
        return;
      }
      const target = parseNotificationId(notificationId);
      if (!target) return;
      void deps.clear(notificationId);
      void deps.openPage(optionsPath(target.connectionId));
    },
  };
}
