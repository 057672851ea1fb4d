import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confidentialClient, startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { CHROME_BUILD_DIR } from '../support/build';
import { launchExtension, type ExtensionBrowser } from '../support/chromium';
import {
  cardOf,
  connectWithConsent,
  openOptions,
  readState,
  sendFromPage,
} from '../support/extension-driver';
import { completeConsentInPage } from '../support/headless-consent';

const CLIENT = confidentialClient();
const RIGHT = CLIENT.client_secret!;

/** The toolbar badge's text, read from an extension page. */
function badgeText(page: Page): Promise<string> {
  return page.evaluate(() =>
    (
      globalThis as unknown as {
        chrome: { action: { getBadgeText(details: object): Promise<string> } };
      }
    ).chrome.action.getBadgeText({}),
  );
}

/** Adds a custom connection through the form (prefilled, the secret typed) and connects it. */
async function addAndConnect(browser: ExtensionBrowser, page: Page, label: string) {
  const form = page.getByTestId('add-connection-form');
  await form.getByLabel('Custom OAuth 2.0 / OpenID Connect').check();
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('Issuer URL').fill(server.issuer);
  await form.getByLabel('Client ID').fill(CLIENT.client_id);
  await form.getByLabel('Client secret').fill(RIGHT);
  await form.getByLabel('Scopes').fill('openid offline_access');
  await form.getByRole('button', { name: 'Add connection' }).click();
  const card = page.locator('[data-testid="connection-card"]', { hasText: label }).first();
  await card.waitFor({ timeout: 15_000 });
  const id = (await card.getAttribute('data-connection-id'))!;
  await connectWithConsent(browser, page, id);
  return id;
}

let server: AuthServerHandle;

