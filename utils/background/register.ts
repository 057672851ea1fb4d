import { onMessage } from '../messaging';
import { createHandlers, isOwnPage, type PageRequests, type Sender } from './handlers';
import type { Services } from './services';

/** Registers every page-request handler synchronously; each waits for the services it needs. */
export function registerHandlers(ready: Promise<Services>, extensionId: string): void {
  const handlers = ready.then(createHandlers);
  const types = [
    'getStatus',
    'refreshNow',
    'getHistory',
    'exportHistory',
    'clearHistory',
    'getHealth',
    'getSettings',
    'saveSettings',
    'getRedirectUrl',
    'addConnection',
    'connect',
    'disconnect',
    'removeConnection',
    'getAccessToken',
  ] as const satisfies readonly (keyof PageRequests)[];
  for (const type of types) {
    onMessage(type, async (message) => {
      if (!isOwnPage(message.sender as Sender, extensionId)) {
        throw new Error('Token Keeper answers only its own pages.');
      }
      const handler = (await handlers)[type] as (data: unknown) => Promise<never>;
      return handler(message.data);
    });
  }
}
