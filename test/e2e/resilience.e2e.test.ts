import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_ID, startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { CHROME_BUILD_DIR } from '../support/build';
import { CALLER_DIR, callerWorker, setTokenKeeperEnabled } from '../support/caller';
import {
  launchExtension,
  readAlarms,
  stopServiceWorkers,
  type ExtensionBrowser,
} from '../support/chromium';
import {
  addConnection,
  connectWithConsent,
  openOptions,
  readState,
  waitForEvent,
} from '../support/extension-driver';

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('Timed out.');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function connectedBrowser(server: AuthServerHandle, userDataDir?: string) {
  const browser = await launchExtension({
    extensionDir: CHROME_BUILD_DIR,
    headless: true,
    ...(userDataDir ? { userDataDir } : {}),
  });
  const options = await openOptions(browser, {
    label: 'Resilient',
    issuer: server.issuer,
    clientId: DEMO_CLIENT_ID,
    scopes: 'openid offline_access',
  });
  const connectionId = await addConnection(options, 'Resilient');
  await connectWithConsent(browser, options, connectionId);
  return { browser, options, connectionId };
}

describe('resilience in Chromium', () => {
  let server: AuthServerHandle | undefined;
  let browser: ExtensionBrowser | undefined;

  afterEach(async () => {
    await browser?.close();
    await server?.close();
    browser = undefined;
    server = undefined;
  });

  it('settles a refresh cut off by a stopped service worker, without reusing the refresh token', async () => {
    server = await startAuthServer({ accessTokenTtlSec: 300 });
    const session = await connectedBrowser(server);
    browser = session.browser;
    server.resetRecords();
    server.setFault({ kind: 'hang', ms: 30_000, times: 1 });
    const card = session.options.locator(`[data-connection-id="${session.connectionId}"]`);

    await card.getByRole('button', { name: 'Refresh now' }).click();
    await until(() => server!.records.faultedRequests.length === 1, 10_000);
    const inFlight = (await readState(session.options)).connections[0]!;
    await stopServiceWorkers(browser);
    await session.options.reload();
    const settled = await waitForEvent(session.options, (e) => e.kind === 'refreshed', 20_000);

    const after = (await readState(session.options)).connections[0]!;
    expect(inFlight.inFlightSince).not.toBeNull();
    expect(settled.trigger).toBe('startup');
    expect(after).toMatchObject({ state: 'healthy', inFlightSince: null });
    expect(server.records.tokenRequests['refresh_token']).toBe(2);
    expect(server.records.refreshSuccesses).toBe(1);
    expect(server.records.refreshTokenReuse).toBe(0);
  });

  it('refreshes at once after a browser restart during which the token expired, and rebuilds the schedule', async () => {
    const TTL_SEC = 40;
    server = await startAuthServer({ accessTokenTtlSec: TTL_SEC });
    const session = await connectedBrowser(server);
    const connected = (await readState(session.options)).connections[0]!;
    const profile = session.browser.userDataDir;
    await session.browser.close({ keepProfile: true });
    await until(() => Date.now() > connected.expiresAt! + 2_000, TTL_SEC * 1000 + 10_000);

    browser = await launchExtension({
      extensionDir: CHROME_BUILD_DIR,
      headless: true,
      userDataDir: profile,
    });
    const options = await openOptions(browser);
    const refreshed = await waitForEvent(options, (e) => e.kind === 'refreshed', 20_000);
    const alarms = await readAlarms(browser);

    const after = (await readState(options)).connections[0]!;
    expect(refreshed.trigger).toBe('startup');
    expect(refreshed.at).toBeGreaterThan(connected.expiresAt!);
    expect(after.state).toBe('healthy');
    expect(alarms.map((alarm) => alarm.name).sort()).toEqual(['refresh', 'sweep']);
    expect(alarms.find((alarm) => alarm.name === 'refresh')?.scheduledTime).toBeCloseTo(
      after.nextRefreshAt!,
      -4,
    );
    expect(server.records.refreshTokenReuse).toBe(0);
  });

  it('refreshes at once when re-enabled after the token expired while the extension was disabled', async () => {
    const TTL_SEC = 40;
    server = await startAuthServer({ accessTokenTtlSec: TTL_SEC });
    browser = await launchExtension({
      extensionDir: CHROME_BUILD_DIR,
      headless: true,
      alsoLoad: [CALLER_DIR],
    });
    const options = await openOptions(browser, {
      label: 'Switched',
      issuer: server.issuer,
      clientId: DEMO_CLIENT_ID,
      scopes: 'openid offline_access',
    });
    const connectionId = await addConnection(options, 'Switched');
    await connectWithConsent(browser, options, connectionId);
    const connected = (await readState(options)).connections[0]!;
    const caller = await callerWorker(browser);

    await setTokenKeeperEnabled(caller, browser.extensionId, false);
    await until(() => Date.now() > connected.expiresAt! + 2_000, TTL_SEC * 1000 + 10_000);
    const enabledAt = Date.now();
    await setTokenKeeperEnabled(caller, browser.extensionId, true);
    const reopened = await openOptions(browser);
    const refreshed = await waitForEvent(reopened, (e) => e.kind === 'refreshed', 20_000);

    const alarms = await readAlarms(browser);
    // Whichever comes first after enabling — reconcile or the overdue alarm — refreshes it at once.
    expect(['startup', 'alarm']).toContain(refreshed.trigger);
    expect(refreshed.at).toBeGreaterThanOrEqual(enabledAt);
    expect(refreshed.at - enabledAt).toBeLessThan(15_000);
    expect(alarms.map((alarm) => alarm.name).sort()).toEqual(['refresh', 'sweep']);
    expect(server.records.refreshTokenReuse).toBe(0);
  });
});
