// A worker whose database cannot open, in Chromium: the badge, the popup and the options page say so
// while it retries, and everything returns to normal by itself once the database opens again.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_BUILD_DIR } from '../support/build';
import { launchExtension, stopServiceWorkers, type ExtensionBrowser } from '../support/chromium';
import { deletePageDb, upgradePageDb } from '../support/page-db';

/** The toolbar button as the worker's own `chrome.action` reports it. */
async function readBadge(browser: ExtensionBrowser): Promise<{ text: string; title: string }> {
  const worker = await browser.worker();
  return worker.evaluate(async () => {
    const action = (
      globalThis as unknown as {
        chrome: {
          action: {
            getBadgeText(details: object): Promise<string>;
            getTitle(details: object): Promise<string>;
          };
        };
      }
    ).chrome.action;
    return { text: await action.getBadgeText({}), title: await action.getTitle({}) };
  });
}

describe('a worker that cannot open its storage, in Chromium', () => {
  let browser: ExtensionBrowser;
  let storage: Page;
  let popup: Page;
  let options: Page;

  beforeAll(async () => {
    browser = await launchExtension({ extensionDir: CHROME_BUILD_DIR, headless: true });
    // A page of the extension's origin that runs none of its code, to reach its IndexedDB directly.
    storage = await browser.context.newPage();
    await storage.goto(`chrome-extension://${browser.extensionId}/icon/128.png`);
    // The upgrade below needs no worker gone: a running one steps aside for it and cannot open the
    // database again (docs/architecture.md#the-database-connection). Stopped before and after, so the
    // next start meets the newer schema as a fresh worker does.
    await stopServiceWorkers(browser);
    // A newer schema than this build knows: the worker's openDB throws VersionError.
    const bumped = await upgradePageDb(storage, 99);
    await stopServiceWorkers(browser);
    expect(bumped).toBe('opened');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows why on the popup, the options page and the badge while it retries', async () => {
    popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);

    const banner = popup.getByTestId('startup-problem');
    await banner.waitFor({ timeout: 15_000 });
    await options.getByTestId('startup-problem').waitFor({ timeout: 15_000 });

    expect(await banner.textContent()).toMatch(
      /^Token Keeper could not open its storage: The requested version \(\d+\) is less than the existing version \(99\)\. (Retrying at .+|Trying again now)…/,
    );
    expect(await options.locator('h2').count()).toBe(0);
    expect(await popup.getByTestId('empty-state').count()).toBe(0);
    expect(await readBadge(browser)).toMatchObject({
      text: '!',
      title: expect.stringMatching(/^Token Keeper could not start and is retrying: The requested/),
    });
  });

  it('returns to normal by itself once the database opens again', async () => {
    const deleted = await deletePageDb(storage);

    // The next attempt is at most a minute away (the backoff's cap).
    await popup.getByTestId('empty-state').waitFor({ timeout: 70_000 });
    await options.getByRole('heading', { name: 'Settings', level: 2 }).waitFor({ timeout: 10_000 });
    await expect
      .poll(() => readBadge(browser), { timeout: 10_000 })
      .toEqual({
        text: '',
        title: 'Token Keeper',
      });

    expect(deleted).toBe('deleted');
    expect(await popup.getByTestId('startup-problem').count()).toBe(0);
    expect(await options.getByTestId('startup-problem').count()).toBe(0);
  });
});
