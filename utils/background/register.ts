import { onMessage } from '../messaging';
import {
  createHandlers,
  isOwnPage,
  type Handlers,
  type PageRequests,
  type Sender,
} from './handlers';
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
    'getExternalAccess',
    'setExternalAccess',
    'wipeAllData',
  ] as const satisfies readonly (keyof PageRequests)[];
  const dispatch = createDispatcher(handlers, extensionId);
  for (const type of types) {
    onMessage(
      type,
      (message) => dispatch(type, message.data, message.sender as Sender) as Promise<never>,
    );
  }
}

/** Answers one page request: refuses any sender but this extension's own pages (R7), then runs the handler. */
export function createDispatcher(handlers: Promise<Handlers>, extensionId: string) {
  return async (type: keyof PageRequests, data: unknown, sender: Sender): Promise<unknown> => {
    if (!isOwnPage(sender, extensionId))
      throw new Error('Token Keeper answers only its own pages.');
    const handler = (await handlers)[type] as (data: unknown) => Promise<unknown>;
    return handler(data);
  };
}
