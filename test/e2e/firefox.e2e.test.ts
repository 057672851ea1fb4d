// The Firefox build end to end in Debian's Firefox ESR, driven through Marionette (test/support/firefox-driver.ts):
// install the store package, grant the sign-in hosts from the options page, connect through consent, refresh on
// the alarm, the popup, and a browser restart on the same profile that must rebuild the schedule by itself.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../utils/model';
import {
  DEMO_CLIENT_ID,
  FIREFOX_REDIRECT_URI,
  startAuthServer,
  type AuthServerHandle,
} from '../support/auth-server';
import { buildFirefoxPackage, ROOT } from '../support/build';
import { READ_STATE, waitForEventIn, type ObservedState } from '../support/extension-driver';
import { pollUntil } from '../support/poll';
import { findFirefox, launchFirefox, type FirefoxBrowser } from '../support/firefox-driver';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const TOKEN_TTL_SEC = 60;
/** Pinned, so the extension's pages have a known address (Firefox picks a random one per profile). */
const PAGE_UUID = '6b1c6d7e-1f4a-4c8e-9f00-0123456789ab';
const BASE = `moz-extension://${PAGE_UUID}`;

const firefox = findFirefox();
if (!firefox) {
  console.warn(
    'Skipping the Firefox end-to-end test: no Firefox at /usr/bin/firefox-esr ' +
      '(sudo apt-get install -y firefox-esr, or set FIREFOX_PATH).',
  );
}

/** The gecko id of the build, as its manifest says. */
function geckoId(): string {
  const manifest = JSON.parse(
    readFileSync(join(ROOT, '.output', 'firefox-mv3', 'manifest.json'), 'utf8'),
  ) as { browser_specific_settings: { gecko: { id: string } } };
  return manifest.browser_specific_settings.gecko.id;
}

/** The test profile's preferences: see docs/architecture.md, "Firefox". */
function testPrefs(): Record<string, string | number | boolean> {
  return {
    'extensions.webextensions.uuids': JSON.stringify({ [geckoId()]: PAGE_UUID }),
    // ESR honours this: the unsigned package installs for good and survives the restart.
    'xpinstall.signatures.required': false,
    // The manifest's hosts start ungranted, as for a person who declined or withdrew them, so the options
    // page must ask; the permission prompt it opens is then accepted without its doorhanger.
    'extensions.originControls.grantByDefault': false,
    'extensions.webextOptionalPermissionPrompts': false,
  };
}

/** Connections and history as stored, read in the current (extension) page. */
function readState(browser: FirefoxBrowser): Promise<ObservedState> {
  return browser.execute<ObservedState>(`return ${READ_STATE};`);
}

/** Polls the history in the current page until an event matches; fails after `timeoutMs`. */
function waitForEvent(
  browser: FirefoxBrowser,
  predicate: (event: ObservedState['events'][number]) => boolean,
  timeoutMs: number,
) {
  return waitForEventIn(() => readState(browser), predicate, timeoutMs);
}

