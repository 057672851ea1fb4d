// The dashboard as a person uses it, in Chromium: the popup's Refresh now, history filtering and
// export, a settings error, the badge when a connection fails, accessibility in light and dark, and
// the history at 100,000 events. Screenshots of both pages go to test-artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_ID, startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { CHROME_BUILD_DIR, ROOT } from '../support/build';
import { launchExtension, type ExtensionBrowser } from '../support/chromium';
import {
  addConnection,
  connectWithConsent,
  openOptions,
  waitForEvent,
} from '../support/extension-driver';
import { inPageDb } from '../support/page-db';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
// Long enough that no background refresh interferes while the tests look at the pages.
const TOKEN_TTL_SEC = 1800;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page; returns the serious and critical violations, described. */
async function seriousViolations(page: Page): Promise<string[]> {
  // evaluate() runs through the debugging protocol, so the page's CSP does not block the script.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

function card(page: Page, connectionId: string) {
  return page.locator(`[data-testid="connection-card"][data-connection-id="${connectionId}"]`);
}

describe('dashboard in Chromium', () => {
  let server: AuthServerHandle;
  let browser: ExtensionBrowser;
  let options: Page;
  let popup: Page;
  let workId: string;
  let backupId: string;
  let prefill: { issuer: string; clientId: string; scopes: string };

  async function badgeText(): Promise<string> {
    const worker = await browser.worker();
    // The worker's own `chrome` API; declared here as the test runs in Node.
    return worker.evaluate(() =>
      (
        globalThis as unknown as {
          chrome: { action: { getBadgeText(details: object): Promise<string> } };
        }
      ).chrome.action.getBadgeText({}),
    );
  }

  async function openPopup(): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 360, height: 600 });
    await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await page.getByTestId('summary').waitFor();
    return page;
  }

  async function section(name: 'connections' | 'settings' | 'history' | 'health') {
    await options.getByTestId(`nav-${name}`).click();
    await options.locator(`#${name}-heading`).waitFor();
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startAuthServer({ port: 0, accessTokenTtlSec: TOKEN_TTL_SEC });
    browser = await launchExtension({ extensionDir: CHROME_BUILD_DIR, headless: true });
    prefill = {
      issuer: server.issuer,
      clientId: DEMO_CLIENT_ID,
      scopes: 'openid email offline_access',
    };
    const first = await openOptions(browser, { ...prefill, label: 'Backup' });
    backupId = await addConnection(first, 'Backup');
    await connectWithConsent(browser, first, backupId);
    await first.close();
    options = await openOptions(browser, { ...prefill, label: 'Work' });
    await options.setViewportSize({ width: 1100, height: 900 });
    workId = await addConnection(options, 'Work');
    // The server remembers the login; prompt=consent (sent with offline_access) asks for consent again.
    await connectWithConsent(browser, options, workId);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('Refresh now in the popup shows busy, then the new expiry, and lands in the history', async () => {
    popup = await openPopup();
    const demo = card(popup, workId);
    const before = server.records.refreshSuccesses;

    expect(await popup.getByTestId('summary').textContent()).toBe('All 2 connections healthy');
    await demo.getByRole('button', { name: 'Refresh now' }).click();
    const outcome = demo.getByTestId('refresh-outcome');
    await expect
      .poll(() => outcome.textContent(), { timeout: 15_000 })
      .toMatch(/^Refreshed — expires in \d+:\d\d$/);

    const event = await waitForEvent(
      options,
      (e) => e.kind === 'refreshed' && e.trigger === 'manual',
      10_000,
    );
    expect(event.connectionId).toBe(workId);
    expect(server.records.refreshSuccesses).toBe(before + 1);
    expect(await demo.getByTestId('last-refresh').textContent()).toMatch(/just now|s ago/);
  });

  it('filters the history and exports exactly what is shown as CSV and JSON', async () => {
    await section('history');
    const rows = options.getByTestId('history-row');
    await rows.first().waitFor();
    const all = await rows.count();

    const shown = () =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => `${tr.getAttribute('data-connection-id')} ${tr.getAttribute('data-kind')}`),
      );

    await options.getByLabel('Event').selectOption('refreshed');
    await expect.poll(shown).toEqual([`${workId} refreshed`]);
    await options.getByLabel('Event').selectOption('');
    await options.getByLabel('Connection').selectOption(backupId);
    await expect.poll(shown).toEqual([`${backupId} connected`]);
    const [csvDownload] = await Promise.all([
      options.waitForEvent('download'),
      options.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').split('\r\n');
    await options.getByLabel('Connection').selectOption('');
    const [jsonDownload] = await Promise.all([
      options.waitForEvent('download'),
      options.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as Record<
      string,
      unknown
    >[];

    expect(all).toBe(3); // two connects, one manual refresh
    expect(csvDownload.suggestedFilename()).toMatch(/^token-keeper-history-.*\.csv$/);
    expect(csv[0]).toBe(
      'time,connection_id,connection,kind,trigger,outcome,duration_ms,expires_at,retry_at,error_code,error_message,caller,count,error_detail',
    );
    expect(csv.slice(1, -1).map((line) => line.split(',').slice(1, 4))).toEqual([
      [`"${backupId}"`, '"Backup"', '"connected"'],
    ]);
    expect(json.map((row) => [row.connection, row.kind])).toEqual([
      ['Work', 'refreshed'],
      ['Work', 'connected'],
      ['Backup', 'connected'],
    ]);
    expect(JSON.stringify(json)).not.toMatch(
      new RegExp(server.tokenValues().map(escape).join('|')),
    );
  });

  it('explains a settings error next to the field and keeps the setting unchanged', async () => {
    await section('settings');
    const interval = options.getByLabel('Check interval (minutes)');

    await interval.fill('0');
    await options.getByRole('button', { name: 'Save settings' }).click();
    const error = options.locator('[data-testid="settings-error"][data-field="checkIntervalMin"]');
    await error.waitFor();

    expect(await error.textContent()).toBe('Check interval must be at least 1 minute.');
    expect(await interval.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => interval.evaluate((el) => el === document.activeElement)).toBe(true);
    await options.reload();
    await options.getByLabel('Check interval (minutes)').waitFor();
    expect(await options.getByLabel('Check interval (minutes)').inputValue()).toBe('5');
  });

  it('shows the failure on the card with Reconnect and puts a count on the badge', async () => {
    const before = await badgeText();
    server.setFault({
      kind: 'status',
      status: 400,
      body: '{"error":"invalid_grant","error_description":"grant revoked"}',
      times: 1,
    });

    await card(popup, backupId).getByRole('button', { name: 'Refresh now' }).click();
    await card(popup, backupId)
      .and(popup.locator('[data-state="needs-reconnect"]'))
      .waitFor({ timeout: 15_000 });
    await expect.poll(badgeText, { timeout: 10_000 }).toBe('1');

    expect(before).toBe('');
    expect(await popup.getByTestId('summary').textContent()).toBe('1 needs attention');
    const notice = card(popup, backupId).getByTestId('failure-notice');
    expect(await notice.getAttribute('data-kind')).toBe('reconnect');
    expect(await notice.textContent()).toContain('Reconnect needed');
    expect(await card(popup, backupId).getByRole('button', { name: 'Reconnect' }).isVisible()).toBe(
      true,
    );
  });

  it('works from the keyboard alone', async () => {
    // The focused element as "tag name", its name from aria-label, its <label>, or its text.
    const focused = (page: Page) =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        const name =
          el?.getAttribute('aria-label') ?? el?.labels?.[0]?.textContent ?? el?.textContent;
        return `${el?.tagName.toLowerCase()} ${name?.trim()}`;
      });
    const tabTo = async (page: Page, wanted: string) => {
      for (let presses = 0; presses < 40; presses += 1) {
        await page.keyboard.press('Tab');
        if ((await focused(page)) === wanted) return;
      }
      throw new Error(`Tab never reached ${wanted}; last: ${await focused(page)}`);
    };
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options.getByTestId('connection-card').first().waitFor();

    await tabTo(options, 'a History');
    await options.keyboard.press('Enter');
    await options.getByTestId('history-row').first().waitFor();
    const onHeading = await focused(options);
    await tabTo(options, 'select Event');
    await options.keyboard.type('Conn');
    await expect
      .poll(() =>
        options
          .getByTestId('history-row')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))),
      )
      .toEqual(['connected', 'connected']);
    // Backup (needs reconnect) comes first: its Refresh now is disabled, so Tab skips to Work's.
    await popup.reload();
    await popup.getByTestId('summary').waitFor();
    await tabTo(popup, 'button Refresh now');
    await popup.keyboard.press('Enter');
    const outcome = card(popup, workId).getByTestId('refresh-outcome');

    expect(onHeading).toBe('h2 History');
    await expect.poll(() => outcome.textContent(), { timeout: 15_000 }).toMatch(/^Refreshed — /);
  });

  it('has no serious or critical accessibility violation on either page, light or dark', async () => {
    const found: Record<string, string[]> = {};
    for (const scheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme: scheme });
      await options.emulateMedia({ colorScheme: scheme });
      found[`popup ${scheme}`] = await seriousViolations(popup);
      await popup.screenshot({ path: join(ARTIFACTS, `popup-${scheme}.png`), fullPage: true });
      for (const name of ['connections', 'settings', 'history', 'health'] as const) {
        await section(name);
        if (name === 'health') await options.getByTestId('health-summary').waitFor();
        if (name === 'history') await options.getByTestId('history-row').first().waitFor();
        found[`options ${name} ${scheme}`] = await seriousViolations(options);
        await options.screenshot({
          path: join(ARTIFACTS, `options-${name}-${scheme}.png`),
          fullPage: true,
        });
      }
    }

    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((key) => [key, []])));
  });

  it('keeps history pages fast at 100,000 events', async () => {
    const seeded = await inPageDb(options, {
      stores: ['history'],
      mode: 'readwrite',
      arg: { ids: [workId, backupId], count: 100_000 },
      work: (tx, { ids, count }) => {
        const store = tx.objectStore('history');
        const now = Date.now();
        for (let i = 0; i < count; i += 1) {
          const failed = i % 50 === 0;
          store.add({
            connectionId: ids[i % ids.length],
            at: now - 30 * 86_400_000 + i * 25_000,
            kind: failed ? 'refresh-failed' : 'refreshed',
            trigger: 'alarm',
            ok: !failed,
            durationMs: 80 + (i % 300),
            ...(failed
              ? { error: { code: 'http_503', message: 'The token endpoint answered 503.' } }
              : {}),
          });
        }
        return () => count;
      },
    });
    // The worker's side, timed from the page: one message each, as the options page sends them.
    const messageTimes: Record<string, number> = {};
    const ask = async (name: string, type: string, data: unknown) => {
      const reply = await options.evaluate(
        async ({ type, data }) => {
          const runtime = (
            globalThis as unknown as {
              chrome: { runtime: { sendMessage(message: object): Promise<{ err?: unknown }> } };
            }
          ).chrome.runtime;
          const started = performance.now();
          const answer = await runtime.sendMessage({ id: 1, type, data, timestamp: Date.now() });
          return { ms: performance.now() - started, failed: answer?.err !== undefined };
        },
        { type, data },
      );
      messageTimes[name] = Math.round(reply.ms);
      expect([name, reply.failed]).toEqual([name, false]);
    };
    await ask('first page', 'getHistory', { limit: 50 });
    await ask('deep page', 'getHistory', {
      limit: 50,
      after: { at: Date.now() - 15 * 86_400_000, id: 50_000 },
    });
    await ask('failed only', 'getHistory', { limit: 50, outcome: 'failed' });
    await ask('one connection, refreshed, 7 days', 'getHistory', {
      limit: 50,
      connectionId: workId,
      kinds: ['refreshed'],
      from: Date.now() - 7 * 86_400_000,
    });
    await ask('health 24 h', 'getHealth', { period: '24h' });
    await ask('health 7 d', 'getHealth', { period: '7d' });
    await ask('export CSV of all 100,000', 'exportHistory', { format: 'csv', criteria: {} });

    // The person's side: a filter change, until the rows are on screen.
    await section('history');
    const rows = options.getByTestId('history-row');
    await options.reload();
    await rows.first().waitFor();
    const started = Date.now();
    await options.getByLabel('Result').selectOption('failed');
    await options.locator('tr[data-testid="history-row"][data-ok="false"]').nth(49).waitFor();
    const uiFilterMs = Date.now() - started;
    console.info('Chromium, 100,000 history events — worker round trips (ms):', messageTimes);
    console.info(
      `Chromium, 100,000 history events — "failed only" filter on screen in ${uiFilterMs} ms`,
    );

    expect(seeded).toBe(100_000);
    expect(await rows.count()).toBe(50);
    // Bounds for a shared 2-core machine; pages and health take milliseconds when it is idle.
    const slow = Object.entries(messageTimes).filter(
      ([name, ms]) => ms > (name.startsWith('export') ? 15_000 : 1_500),
    );
    expect(slow).toEqual([]);
    expect(uiFilterMs).toBeLessThan(5_000);
  });

  it('draws calm connections as rows from six on, under the card that needs a reconnect; a row refreshes its own connection', async () => {
    const added: string[] = [];
    for (const label of ['Row C', 'Row D', 'Row E', 'Row F']) {
      const page = await openOptions(browser, { ...prefill, label });
      const id = await addConnection(page, label);
      await connectWithConsent(browser, page, id);
      await page.close();
      added.push(id);
    }
    const many = await openPopup();
    const rows = many.getByTestId('connection-row');
    await expect.poll(() => rows.count()).toBe(5);
    const drawn = await many
      .locator('[data-connection-id]')
      .evaluateAll((elements) =>
        elements.map(
          (e) => `${(e as HTMLElement).dataset.testid}:${(e as HTMLElement).dataset.connectionId}`,
        ),
      );
    const row = many.locator(`[data-testid="connection-row"][data-connection-id="${added[1]}"]`);
    const before = server.records.refreshSuccesses;

    await row.getByRole('button', { name: 'Refresh now' }).click();
    await expect
      .poll(() => row.getByTestId('refresh-outcome').textContent(), { timeout: 15_000 })
      .toMatch(/^Refreshed — expires in \d+:\d\d$/);
    const found: Record<string, string[]> = {};
    for (const scheme of ['light', 'dark'] as const) {
      await many.emulateMedia({ colorScheme: scheme });
      found[scheme] = await seriousViolations(many);
      await many.screenshot({ path: join(ARTIFACTS, `popup-rows-${scheme}.png`), fullPage: true });
    }

    expect(drawn).toEqual([
      `connection-card:${backupId}`,
      `connection-row:${workId}`,
      ...added.map((id) => `connection-row:${id}`),
    ]);
    expect(server.records.refreshSuccesses).toBe(before + 1);
    expect(await many.getByTestId('refresh-outcome').filter({ hasText: 'Refreshed' }).count()).toBe(
      1,
    );
    expect(found).toEqual({ light: [], dark: [] });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
