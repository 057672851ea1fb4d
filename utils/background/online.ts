import type { Services } from './services';
import type { Startup } from './startup';

/** What the worker's global scope offers for the browser's connectivity events. */
export type OnlineEvents = Pick<EventTarget, 'addEventListener'>;

/**
 * The browser is back online: connections whose last attempt failed for network reasons are retried at
 * once rather than at their next planned retry (docs/reliability.md#correlated-recovery). A worker that is
 * not running misses the event; its offline re-check (every minute) covers that.
 */
export function retryWhenOnline(
  scope: OnlineEvents,
  startup: Pick<Startup<Services>, 'whenReady'>,
) {
  scope.addEventListener('online', () => {
    startup.whenReady(async (services) => {
      await services.scheduler.retryNetworkFailures();
      services.changed();
    });
  });
}
