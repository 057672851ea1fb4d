// Section 3, page side: the popup and the options page's History section in Chromium, with the extension's
// own IndexedDB seeded from an extension page. Times are read in the page with `performance.now()`, whose
// zero is the start of the navigation: "first render" is the moment the first connection (or history row) is in
// the DOM, noticed by a MutationObserver installed before any page script runs. The measured tab says so
// on its console; nothing is evaluated in it before then, and no page of ours runs in another tab meanwhile
// (extension pages share one renderer thread).
import type { Page } from 'playwright-core';
import {
  launchExtension,
  stopServiceWorkers,
  type ExtensionBrowser,
} from '../../test/support/chromium';
import { inPageDb } from '../../test/support/page-db';
import { STATUS_MIRROR_ITEM } from '../../utils/status-mirror';
import type { Connection, HistoryEvent } from '../../utils/model';
import { DB_VERSION } from '../../utils/store/db';
import { EMPTY_PAGE, SCRIPTED_EMPTY_PAGE } from './build';
import { timeMessages } from './page-messages';
import { median } from './stats';
import { needingReconnect, syntheticConnections, syntheticHistory } from './synthetic';

/** Page figures at scale (ms, medians over the repeats). */
export interface PagesAtScale {
  repeats: number;
  /**
   * An empty extension page, loaded before each popup and History load: the moment its one element is in
   * the DOM. The budgets judge the pages by their time over it.
   */
  emptyPageMs: number;
  /**
   * For context, not judged: the same empty page with its element drawn by a module script, which costs any
   * page with a script (the script's fetch, its context) before a line of its own runs.
   */
  scriptedEmptyPageMs: number;
  popup: {
    connections: number;
    /** The app's first element. */
    shellMs: number;
    /** When the page's own script ran its first line (its styles are in the head). */
    scriptMs: number;
    /** In the loads: when the head's script asked for the mirrored status, and when it had it. */
    mirrorSentMs: number;
    mirrorReplyMs: number;
    /** The `getStatus` round trip, timed alone from a page. */
    statusMs: number;
    /** In the loads: when the popup sent `getStatus` (after its first frame, with a mirror), and had the answer. */
    statusSentMs: number;
    statusReplyMs: number;
    firstCardMs: number;
    allCardsMs: number;
  };
  history: {
    connections: number;
    events: number;
    shellMs: number;
    /** Round trips timed alone from a page: the status (every connection), and the first page. */
    statusMs: number;
    firstPageMs: number;
    /** In the loads: when the page sent `getHistory` (its first page) and had the answer. */
    pageSentMs: number;
    pageReplyMs: number;
    /** In the loads: when the page sent `getStatus`, and when the answer arrived. */
    statusSentMs: number;
    statusReplyMs: number;
    firstRowMs: number;
    /** From the filter's change event until every row shown belongs to the chosen connection. */
    connectionFilterMs: number;
    /** From the filter's change event until every row shown is a failure. */
    outcomeFilterMs: number;
  };
  /** What Chromium's quota manager reports for the extension's storage, before and after seeding. */
  storage: { baselineBytes: number; seededBytes: number };
}

