import { onMessage, type PageRequest } from '../messaging';
import {
  isOwnPage,
  PAGE_REQUESTS,
  type Handlers,
  type OwnExtension,
  type Sender,
} from './handlers';
import { handlersFor } from './service-start';
import type { Services } from './services';
import type { Startup } from './startup';

/**
 * Registers every page-request handler synchronously; each waits until the start's state is known,
 * then runs on the services, or answers with the start's problem while it fails.
 */
export function registerHandlers(
  startup: Startup<Services>,
  self: OwnExtension,
  now: () => number = Date.now,
): void {
  const dispatch = createDispatcher(handlersFor(startup, now), self);
  for (const type of PAGE_REQUESTS) {
    onMessage(
      type,
      (message) => dispatch(type, message.data, message.sender as Sender) as Promise<never>,
    );
  }
}

/**
 * Answers one page request: refuses any sender but this extension's own pages (R7), then runs the
 * handler that `handlers` gives for this moment.
 */
export function createDispatcher(handlers: () => Promise<Handlers>, self: OwnExtension) {
  return async (type: PageRequest, data: unknown, sender: Sender): Promise<unknown> => {
    if (!isOwnPage(sender, self)) throw new Error('Token Keeper answers only its own pages.');
    const handler = (await handlers())[type] as (data: unknown) => Promise<unknown>;
    return handler(data);
  };
}
