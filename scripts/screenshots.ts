// `npm run screenshots`: builds the extension, connects three demo connections against the local
// authorization server (one healthy, one retrying, one that needs reconnecting), adds a day of
// refresh history, and writes the README's pictures to docs/screenshots/ in light and dark.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startAuthServer } from '../test/support/auth-server';
import { buildExtension, ROOT } from '../test/support/build';
import { launchExtension, type ExtensionBrowser } from '../test/support/chromium';
import {
  addDemoConnection,
  connectWithConsent,
  openOptions,
} from '../test/support/extension-driver';
import { inPageDb } from '../test/support/page-db';

const OUT = join(ROOT, 'docs', 'screenshots');
const SCHEMES = ['light', 'dark'] as const;

function card(page: Page, connectionId: string) {
  return page.locator(`[data-testid="connection-card"][data-connection-id="${connectionId}"]`);
}

/** Adds a connection from a prefilled options page and connects it (a window only the first time). */
async function connected(
  browser: ExtensionBrowser,
  issuer: string,
  label: string,
  first: boolean,
): Promise<string> {
  const { page, connectionId: id } = await addDemoConnection(
    browser,
    issuer,
    label,
    'openid email offline_access',
  );
  if (first) {
    await connectWithConsent(browser, page, id);
  } else {
    // The server remembers the login and the consent: the flow completes without a window.
    await card(page, id).getByRole('button', { name: 'Connect', exact: true }).click();
    await page
      .locator(`[data-connection-id="${id}"][data-state="healthy"]`)
      .waitFor({ timeout: 30_000 });
  }
  await page.close();
  return id;
}

/** A day of refreshes every 30 minutes per connection, a few failed and retried, as the engine records them. */
async function seedHistory(page: Page, ids: string[]): Promise<void> {
  await inPageDb(page, {
    stores: ['history'],
    mode: 'readwrite',
    arg: ids,
    work: (tx, ids) => {
      const now = Date.now();
      ids.forEach((connectionId, c) => {
        for (let at = now - 24 * 3_600_000 + c * 400_000; at < now - 1_800_000; at += 1_800_000) {
          const durationMs = 90 + Math.round((at / 1000) % 240);
          // A 503 now and then, and the quick retry a few seconds later succeeds.
          const failed = (Math.floor(at / 1_800_000) + c) % 17 === 0;
          if (failed) {
            tx.objectStore('history').add({
              connectionId,
              at,
              kind: 'refresh-failed',
              trigger: 'alarm',
              ok: false,
              durationMs,
              error: {
                code: 'http_503',
                message: 'The token endpoint is unavailable (HTTP 503).',
              },
            });
          }
          const refreshedAt = failed ? at + 4_000 : at;
          tx.objectStore('history').add({
            connectionId,
            at: refreshedAt,
            kind: 'refreshed',
            trigger: 'alarm',
            ok: true,
            durationMs,
            expiresAt: refreshedAt + 3_600_000,
          });
        }
      });
      return () => undefined;
    },
  });
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const extensionDir = buildExtension();
  const server = await startAuthServer({ port: 0, accessTokenTtlSec: 3600 });
  const browser = await launchExtension({ extensionDir, headless: true });
  try {
    const work = await connected(browser, server.issuer, 'Work', true);
    const reports = await connected(browser, server.issuer, 'Reports', false);
    const backup = await connected(browser, server.issuer, 'Backup', false);
    const options = await openOptions(browser);
    await options.setViewportSize({ width: 1100, height: 860 });
    await seedHistory(options, [work, reports, backup]);

    // Backup: the grant was revoked. Reports: the server keeps answering 503 (retrying).
    server.setFault({
      kind: 'status',
      status: 400,
      body: '{"error":"invalid_grant","error_description":"grant revoked"}',
      times: 1,
    });
    await card(options, backup).getByRole('button', { name: 'Refresh now' }).click();
    await options
      .locator(`[data-connection-id="${backup}"][data-state="needs-reconnect"]`)
      .waitFor({ timeout: 30_000 });
    server.setFault({ kind: 'status', status: 503 });
    await card(options, reports).getByRole('button', { name: 'Refresh now' }).click();
    await options
      .locator(`[data-connection-id="${reports}"][data-state="retrying"]`)
      .waitFor({ timeout: 30_000 });

    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 360, height: 600 });
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await popup.getByTestId('summary').waitFor();

    for (const scheme of SCHEMES) {
      await popup.emulateMedia({ colorScheme: scheme });
      await options.emulateMedia({ colorScheme: scheme });
      await popup.screenshot({ path: join(OUT, `popup-${scheme}.png`), fullPage: true });
      await options.goto(`chrome-extension://${browser.extensionId}/options.html#connections`);
      await card(options, work).waitFor();
      await options.screenshot({ path: join(OUT, `options-${scheme}.png`) });
      await options.goto(`chrome-extension://${browser.extensionId}/options.html#health`);
      await options.getByTestId('health-summary').waitFor();
      await options.screenshot({ path: join(OUT, `options-health-${scheme}.png`), fullPage: true });
      await options.goto(`chrome-extension://${browser.extensionId}/options.html#history`);
      await options.getByTestId('history-row').first().waitFor();
      await options.screenshot({ path: join(OUT, `options-history-${scheme}.png`) });
    }
    console.info(`Screenshots written to ${OUT}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
