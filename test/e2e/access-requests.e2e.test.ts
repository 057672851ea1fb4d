import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenKeeperEvent } from '../../client/token-keeper-client';
import { DEMO_CLIENT_ID, startAuthServer, type AuthServerHandle } from '../support/auth-server';
import {
  CALLER_ID,
  callerAsks,
  callerEvents,
  callerSubscribes,
  callerWorker,
  launchWithCaller,
} from '../support/caller';
import { stopServiceWorkers, type ExtensionBrowser } from '../support/chromium';
import {
  addConnection,
  cardOf,
  connectWithConsent,
  openOptions,
  readState,
} from '../support/extension-driver';

/** The connection prefill of the options page for a connection named `label`. */
const prefill = (server: AuthServerHandle, label: string) => ({
  label,
  issuer: server.issuer,
  clientId: DEMO_CLIENT_ID,
  scopes: 'openid offline_access',
});

/** Waits until the caller's subscription has received an event matching `predicate`. */
async function waitForCallerEvent(
  caller: Worker,
  predicate: (event: TokenKeeperEvent) => boolean,
): Promise<TokenKeeperEvent[]> {
  let events: TokenKeeperEvent[] = [];
  await expect
    .poll(
      async () => {
        events = await callerEvents(caller);
        return events.some(predicate);
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return events;
}

/** Notifications Token Keeper's worker shows now, by id. */
async function notificationIds(browser: ExtensionBrowser): Promise<string[]> {
  const worker = await browser.worker();
  return worker.evaluate(async () =>
    Object.keys(
      await (
        globalThis as unknown as {
          chrome: { notifications: { getAll(): Promise<Record<string, boolean>> } };
        }
      ).chrome.notifications.getAll(),
    ),
  );
}

describe('other extensions ask for access and hear events (Chromium)', () => {
  let server: AuthServerHandle;
  let browser: ExtensionBrowser;
  let options: Page;
  let caller: Worker;
  let shared: string;
  let privateId: string;

  beforeAll(async () => {
    server = await startAuthServer({ accessTokenTtlSec: 300 });
    browser = await launchWithCaller();
    const second = await openOptions(browser, prefill(server, 'Private'));
    privateId = await addConnection(second, 'Private');
    await second.close();
    options = await openOptions(browser, prefill(server, 'Shared'));
    shared = await addConnection(options, 'Shared');
    await connectWithConsent(browser, options, shared);
    caller = await callerWorker(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a request once, and gives the allowed connection’s token and no other', async () => {
    const request = {
      name: 'Test caller <b>bold</b>',
      reason: 'Shows the shared issues',
      connectionId: shared,
    };

    const asked = await callerAsks(caller, browser.extensionId, { requestAccess: [request] });
    const again = await callerAsks(caller, browser.extensionId, { requestAccess: [request] });
    const card = options.locator(
      `[data-testid="access-request"][data-extension-id="${CALLER_ID}"]`,
    );
    await card.waitFor({ timeout: 15_000 });
    const shown = {
      cards: await options.getByTestId('access-request').count(),
      name: await card.getByTestId('claimed-name').textContent(),
      markup: await card.locator('b').count(),
      notifications: await notificationIds(browser),
      sharedChosen: await card.getByLabel('Shared (Custom OAuth 2.0 / OpenID Connect)').isChecked(),
    };
    await card.getByRole('button', { name: 'Allow' }).click();
    await card.waitFor({ state: 'detached' });
    const token = await callerAsks(caller, browser.extensionId, { getAccessToken: [shared] });
    const other = await callerAsks(caller, browser.extensionId, { getAccessToken: [privateId] });
    const allowed = await callerAsks(caller, browser.extensionId, { requestAccess: [request] });

    const lastAccess = server.records.issuedTokens
      .filter((t) => t.kind === 'access_token')
      .at(-1)?.value;
    const history = (await readState(options)).events
      .filter((e) => e.caller === CALLER_ID)
      .map((e) => [e.kind, e.connectionId]);
    expect([asked, again]).toEqual([
      { ok: true, status: 'pending' },
      { ok: true, status: 'pending' },
    ]);
    expect(shown).toEqual({
      cards: 1,
      name: 'Test caller <b>bold</b>',
      markup: 0,
      notifications: [`token-keeper-access|${CALLER_ID}`],
      sharedChosen: true,
    });
    expect(token).toMatchObject({ ok: true, tokenType: 'Bearer', accessToken: lastAccess });
    expect(other).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(allowed).toMatchObject({
      ok: true,
      status: 'allowed',
      connections: [{ connectionId: shared, label: 'Shared' }],
    });
    expect(history).toEqual([
      ['access-requested', shared],
      ['access-granted', shared],
      ['token-issued', shared],
    ]);
    expect(await notificationIds(browser)).toEqual([]);
  });

  it('pushes a refresh, comes back after Token Keeper’s worker restarts, and pushes a disconnect — never a token', async () => {
    await callerSubscribes(caller, browser.extensionId);
    await waitForCallerEvent(caller, (e) => e.type === 'ready');

    const before = server.records.refreshSuccesses;
    await cardOf(options, shared).getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => server.records.refreshSuccesses).toBe(before + 1);
    await waitForCallerEvent(caller, (e) => e.type === 'tokenRefreshed');
    await stopServiceWorkers(browser, browser.extensionId);
    await expect
      .poll(async () => (await callerEvents(caller)).filter((e) => e.type === 'ready').length, {
        timeout: 20_000,
      })
      .toBe(2);
    await options.reload();
    await cardOf(options, shared).getByRole('button', { name: 'Disconnect' }).click();
    const events = await waitForCallerEvent(caller, (e) => e.type === 'revoked');

    const expiresAt = (await readState(options)).events.find(
      (e) => e.kind === 'refreshed' && e.connectionId === shared,
    )?.expiresAt;
    expect(events.map((e) => e.type)).toEqual(['ready', 'tokenRefreshed', 'ready', 'revoked']);
    expect(events[1]).toEqual({ type: 'tokenRefreshed', connectionId: shared, expiresAt });
    expect(events[2]).toMatchObject({
      type: 'ready',
      connections: [{ connectionId: shared, expiresAt, needsReconnect: false }],
    });
    const tokens = server.tokenValues();
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    expect(tokens.filter((token) => JSON.stringify(events).includes(token))).toEqual([]);
  });

  it('tells the caller when the person removes its access, and the subscription ends', async () => {
    const card = cardOf(options, shared);
    await card.getByText('Other extensions').click();
    await card.getByRole('button', { name: `Stop giving tokens to ${CALLER_ID}` }).click();
    const events = await waitForCallerEvent(caller, (e) => e.type === 'notAllowed');

    expect(events.slice(-2)).toEqual([
      { type: 'accessRemoved', connectionId: shared },
      { type: 'notAllowed' },
    ]);
  });

  it('refuses a denied caller, quietly and again, during the cool-down', async () => {
    const request = {
      name: 'Test caller',
      reason: 'Wants the private one',
      connectionId: privateId,
    };

    await callerAsks(caller, browser.extensionId, { requestAccess: [request] });
    const card = options.locator(
      `[data-testid="access-request"][data-extension-id="${CALLER_ID}"]`,
    );
    await card.getByRole('button', { name: 'Deny' }).click();
    await card.waitFor({ state: 'detached' });
    const again = await callerAsks(caller, browser.extensionId, { requestAccess: [request] });
    const token = await callerAsks(caller, browser.extensionId, { getAccessToken: [privateId] });
    await options.reload();
    await cardOf(options, privateId).waitFor();

    const history = (await readState(options)).events
      .filter((e) => e.caller === CALLER_ID && e.connectionId === privateId)
      .map((e) => e.kind);
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'denied', message: expect.stringMatching(/^The person declined/) },
    });
    expect(token).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(await options.getByTestId('access-request').count()).toBe(0);
    expect(await notificationIds(browser)).toEqual([]);
    expect(history).toEqual(['access-requested', 'access-denied']);
  });
});