/** Seeds 50 connections, times the popup; seeds up to 1,000 and 100,000 events, times the History section. */
export async function measurePagesAtScale(
  extensionDir: string,
  options: { popupConnections: number; connections: number; events: number; repeats: number },
): Promise<PagesAtScale> {
  const browser = await launchExtension({ extensionDir, headless: true });
  try {
    // tsx (esbuild) wraps named inner functions in `__name(…)`; the page needs it when they are sent there.
    await browser.context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
    await browser.context.addInitScript(recordFirstRender);
    const base = `chrome-extension://${browser.extensionId}`;
    const seeder = await browser.context.newPage();
    await seeder.goto(`${base}/options.html`);
    // The worker creates the database when the page first asks for the status.
    await seeder.locator('h1').waitFor();
    await waitForDatabase(seeder);
    // From here the seeder is an empty page: the options page, left open, would re-render its cards every
    // second on the renderer thread the measured pages share.
    await seeder.goto(`${base}/${EMPTY_PAGE}`);
    const baselineBytes = await storageUsage(seeder);

    const now = Date.now();
    // One in 25 needs a reconnect: the popup draws those as full cards first, the calm rest as rows.
    const all = syntheticConnections(options.connections, now).map((connection, i) =>
      i % 25 === 12 ? needingReconnect(connection, now - 3_600_000) : connection,
    );
    await putAll(seeder, 'connections', all.slice(0, options.popupConnections));
    await restartWorker(browser, seeder, options.popupConnections);
    const smallStatus = await timeMessages(seeder, 'getStatus', undefined, options.repeats);
    const popupRuns: PageMarks[] = [];
    const emptyRuns: PageMarks[] = [];
    const scriptedRuns: PageMarks[] = [];
    const empty = async () => {
      emptyRuns.push(await loadAndMark(browser, `${base}/${EMPTY_PAGE}`, 'shell', 1));
      scriptedRuns.push(await loadAndMark(browser, `${base}/${SCRIPTED_EMPTY_PAGE}`, 'shell', 1));
    };
    for (let i = 0; i < options.repeats; i += 1) {
      await empty();
      const marks = await loadAndMark(
        browser,
        `${base}/popup.html`,
        'card',
        options.popupConnections,
      );
      popupRuns.push(marks);
    }

    await putAll(seeder, 'connections', all.slice(options.popupConnections));
    const events = syntheticHistory(
      all.map((c) => c.id),
      options.events,
      now,
    );
    for (let i = 0; i < events.length; i += 20_000) {
      await putAll(seeder, 'history', events.slice(i, i + 20_000));
    }
    await restartWorker(browser, seeder, all.length);
    const seededBytes = await storageUsage(seeder);
    const bigStatus = await timeMessages(seeder, 'getStatus', undefined, options.repeats);
    const firstPage = await timeMessages(seeder, 'getHistory', { limit: 50 }, options.repeats);
    const chosen = mostFrequent(events);
    const historyRuns: (PageMarks & { byConnection: number; byOutcome: number })[] = [];
    for (let i = 0; i < options.repeats; i += 1) {
      await empty();
      const page = await browser.context.newPage();
      const marks = await loadAndMark(browser, `${base}/options.html#history`, 'row', 1, page);
      const byConnection = await timeFilter(page, '#history-connection', chosen, {
        attribute: 'connectionId',
        value: chosen,
      });
      const byOutcome = await timeFilter(page, '#history-outcome', 'failed', {
        attribute: 'ok',
        value: 'false',
      });
      await page.close();
      historyRuns.push({ ...marks, byConnection, byOutcome });
    }
    return {
      repeats: options.repeats,
      emptyPageMs: median(emptyRuns.map((r) => r.all)),
      scriptedEmptyPageMs: median(scriptedRuns.map((r) => r.all)),
      popup: {
        connections: options.popupConnections,
        shellMs: median(popupRuns.map((r) => r.shell)),
        scriptMs: median(popupRuns.map((r) => r.script)),
        mirrorSentMs: median(popupRuns.map((r) => r.mirrorSent)),
        mirrorReplyMs: median(popupRuns.map((r) => r.mirrorReply)),
        statusMs: median(smallStatus),
        statusSentMs: median(popupRuns.map((r) => r.statusSent)),
        statusReplyMs: median(popupRuns.map((r) => r.statusReply)),
        firstCardMs: median(popupRuns.map((r) => r.first)),
        allCardsMs: median(popupRuns.map((r) => r.all)),
      },
      history: {
        connections: all.length,
        events: events.length,
        shellMs: median(historyRuns.map((r) => r.shell)),
        statusMs: median(bigStatus),
        pageSentMs: median(historyRuns.map((r) => r.pageSent)),
        pageReplyMs: median(historyRuns.map((r) => r.pageReply)),
        statusSentMs: median(historyRuns.map((r) => r.statusSent)),
        statusReplyMs: median(historyRuns.map((r) => r.statusReply)),
        firstPageMs: median(firstPage),
        firstRowMs: median(historyRuns.map((r) => r.first)),
        connectionFilterMs: median(historyRuns.map((r) => r.byConnection)),
        outcomeFilterMs: median(historyRuns.map((r) => r.byOutcome)),
      },
      storage: { baselineBytes, seededBytes },
    };
  } finally {
    await browser.close();
  }
}

/**
 * Runs in every page before its scripts: notes when the first `[data-testid=connection-card]` and
 * `[data-testid=history-row]` appear, and when `window.__benchExpected` of them are there.
 */
