import {
  isWorkerUnavailable,
  onMessage,
  sendMessage,
  type PageRequest,
  type PageRequests,
} from '@/utils/messaging';
import type { StatusSnapshot } from '@/utils/model';
import { t } from './i18n';
import { describeStartupProblem } from './startupProblem';

/** Called with every snapshot the worker broadcasts. */
export type StatusListener = (snapshot: StatusSnapshot) => void;

/** What the popup and options page may ask: every page request but a token (docs/security.md#what-is-protected). */
export type PageAsk = Exclude<PageRequest, 'getAccessToken'>;

/** One method per page request of the protocol, taking that request's data and answering its result. */
export type WorkerRequests = {
  [K in PageAsk]: (...data: Parameters<PageRequests[K]>) => Promise<ReturnType<PageRequests[K]>>;
};

/**
 * Everything the pages ask of the service worker, as plain async functions derived from `ProtocolMap`.
 * Apps take one as a prop, so tests hand in a fake and never need the extension runtime.
 */
export interface WorkerClient extends WorkerRequests {
  /** Subscribes to `statusChanged`; returns the unsubscribe function. */
  subscribeToStatus(listener: StatusListener): () => void;
}

// @webext-core/messaging allows one listener per message type in a page, so several
// subscribers share a single `statusChanged` listener that is added on first use.
const statusListeners = new Set<StatusListener>();
let removeStatusListener: (() => void) | undefined;

function subscribeToStatus(listener: StatusListener): () => void {
  statusListeners.add(listener);
  removeStatusListener ??= onMessage('statusChanged', ({ data }) => {
    for (const notify of statusListeners) notify(data);
  });
  return () => {
    statusListeners.delete(listener);
    if (statusListeners.size === 0) {
      removeStatusListener?.();
      removeStatusListener = undefined;
    }
  };
}

// Made on first use and kept: a page passes them on as props, and the same name gives the same function.
const senders = new Map<string, (data?: unknown) => Promise<unknown>>();

/**
 * The real client: a method per message name, each sending that typed message to the worker. The names
 * come from the type (`WorkerRequests`), so no list is kept here; methods are looked up, never copied
 * (spreading this object keeps only `subscribeToStatus`; `prefetch.ts` overrides through the prototype).
 */
export const workerClient: WorkerClient = new Proxy({ subscribeToStatus } as WorkerClient, {
  get(target, name, receiver) {
    // `then` stays absent, so the client is never taken for a promise.
    if (typeof name !== 'string' || name === 'then' || Object.hasOwn(target, name))
      return Reflect.get(target, name, receiver);
    let send = senders.get(name);
    if (!send) {
      send = (data) => sendMessage(name as PageAsk, data as never);
      senders.set(name, send);
    }
    return send;
  },
});

// What Chrome and @webext-core/messaging say when no worker answered (as opposed to an error the
// worker's handler threw, whose message is already meant for the person).
const UNREACHABLE =
  /receiving end does not exist|could not establish connection|message port closed|^no response$|extension context invalidated/i;

/**
 * A sentence for a message that failed: the worker's own words, that it could not be reached, or —
 * when it could not start — the same sentence as the status banner.
 */
export function describeSendError(error: unknown, now: number = Date.now()): string {
  if (isWorkerUnavailable(error)) return describeStartupProblem(error.problem, now);
  const detail = errorDetail(error);
  if (detail === '') return t('workerFailedSilently');
  return UNREACHABLE.test(detail) ? t('workerUnreachable', detail) : detail;
}

/** Whether no worker answered at all (Chrome may be stopping or starting it): worth asking again. */
export function isUnreachable(error: unknown): boolean {
  return !isWorkerUnavailable(error) && UNREACHABLE.test(errorDetail(error));
}

function errorDetail(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}
