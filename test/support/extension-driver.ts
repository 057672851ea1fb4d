import type { Page } from 'playwright-core';
import type { Connection, Endpoints, HistoryEvent } from '../../utils/model';
import { DEMO_CLIENT_ID } from './auth-server';
import type { ExtensionBrowser } from './chromium';
import { approveInPage } from './emulators/consent';
import { pointConnectionAt } from './emulators/override';
import { completeConsentInPage } from './headless-consent';
import { pageDbScript } from './page-db';
import { pollUntil } from './poll';

/** What an outside observer may read of the extension's database: no secrets store. */
export interface ObservedState {
  connections: Connection[];
  events: HistoryEvent[];
}

/** Opens the options page, optionally with the add-connection form prefilled from `prefill`. */
export async function openOptions(
  browser: ExtensionBrowser,
  prefill: Record<string, string> = {},
): Promise<Page> {
  const page = await browser.context.newPage();
  const query = new URLSearchParams(prefill).toString();
  await page.goto(
    `chrome-extension://${browser.extensionId}/options.html${query ? `?${query}` : ''}`,
  );
  return page;
}

/** Presses "Add connection" on the (prefilled) form and waits for the new card. */
export async function addConnection(page: Page, label: string): Promise<string> {
  await page.getByRole('button', { name: 'Add connection' }).click();
  const card = page.locator('[data-testid="connection-card"]', { hasText: label }).first();
  await card.waitFor({ timeout: 15_000 });
  const id = await card.getAttribute('data-connection-id');
  if (!id) throw new Error('The new connection card has no data-connection-id.');
  return id;
}

/** A connection the demo authorization server at `issuer` serves, added from a prefilled options page. */
export async function addDemoConnection(
  browser: ExtensionBrowser,
  issuer: string,
  label: string,
  scopes = 'openid offline_access',
): Promise<{ page: Page; connectionId: string }> {
  const page = await openOptions(browser, { label, issuer, clientId: DEMO_CLIENT_ID, scopes });
  return { page, connectionId: await addConnection(page, label) };
}

/** {@link addDemoConnection}, then connected through the consent window. */
export async function connectDemoConnection(
  browser: ExtensionBrowser,
  issuer: string,
  label: string,
  scopes?: string,
): Promise<{ page: Page; connectionId: string }> {
  const added = await addDemoConnection(browser, issuer, label, scopes);
  await connectWithConsent(browser, added.page, added.connectionId);
  return added;
}

/** Presses Connect on a card, approves in the consent window and waits until the card is healthy. */
export function connectWithConsent(
  browser: ExtensionBrowser,
  page: Page,
  connectionId: string,
  login = 'demo',
): Promise<void> {
  return connectThrough(browser, page, connectionId, (window) =>
    completeConsentInPage(window, login),
  );
}

/** Presses Connect on a card, consents in the window that opens with `consent`, waits until healthy. */
async function connectThrough(
  browser: ExtensionBrowser,
  page: Page,
  connectionId: string,
  consent: (window: Page) => Promise<void>,
): Promise<void> {
  const consentWindow = browser.context.waitForEvent('page', { timeout: 30_000 });
  await cardOf(page, connectionId).getByRole('button', { name: 'Connect', exact: true }).click();
  await consent(await consentWindow);
  await page
    .locator(
      `[data-testid="connection-card"][data-connection-id="${connectionId}"][data-state="healthy"]`,
    )
    .waitFor({ timeout: 30_000 });
}

/** Chooses a provider preset in the add form, fills the client and adds it; returns the new card's id. */
export async function addPreset(
  page: Page,
  provider: 'Jira Cloud' | 'Google',
  label: string,
  client: { id: string; secret: string },
): Promise<string> {
  const form = page.getByTestId('add-connection-form');
  await form.getByLabel(provider, { exact: true }).check();
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('Client ID').fill(client.id);
  await form.getByLabel('Client secret').fill(client.secret);
  return addConnection(page, label);
}

/** Points a preset at its emulator (the test-only override), reloads, and approves in the consent window. */
export async function connectAgainst(
  browser: ExtensionBrowser,
  page: Page,
  connectionId: string,
  endpoints: Endpoints,
): Promise<void> {
  await pointConnectionAt(page, connectionId, endpoints);
  await page.reload();
  await connectThrough(browser, page, connectionId, (window) => approveInPage(window));
}

/** One connection as stored, read from an extension page; throws when it is not there. */
export async function connectionOf(page: Page, id: string): Promise<Connection> {
  const found = (await readState(page)).connections.find((c) => c.id === id);
  if (!found) throw new Error(`No connection ${id}`);
  return found;
}

/** The card of one connection on the options page or the popup. */
export function cardOf(page: Page, id: string) {
  return page.locator(`[data-testid="connection-card"][data-connection-id="${id}"]`);
}

/**
 * Reads the connections and history stores in an extension page (Chromium through Playwright, Firefox
 * through Marionette: `return ${READ_STATE}`), never the secrets.
 */
export const READ_STATE = pageDbScript<null, ObservedState>({
  stores: ['connections', 'history'],
  work: (tx) => {
    const connections = tx.objectStore('connections').getAll();
    const events = tx.objectStore('history').getAll();
    return () => ({ connections: connections.result, events: events.result });
  },
  ifMissing: { connections: [], events: [] },
});

/** Reads connections and history straight from IndexedDB in an extension page (never the secrets). */
export function readState(page: Page): Promise<ObservedState> {
  return page.evaluate(READ_STATE) as Promise<ObservedState>;
}

/** Polls the extension's history in `page` (every 250 ms) until an event matches; fails after `timeoutMs`. */
export function waitForEvent(
  page: Page,
  predicate: (event: HistoryEvent) => boolean,
  timeoutMs: number,
): Promise<HistoryEvent> {
  return waitForEventIn(() => readState(page), predicate, timeoutMs);
}

/** The same, for any reader of the observed state (Firefox reads it through Marionette). */
export function waitForEventIn(
  read: () => Promise<ObservedState>,
  predicate: (event: HistoryEvent) => boolean,
  timeoutMs: number,
): Promise<HistoryEvent> {
  return pollUntil(async () => (await read()).events.find(predicate), {
    timeoutMs,
    everyMs: 250,
    what: 'a history event',
  });
}

/** Sends a page request the way @webext-core/messaging does, from an extension page. */
export function sendFromPage(
  page: Page,
  type: string,
  data: unknown,
): Promise<{ res?: unknown; err?: unknown }> {
  return page.evaluate(
    ([type, data]) =>
      (
        globalThis as unknown as {
          chrome: {
            runtime: { sendMessage(m: unknown): Promise<{ res?: unknown; err?: unknown }> };
          };
        }
      ).chrome.runtime.sendMessage({
        id: 1,
        type,
        data,
        timestamp: Date.now(),
      }),
    [type, data] as const,
  );
}