function recordFirstRender(): void {
  const marks: Record<string, number> = {};
  (globalThis as unknown as { __benchMarks: Record<string, number> }).__benchMarks = marks;
  const selectors = {
    shell: '#app > *',
    // The pages' scripts put their styles in the head first thing (components/styles.ts).
    script: 'head > style',
    // Every connection the popup draws: a full card, or a row for a calm one (components/popupLayout.ts).
    card: '[data-testid="connection-card"], [data-testid="connection-row"]',
    row: '[data-testid="history-row"]',
  };
  const check = () => {
    const scope = globalThis as unknown as { __benchExpected?: number; __benchAwaited?: string };
    const expected = scope.__benchExpected ?? 1;
    for (const [name, selector] of Object.entries(selectors)) {
      const count = document.querySelectorAll(selector).length;
      if (count > 0 && marks[name] === undefined) marks[name] = performance.now();
      if (count >= expected && marks[`${name}:all`] === undefined) {
        marks[`${name}:all`] = performance.now();
        // MARKS_READY (an init script cannot see the module's constants).
        if (name === scope.__benchAwaited) console.debug('bench: marks ready');
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  type SendMessage = (...args: unknown[]) => unknown;
  type Get = (...args: unknown[]) => Promise<unknown>;
  const api = (
    globalThis as unknown as {
      chrome?: { runtime?: { sendMessage: SendMessage }; storage?: { session?: { get: Get } } };
    }
  ).chrome;
  // When the page first reads the mirrored status (utils/status-mirror.ts), and when it has it.
  const session = api?.storage?.session;
  if (session) {
    const get = session.get.bind(session);
    session.get = (...args: unknown[]) => {
      marks['sent:mirror'] ??= performance.now();
      const read = get(...args);
      void read.then(() => (marks['reply:mirror'] ??= performance.now()));
      return read;
    };
  }
  // When the page first asks the worker for each kind of message, and when the answer comes back.
  const runtime = api?.runtime;
  if (!runtime) return;
  const send = runtime.sendMessage.bind(runtime);
  runtime.sendMessage = (...args: unknown[]) => {
    const type = (args[0] as { type?: unknown } | undefined)?.type;
    const last = args.length - 1;
    const callback = args[last];
    if (typeof type === 'string' && marks[`sent:${type}`] === undefined) {
      marks[`sent:${type}`] = performance.now();
      if (typeof callback === 'function') {
        args[last] = (...reply: unknown[]) => {
          marks[`reply:${type}`] ??= performance.now();
          return (callback as (...a: unknown[]) => unknown)(...reply);
        };
      }
    }
    return send(...args);
  };
}

/** Times in one page load (ms since navigation start). */
interface PageMarks {
  shell: number;
  /** When the page's own script ran (its first line adds the styles). */
  script: number;
  /** When the page started reading the mirrored status, and when it had it. */
  mirrorSent: number;
  mirrorReply: number;
  /** When the page sent its first `getHistory` and when the answer arrived. */
  pageSent: number;
  pageReply: number;
  /** When the page sent its first `getStatus` and when the answer arrived. */
  statusSent: number;
  statusReply: number;
  first: number;
  all: number;
}

/** What the measured tab logs once the marks of the awaited kind are complete. */
const MARKS_READY = 'bench: marks ready';

/** Opens `url` (in `page` or a new tab) and waits for the marks of `name`; closes a tab it opened. */
async function loadAndMark(
  browser: ExtensionBrowser,
  url: string,
  name: 'card' | 'row' | 'shell',
  expected: number,
  page?: Page,
): Promise<PageMarks> {
  const tab = page ?? (await browser.context.newPage());
  await tab.addInitScript(
    ({ count, awaited }) => {
      const scope = globalThis as unknown as { __benchExpected: number; __benchAwaited: string };
      scope.__benchExpected = count;
      scope.__benchAwaited = awaited;
    },
    { count: expected, awaited: name },
  );
  // Told by the page itself: polling it (waitForFunction) would run Playwright's scripts on the same
  // thread while the page is still rendering.
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${url}: no ${name} within 30 s.`)), 30_000);
    tab.on('console', (message) => {
      if (message.text() !== MARKS_READY) return;
      clearTimeout(timer);
      resolve();
    });
  });
  await tab.goto(url, { waitUntil: 'commit' });
  await ready;
  // Read afterwards (the popup's first frame may come before the worker's answer, whose time is noted too).
  const handle = await tab.waitForFunction(
    (key) => {
      const marks = (globalThis as unknown as { __benchMarks: Record<string, number> })
        .__benchMarks;
      const asked = marks['sent:getStatus'] !== undefined;
      return asked && marks['reply:getStatus'] === undefined
        ? false
        : {
            shell: marks.shell ?? Number.NaN,
            script: marks.script ?? Number.NaN,
            mirrorSent: marks['sent:mirror'] ?? Number.NaN,
            mirrorReply: marks['reply:mirror'] ?? Number.NaN,
            pageSent: marks['sent:getHistory'] ?? Number.NaN,
            pageReply: marks['reply:getHistory'] ?? Number.NaN,
            statusSent: marks['sent:getStatus'] ?? Number.NaN,
            statusReply: marks['reply:getStatus'] ?? Number.NaN,
            first: marks[key]!,
            all: marks[`${key}:all`]!,
          };
    },
    name,
    { timeout: 30_000 },
  );
  const marks = (await handle.jsonValue()) as PageMarks;
  if (!page) await tab.close();
  return marks;
}

/**
 * Changes a filter `<select>` and returns the time (ms) until the rows shown all satisfy `expect`
 * (a `data-*` attribute value), as the page sees it.
 */
async function timeFilter(
  page: Page,
  selector: string,
  value: string,
  expect: { attribute: string; value: string },
): Promise<number> {
  return page.evaluate(
    ({ selector, value, expect }) =>
      new Promise<number>((resolve, reject) => {
        const select = document.querySelector<HTMLSelectElement>(selector);
        if (!select) {
          reject(new Error(`No ${selector} on the page.`));
          return;
        }
        const done = () => {
          const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="history-row"]')];
          return (
            rows.length > 0 && rows.every((row) => row.dataset[expect.attribute] === expect.value)
          );
        };
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if (!done()) return;
          observer.disconnect();
          resolve(performance.now() - started);
        });
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
        select.value = value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
        setTimeout(() => {
          observer.disconnect();
          reject(new Error(`The ${selector} filter did not apply within 10 s.`));
        }, 10_000);
      }),
    { selector, value, expect },
  );
}

/**
 * Restarts the worker after records were written behind its back, and waits until its mirrored status
 * (utils/messaging.ts) lists `connections`: as after any change the worker makes itself, the next page
 * finds the same state in the mirror as in the database.
 */
async function restartWorker(
  browser: ExtensionBrowser,
  page: Page,
  connections: number,
): Promise<void> {
  await stopServiceWorkers(browser);
  // Any message wakes it; its start reconciles, then broadcasts (and mirrors) the status.
  await timeMessages(page, 'getStatus', undefined, 1);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mirrored = await page.evaluate(async (item) => {
      const area = (
        globalThis as unknown as {
          chrome: { storage: { session: { get(key: string): Promise<Record<string, unknown>> } } };
        }
      ).chrome.storage.session;
      const text = (await area.get(item))[item];
      return typeof text === 'string'
        ? ((JSON.parse(text) as { connections?: unknown[] }).connections?.length ?? -1)
        : -1;
    }, STATUS_MIRROR_ITEM);
    if (mirrored === connections) return;
    if (Date.now() > deadline) {
      throw new Error(`The worker mirrored ${mirrored} connections, not ${connections}, in 30 s.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the worker has created the database at its current version (never creates it here). */
async function waitForDatabase(page: Page): Promise<void> {
  // Polled from here: waitForFunction takes an async predicate's promise for a truthy answer at once.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const version = await page.evaluate(
      async () =>
        (await indexedDB.databases()).find((d) => d.name === 'token-keeper')?.version ?? 0,
    );
    // Listed while its upgrade still runs (version 0): only the finished upgrade has the stores.
    if (version >= DB_VERSION) return;
    if (Date.now() > deadline) throw new Error('The worker did not create its database in 30 s.');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Writes records into a store of the extension's database in one transaction. */
async function putAll(
  page: Page,
  store: 'connections' | 'history',
  records: Connection[] | HistoryEvent[],
): Promise<void> {
  await inPageDb(page, {
    stores: [store],
    mode: 'readwrite',
    work: (tx, rows: unknown[]) => {
      const target = tx.objectStore(tx.objectStoreNames[0]!);
      for (const row of rows) target.put(row);
      return () => undefined;
    },
    arg: records as unknown[],
  });
}

/** What `navigator.storage.estimate()` reports as used by the extension's origin (bytes). */
async function storageUsage(page: Page): Promise<number> {
  return page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
}

/** The connection with the most events (its filter shows a full page). */
function mostFrequent(events: HistoryEvent[]): string {
  const counts = new Map<string, number>();
  for (const event of events)
    counts.set(event.connectionId, (counts.get(event.connectionId) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}
