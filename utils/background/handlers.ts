import type { PageRequest, PageRequests } from '../messaging';
import { parseRequest, toHistoryFilter, type RequestInput } from './request-schemas';
import type { Services } from './services';

/** Who sent a message, as the browser reports it. */
export interface Sender {
  id?: string;
  url?: string;
}

/** A handler per page request, taking the unvalidated data a page sent. */
export type Handlers = {
  [K in PageRequest]: (data: unknown) => Promise<ReturnType<PageRequests[K]>>;
};

/** What each page request does with data that passed its schema. */
type PageHandlers = {
  [K in PageRequest]: (
    services: Services,
    input: RequestInput<K>,
  ) => Promise<ReturnType<PageRequests[K]>>;
};

/**
 * Every page request, translated to one services call: the one list of them (docs/architecture.md#messages).
 * A request without a handler, or a handler without a request, does not compile.
 */
export const pageHandlers = {
  getStatus: (services) => services.snapshot(),
  refreshNow: (services, { connectionId }) => services.refresher.refresh(connectionId, 'manual'),
  getHistory: (services, query) => services.historyPage(toHistoryFilter(query)),
  exportHistory: (services, { criteria, format }) => services.exportHistory(criteria, format),
  clearHistory: async (services) => ({ removed: await services.clearHistory() }),
  getHealth: (services, { period }) => services.health(period),
  getSettings: (services) => services.getSettings(),
  saveSettings: (services, change) => services.saveSettings(change),
  getRedirectUrl: async (services) => services.redirectUri,
  addConnection: (services, input) => services.addConnection(input),
  connect: (services, { connectionId }) => services.connect(connectionId),
  disconnect: (services, { connectionId }) => services.lifecycle.disconnect(connectionId),
  removeConnection: (services, { connectionId }) => services.lifecycle.remove(connectionId),
  editConnection: (services, { connectionId, changes }) =>
    services.lifecycle.edit(connectionId, changes),
  getAccessToken: (services, { connectionId, minValiditySeconds }) =>
    services.accessToken(connectionId, minValiditySeconds ?? 60),
  getExternalAccess: async (services, { connectionId }) => ({
    extensionId: services.extensionId,
    allowed: await services.access.allowed(connectionId),
  }),
  setExternalAccess: (services, { connectionId, allowed }) =>
    services.access.setAllowed(connectionId, allowed),
  getAccessRequests: (services) => services.access.requests.pending(),
  decideAccessRequest: (services, { extensionId, decision }) =>
    services.access.requests.decide(extensionId, decision),
  exportSetups: (services) => services.exportSetups(),
  previewImport: (services, { text }) => services.previewImport(text),
  importSetups: (services, { text }) => services.importSetups(text),
  wipeAllData: async (services) => ({ ok: true, value: await services.wipe() }),
  getLock: (services) => services.lock.status(),
  turnOnLock: (services, { passphrase }) => services.lock.turnOn(passphrase),
  unlock: (services, { passphrase }) => services.lock.unlock(passphrase),
  lock: (services) => services.lock.lock(),
  changePassphrase: (services, { current, next }) => services.lock.changePassphrase(current, next),
  removeLock: (services, { passphrase }) => services.removeLock(passphrase),
  setAutoLock: (services, { minutes }) => services.lock.setAutoLock(minutes),
} satisfies PageHandlers;

/** The page requests the worker answers: the handlers' own keys, so registration cannot miss one. */
export const PAGE_REQUESTS = Object.keys(pageHandlers) as PageRequest[];

/** One function per page request, made from its name: the engine's handlers, or the refusals of a failed start. */
export function handlersOf(handler: (type: PageRequest) => (data: unknown) => Promise<unknown>) {
  return Object.fromEntries(PAGE_REQUESTS.map((type) => [type, handler(type)])) as Handlers;
}

/** Builds the page-request handlers on the services; each validates its data first (R8). */
export function createHandlers(services: Services): Handlers {
  return handlersOf((type) => bind(services, type));
}

/** Request `type`'s handler on `services`, behind the schema of the same name. */
function bind<K extends PageRequest>(services: Services, type: K) {
  const handler: PageHandlers[K] = pageHandlers[type];
  return async (data: unknown) => handler(services, parseRequest(type, data));
}

/**
 * This extension as a sender check sees it: its id, and the base URL of its pages
 * (`runtime.getURL('/')`). Chromium's page host is the id; Firefox's is a per-profile UUID.
 */
export interface OwnExtension {
  id: string;
  baseUrl: string;
}

/** R7: only this extension's own pages may talk to the worker; content scripts and web pages may not. */
export function isOwnPage(sender: Sender, self: OwnExtension): boolean {
  if (sender.id !== self.id || typeof sender.url !== 'string') return false;
  const page = URL.parse(sender.url);
  const own = URL.parse(self.baseUrl);
  return (
    page !== null &&
    own !== null &&
    /^(chrome|moz|ms-browser)-extension:$/.test(page.protocol) &&
    page.protocol === own.protocol &&
    page.host === own.host
  );
}
