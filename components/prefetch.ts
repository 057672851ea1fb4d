import type { HistoryPage, HistoryQuery } from '@/utils/messaging';
import type { StatusSnapshot } from '@/utils/model';
import type { WorkerClient } from './workerClient';

/**
 * A client whose first `getStatus` was sent when it was made, before the page's first render: the
 * worker's round trip overlaps the page start instead of waiting for the first effect to run.
 */
export function withPrefetchedStatus<C extends Pick<WorkerClient, 'getStatus'>>(client: C): C {
  const early: Promise<StatusSnapshot> = client.getStatus();
  // Nobody may be listening yet; a failure is reported when the page asks for it.
  early.catch(() => undefined);
  const takeEarly = once(early);
  return overriding(client, {
    getStatus: () => takeEarly() ?? client.getStatus(),
  } as Partial<C>);
}

/** How long `getStatus` waits for the first page of history at most (it never holds the page up longer). */
export const HISTORY_FIRST_WAIT_MS = 1_000;

/**
 * A client for a page opened on its History section: the first page (`firstQuery`) is asked for when the
 * client is made, before the section's code has loaded, and handed to the section's first identical
 * request. `getStatus` (every connection: the largest read the worker makes, which its storage would
 * serve first) waits until that page is answered, at most {@link HISTORY_FIRST_WAIT_MS}. The page carries
 * its rows' labels, so the rows need nothing else (docs/architecture.md#page-start).
 */
export function withHistoryFirst<C extends Pick<WorkerClient, 'getStatus' | 'getHistory'>>(
  client: C,
  firstQuery: HistoryQuery,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
): C {
  const early: Promise<HistoryPage> = client.getHistory(firstQuery);
  const takeEarly = once(early);
  // Answered or refused, the status may go then.
  const takeStatusWait = once(
    Promise.race([early.catch(() => undefined), sleep(HISTORY_FIRST_WAIT_MS)]),
  );
  return overriding(client, {
    getHistory: (query) => {
      const prefetched = takeEarly();
      return prefetched && sameQuery(query, firstQuery) ? prefetched : client.getHistory(query);
    },
    getStatus: async () => {
      const wait = takeStatusWait();
      if (wait) await wait;
      return client.getStatus();
    },
  } as Partial<C>);
}

/** `value` to the first caller only; every later call gets nothing (an early answer is used once). */
function once<T>(value: T): () => T | undefined {
  let left: T | undefined = value;
  return () => {
    const taken = left;
    left = undefined;
    return taken;
  };
}

/** `client` with some methods replaced; the others are looked up on it, as the real client makes them. */
function overriding<C extends object>(client: C, methods: Partial<C>): C {
  return Object.assign(Object.create(client) as C, methods);
}

function sameQuery(a: HistoryQuery, b: HistoryQuery): boolean {
  const key = (query: HistoryQuery) => JSON.stringify(Object.entries(query).sort());
  return key(a) === key(b);
}
