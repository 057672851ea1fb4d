import type { Page } from 'playwright-core';
import type { Connection, Endpoints, HistoryEvent } from '../../utils/model';
import type { ExtensionBrowser } from './chromium';
import { approveInPage } from './emulators/consent';
import { pointConnectionAt } from './emulators/override';
import { completeConsentInPage } from './headless-consent';

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

/** Presses Connect on a card, approves in the consent window and waits until the card is healthy. */
export async function connectWithConsent(
  browser: ExtensionBrowser,
  page: Page,
  connectionId: string,
  login = 'demo',
): Promise<void> {
  const card = page.locator(
    `[data-testid="connection-card"][data-connection-id="${connectionId}"]`,
  );
  const consentWindow = browser.context.waitForEvent('page', { timeout: 30_000 });
  await card.getByRole('button', { name: 'Connect', exact: true }).click();
  await completeConsentInPage(await consentWindow, login);
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
  const card = `[data-testid="connection-card"][data-connection-id="${connectionId}"]`;
  const consentWindow = browser.context.waitForEvent('page', { timeout: 30_000 });
  await page.locator(card).getByRole('button', { name: 'Connect', exact: true }).click();
  await approveInPage(await consentWindow);
  await page.locator(`${card}[data-state="healthy"]`).waitFor({ timeout: 30_000 });
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

/** Reads connections and history straight from IndexedDB in an extension page (never the secrets). */
export function readState(page: Page): Promise<ObservedState> {
  return page.evaluate(readDatabaseInPage);
}

/**
 * Runs inside an extension page (Chromium through Playwright, Firefox through Marionette): reads the
 * connections and history stores, never the secrets.
 */
export function readDatabaseInPage(): Promise<ObservedState> {
  return new Promise<ObservedState>((resolve, reject) => {
    const request = indexedDB.open('token-keeper');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('connections')) {
        db.close();
        resolve({ connections: [], events: [] });
        return;
      }
      const tx = db.transaction(['connections', 'history']);
      const connections = tx.objectStore('connections').getAll();
      const events = tx.objectStore('history').getAll();
      tx.oncomplete = () => {
        db.close();
        resolve({ connections: connections.result, events: events.result });
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

/** Polls the extension's history (every 250 ms) until an event matches; fails after `timeoutMs`. */
export async function waitForEvent(
  page: Page,
  predicate: (event: HistoryEvent) => boolean,
  timeoutMs: number,
): Promise<HistoryEvent> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = (await readState(page)).events.find(predicate);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for a history event.`);
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