describe.skipIf(!firefox)('Token Keeper in Firefox', () => {
  let server: AuthServerHandle;
  let browser: FirefoxBrowser;
  let optionsTab: string;
  let connectionId: string;
  let connected: Connection;
  let refreshedAt: number;

  const card = () => `[data-testid="connection-card"][data-connection-id="${connectionId}"]`;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startAuthServer({ accessTokenTtlSec: TOKEN_TTL_SEC });
    const xpi = buildFirefoxPackage();
    browser = await launchFirefox({ headless: true, prefs: testPrefs() });
    await browser.installAddon(xpi);
  });

  afterAll(async () => {
    await browser?.quit({ removeProfile: true });
    await server?.close();
  });

  it('installs, shows the stable redirect URI, and asks for the sign-in hosts Firefox has not granted', async () => {
    const prefill = new URLSearchParams({
      label: 'Firefox demo',
      issuer: server.issuer,
      clientId: DEMO_CLIENT_ID,
      scopes: 'openid email offline_access',
    });
    optionsTab = await browser.openTab(`${BASE}/options.html?${prefill}`);
    await browser.waitFor('[data-testid="host-access"]');
    const asked = await textOf(browser, '[data-testid="host-access"]');
    await browser.screenshot(join(ARTIFACTS, 'firefox-options-host-access.png'));

    await browser.click(await browser.waitForButton('Allow access', '[data-testid="host-access"]'));

    await pollUntil(() => isGone(browser, '[data-testid="host-access"]'), {
      timeoutMs: 10_000,
      everyMs: 200,
      what: 'the host access banner to go',
    });
    expect(asked).toContain('Token Keeper may not reach 127.0.0.1 and localhost and');
    expect(
      await browser.execute<boolean>(
        'return browser.permissions.contains({ origins: browser.runtime.getManifest().host_permissions });',
      ),
    ).toBe(true);
    expect(await textOf(browser, '[data-testid="redirect-uri"]')).toBe(FIREFOX_REDIRECT_URI);
  });

  it('adds a custom connection and connects through the consent window', async () => {
    await browser.click(await browser.waitForButton('Add connection', 'form'));
    await browser.waitFor('[data-testid="connection-card"]');
    connectionId = await browser.execute<string>(
      'return document.querySelector(\'[data-testid="connection-card"]\').dataset.connectionId;',
    );
    const known = await browser.windowHandles();

    await browser.click(await browser.waitForButton('Connect', card()));
    await browser.switchToNewWindow(known);
    await browser.type(await browser.waitFor('input[name="login"]'), 'demo');
    await browser.type(await browser.waitFor('input[name="password"]'), 'demo');
    await browser.click(await browser.waitFor('form button[type="submit"]'));
    await browser.waitFor('input[name="prompt"][value="consent"]');
    await browser.click(await browser.waitFor('form button[type="submit"]'));
    await browser.switchTo(optionsTab);
    await browser.waitFor(`${card()}[data-state="healthy"]`, 30_000);

    const state = await readState(browser);
    connected = state.connections.find((c) => c.id === connectionId)!;
    expect(connected).toMatchObject({
      state: 'healthy',
      lifetimeSec: TOKEN_TTL_SEC,
      account: 'demo@demo.test',
    });
    expect(state.events.map((e) => e.kind)).toEqual(['connected']);
    expect(server.records.tokenRequests['authorization_code']).toBe(1);
  });

  it('refreshes in the background on its alarm before the token expires', async () => {
    const refreshed = await waitForEvent(
      browser,
      (e) => e.kind === 'refreshed' && e.trigger === 'alarm',
      TOKEN_TTL_SEC * 1000 + 30_000,
    );
    refreshedAt = refreshed.at;

    expect(refreshed.ok).toBe(true);
    expect(refreshed.at).toBeLessThan(connected.expiresAt!);
    expect(refreshed.expiresAt! - refreshed.at).toBe(TOKEN_TTL_SEC * 1000);
    expect(server.records.refreshSuccesses).toBe(1);
    expect(server.records.refreshErrors).toEqual([]);
  });

  it('shows the connection healthy with a live countdown in the popup page', async () => {
    await browser.openTab(`${BASE}/popup.html`);
    await browser.waitFor(`${card()}[data-state="healthy"]`);
    const countdown = `${card()} [data-testid="countdown"]`;
    const first = await textOf(browser, countdown);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const later = await textOf(browser, countdown);
    await browser.screenshot(join(ARTIFACTS, 'firefox-popup.png'));

    expect(first).toMatch(/\d+:\d\d/);
    expect(later).not.toBe(first);
  });

  it('rebuilds the schedule by itself after Firefox restarts on the same profile', async () => {
    const before = await readState(browser);
    const planned = before.connections.find((c) => c.id === connectionId)!;
    await browser.quit();
    const refreshesBefore = server.records.refreshSuccesses;
    const restartedAt = Date.now();
    browser = await launchFirefox({
      headless: true,
      profileDir: browser.profileDir,
      prefs: testPrefs(),
    });

    // No extension page is opened until the refresh has happened: only the event page, started with the
    // browser, can have re-armed it (Firefox keeps no alarms across a restart).
    await server.waitFor(
      (records) => records.refreshSuccesses > refreshesBefore,
      planned.expiresAt! - Date.now(),
    );
    await browser.openTab(`${BASE}/options.html`);
    const after = await readState(browser);
    const alarms = await browser.execute<{ name: string; scheduledTime: number }[]>(
      'return browser.alarms.getAll();',
    );

    const refreshed = after.events.filter((e) => e.kind === 'refreshed' && e.at > refreshedAt);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toMatchObject({ ok: true });
    expect(['alarm', 'startup']).toContain(refreshed[0]!.trigger);
    expect(refreshed[0]!.at).toBeGreaterThan(restartedAt);
    expect(refreshed[0]!.at).toBeLessThan(planned.expiresAt!);
    const now = after.connections.find((c) => c.id === connectionId)!;
    expect(now.state).toBe('healthy');
    expect(alarms.map((a) => a.name).sort()).toEqual(['refresh', 'sweep']);
    // Firefox reports the time it computed from the requested one: equal within a few milliseconds.
    const armedAt = alarms.find((a) => a.name === 'refresh')!.scheduledTime;
    expect(Math.abs(armedAt - now.nextRefreshAt!)).toBeLessThan(1000);
    expect(server.records.refreshErrors).toEqual([]);
  });

  // Firefox rejects a notification with `buttons` or `requireInteraction`: one that is listed was accepted.
  it('notifies in a form Firefox accepts when the provider no longer accepts the grant', async () => {
    server.setFault({
      kind: 'status',
      status: 400,
      body: '{"error":"invalid_grant","error_description":"grant revoked"}',
      times: 1,
    });

    await browser.click(await browser.waitForButton('Refresh now', card()));
    await browser.waitFor(`${card()}[data-state="needs-reconnect"]`, 15_000);
    const shown = await browser.execute<Record<string, { title: string; message: string }>>(
      'return browser.notifications.getAll().then((all) => JSON.parse(JSON.stringify(all)));',
    );

    expect(Object.keys(shown)).toEqual([`token-keeper|${connectionId}|reconnect`]);
    expect(Object.values(shown)[0]).toMatchObject({
      title: 'Firefox demo needs to be reconnected',
      message: expect.stringMatching(/\nClick to open this connection in Token Keeper\.$/),
    });
  });
});

/** The text of the first element matching `css` in the current page. */
function textOf(browser: FirefoxBrowser, css: string): Promise<string> {
  return browser.execute<string>(
    'return document.querySelector(arguments[0])?.textContent ?? "";',
    css,
  );
}

/** Whether nothing matches `css` in the current page. */
async function isGone(browser: FirefoxBrowser, css: string): Promise<boolean> {
  return browser.execute<boolean>('return document.querySelector(arguments[0]) === null;', css);
}