describe('connections a person can fix and share (Chromium)', () => {
  let browser: ExtensionBrowser;
  let options: Page;

  beforeAll(async () => {
    server = await startAuthServer({ accessTokenTtlSec: 45, clients: [CLIENT] });
    browser = await launchExtension({ extensionDir: CHROME_BUILD_DIR, headless: true });
    options = await openOptions(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('stays calm while retrying with a valid token, and turns red once the token is at risk', async () => {
    const id = await addAndConnect(browser, options, 'Calm');
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    server.setFault({ kind: 'status', status: 503 });

    await cardOf(options, id).getByRole('button', { name: 'Refresh now' }).click();
    await cardOf(popup, id).locator('[data-state="retrying"]').first().waitFor({ timeout: 30_000 });
    const summary = popup.getByTestId('summary');
    const calm = {
      text: await summary.textContent(),
      tone: await summary.getAttribute('data-tone'),
      badge: await badgeText(options),
    };
    // The token (45 s) runs out while the provider still answers 503: now it is at risk.
    await popup
      .locator('[data-testid="summary"][data-tone="attention"]')
      .waitFor({ timeout: 60_000 });
    await expect.poll(() => badgeText(options), { timeout: 60_000 }).toBe('1');
    server.setFault(null);
    await cardOf(options, id).getByRole('button', { name: 'Refresh now' }).click();
    await options
      .locator(`[data-testid="connection-card"][data-connection-id="${id}"][data-state="healthy"]`)
      .waitFor({ timeout: 30_000 });

    expect(calm).toEqual({ text: '1 retrying', tone: 'retrying', badge: '' });
    expect(await popup.getByTestId('summary').textContent()).toBe('Your connection is healthy');
    await popup.close();
  });

  it('recovers a connection refused for its client secret once the secret is edited', async () => {
    const id = await addAndConnect(browser, options, 'Secret');
    const card = cardOf(options, id);
    // The secret was rotated at the provider: the next refresh is refused (invalid_client).
    await card.getByRole('button', { name: 'Edit', exact: true }).click();
    await card.getByLabel('New client secret').fill('an-outdated-secret');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.getByTestId('edit-outcome').getByText('Saved.').waitFor();
    await card.getByRole('button', { name: 'Refresh now' }).click();
    await card.locator('[data-testid="failure-notice"][data-kind="configuration"]').waitFor();

    await card.getByRole('button', { name: 'Edit connection' }).click();
    await card.getByLabel('New client secret').fill(RIGHT);
    await card.getByRole('button', { name: 'Save changes' }).click();
    await options
      .locator(`[data-testid="connection-card"][data-connection-id="${id}"][data-state="healthy"]`)
      .waitFor({ timeout: 30_000 });

    const outcome = await card.getByTestId('edit-outcome').textContent();
    const kinds = (await readState(options)).events
      .filter((e) => e.connectionId === id)
      .map((e) => e.kind);
    expect(outcome).toBe('Saved. Refreshed with the new settings: the connection works again.');
    expect(kinds).toEqual(
      expect.arrayContaining(['connected', 'edited', 'refresh-failed', 'refreshed', 'recovered']),
    );
  });

  it('leads a change of scopes to Reconnect, keeping the history', async () => {
    const id = await addAndConnect(browser, options, 'Scopes');
    const card = cardOf(options, id);
    const before = (await readState(options)).events.filter((e) => e.connectionId === id).length;

    await card.getByRole('button', { name: 'Edit', exact: true }).click();
    await card
      .getByTestId('edit-connection-form')
      .getByLabel('Scopes')
      .fill('openid offline_access email');
    const warning = await card.getByTestId('edit-needs-reconnect').textContent();
    await card.getByRole('button', { name: 'Save changes' }).click();
    await options
      .locator(
        `[data-testid="connection-card"][data-connection-id="${id}"][data-state="needs-reconnect"]`,
      )
      .waitFor();
    const reason = await card.getByTestId('failure-reason').textContent();
    const revocations = server.records.revocations.length;
    const consent = browser.context.waitForEvent('page', { timeout: 30_000 });
    await card.getByRole('button', { name: 'Reconnect', exact: true }).first().click();
    await completeConsentInPage(await consent);
    await options
      .locator(`[data-testid="connection-card"][data-connection-id="${id}"][data-state="healthy"]`)
      .waitFor({ timeout: 30_000 });

    const events = (await readState(options)).events.filter((e) => e.connectionId === id);
    const stored = (await readState(options)).connections.find((c) => c.id === id)!;
    expect(warning).toContain('press Reconnect');
    expect(reason).toBe(
      'You changed the client ID, scopes or endpoints of this connection: reconnect to approve them.',
    );
    expect(revocations).toBeGreaterThanOrEqual(1);
    expect(stored.scopes).toEqual(['openid', 'offline_access', 'email']);
    expect(events.length).toBeGreaterThan(before);
    expect(events.map((e) => e.kind).filter((k) => k === 'connected')).toHaveLength(2);
  });

  it('exports the set-ups, and after Remove all data imports them back, without secrets', async () => {
    const download = options.waitForEvent('download');
    await options.getByRole('button', { name: 'Export set-ups' }).click();
    const file = await download;
    const text = await new Promise<string>((resolve, reject) => {
      void file.createReadStream().then((stream) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        stream.on('error', reject);
      }, reject);
    });
    await options.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await options.getByRole('button', { name: 'Remove all data…' }).click();
    await options.getByRole('button', { name: 'Yes, remove everything' }).click();
    await options.getByTestId('wipe-result').waitFor();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html#connections`);

    await options.getByTestId('setups-file').setInputFiles({
      name: file.suggestedFilename(),
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    });
    const preview = await options.getByTestId('import-entry').allTextContents();
    await options.getByRole('button', { name: 'Add 3 connection(s)' }).click();
    await options.getByTestId('setups-outcome').getByText('Added 3 connection(s).').waitFor();

    const state = await readState(options);
    const status = await sendFromPage(options, 'getStatus', undefined);
    expect(file.suggestedFilename()).toBe('token-keeper-connections.json');
    expect(text).not.toContain(RIGHT);
    expect(server.tokenValues().filter((token) => text.includes(token))).toEqual([]);
    expect(preview).toEqual([
      expect.stringContaining('Calm'),
      expect.stringContaining('Secret'),
      expect.stringContaining('Scopes'),
    ]);
    expect(state.connections.map((c) => [c.label, c.state, c.clientId]).sort()).toEqual([
      ['Calm', 'new', CLIENT.client_id],
      ['Scopes', 'new', CLIENT.client_id],
      ['Secret', 'new', CLIENT.client_id],
    ]);
    expect(state.events.map((e) => e.kind)).toEqual(['imported', 'imported', 'imported']);
    expect(JSON.stringify(status)).not.toContain(RIGHT);
  });
});
