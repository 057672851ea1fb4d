import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../utils/model';
import { DEMO_CLIENT_ID, startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { CHROME_BUILD_DIR, ROOT } from '../support/build';
import { launchExtension, type ExtensionBrowser } from '../support/chromium';
import {
  addConnection,
  connectWithConsent,
  openOptions,
  readState,
  waitForEvent,
} from '../support/extension-driver';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const TOKEN_TTL_SEC = 60;

describe('walking skeleton in Chromium', () => {
  let server: AuthServerHandle;
  let browser: ExtensionBrowser;
  let options: Page;
  let connectionId: string;
  let connected: Connection;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startAuthServer({ accessTokenTtlSec: TOKEN_TTL_SEC });
    browser = await launchExtension({ extensionDir: CHROME_BUILD_DIR, headless: true });
    options = await openOptions(browser, {
      label: 'E2E demo',
      issuer: server.issuer,
      clientId: DEMO_CLIENT_ID,
      scopes: 'openid email offline_access',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('connects through the consent page with PKCE and stores a schedule', async () => {
    connectionId = await addConnection(options, 'E2E demo');

    await connectWithConsent(browser, options, connectionId);

    const state = await readState(options);
    connected = state.connections.find((c) => c.id === connectionId)!;
    expect(connected).toMatchObject({
      state: 'healthy',
      lifetimeSec: TOKEN_TTL_SEC,
      account: 'demo@demo.test',
    });
    expect(connected.nextRefreshAt! - connected.lastRefreshAt!).toBeGreaterThanOrEqual(30_000);
    expect(connected.expiresAt! - connected.nextRefreshAt!).toBeGreaterThanOrEqual(
      TOKEN_TTL_SEC * 500 - 30_000,
    );
    expect(state.events.map((e) => e.kind)).toEqual(['connected']);
    expect(server.records.tokenRequests['authorization_code']).toBe(1);
  });

  it('refreshes in the background on an alarm before the token expires', async () => {
    const refreshed = await waitForEvent(
      options,
      (e) => e.kind === 'refreshed' && e.trigger === 'alarm',
      TOKEN_TTL_SEC * 1000 + 30_000,
    );

    expect(refreshed.ok).toBe(true);
    expect(refreshed.at).toBeLessThan(connected.expiresAt!);
    expect(refreshed.expiresAt! - refreshed.at).toBe(TOKEN_TTL_SEC * 1000);
    expect(server.records.refreshSuccesses).toBeGreaterThanOrEqual(1);
    expect(server.records.refreshTokenReuse).toBe(0);
    expect(server.records.refreshErrors).toEqual([]);
  });

  it('shows the connection healthy with a live countdown in the popup, and Refresh now works', async () => {
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 400, height: 480 });
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    const card = popup.locator(
      `[data-testid="connection-card"][data-connection-id="${connectionId}"]`,
    );
    await card.waitFor();
    const countdown = card.getByTestId('countdown');
    const first = await countdown.textContent();
    await popup.waitForTimeout(1500);
    const later = await countdown.textContent();
    await popup.screenshot({ path: join(ARTIFACTS, 'popup.png') });
    const before = server.records.refreshSuccesses;

    await card.getByRole('button', { name: 'Refresh now' }).click();
    await waitForEvent(options, (e) => e.kind === 'refreshed' && e.trigger === 'manual', 15_000);

    // The page hears of the commit by broadcast, a moment after the history row is written.
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('healthy');
    expect(first).toMatch(/\d+:\d\d/);
    expect(later).not.toBe(first);
    expect(server.records.refreshSuccesses).toBe(before + 1);
    await options.screenshot({ path: join(ARTIFACTS, 'options.png'), fullPage: true });
  });

  it('disconnects, revoking at the provider and keeping the history', async () => {
    const card = options.locator(
      `[data-testid="connection-card"][data-connection-id="${connectionId}"]`,
    );

    await card.getByRole('button', { name: 'Disconnect' }).click();
    await waitForEvent(options, (e) => e.kind === 'disconnected', 15_000);

    const state = await readState(options);
    expect(state.connections.find((c) => c.id === connectionId)?.state).toBe('new');
    expect(server.records.revocations).toEqual([expect.objectContaining({ status: 200 })]);
    expect(state.events.filter((e) => e.kind === 'refreshed').length).toBeGreaterThanOrEqual(2);
  });
});
