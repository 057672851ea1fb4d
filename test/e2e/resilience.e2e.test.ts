import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, HistoryEvent } from '../../utils/model';
import { startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { CHROME_BUILD_DIR } from '../support/build';
import { CALLER_DIR, callerWorker, setTokenKeeperEnabled } from '../support/caller';
import {
  launchExtension,
  readAlarms,
  stopServiceWorkers,
  type ExtensionBrowser,
} from '../support/chromium';
import {
  ATLASSIAN_CLIENT,
  startAtlassianEmulator,
  type AtlassianEmulator,
} from '../support/emulators/atlassian';
import {
  cardOf,
  connectionOf,
  addPreset,
  connectAgainst,
  connectDemoConnection,
  openOptions,
  readState,
  sendFromPage,
  waitForEvent,
} from '../support/extension-driver';
import { pollUntil } from '../support/poll';

async function connectedBrowser(server: AuthServerHandle, userDataDir?: string) {
  const browser = await launchExtension({
    extensionDir: CHROME_BUILD_DIR,
    headless: true,
    ...(userDataDir ? { userDataDir } : {}),
  });
  const { page, connectionId } = await connectDemoConnection(browser, server.issuer, 'Resilient');
  return { browser, options: page, connectionId };
}

/** Long enough that the held answer cannot arrive before the worker is stopped. */
const HOLD_MS = 60_000;

/**
 * Presses Refresh now, waits until the server has processed the refresh (its answer now held back), and
 * stops the service worker then, so the answer — and the new refresh token in it — is lost. Returns the
 * connection as the crash left it.
 */
async function crashWhileAnswerHeld(
  browser: ExtensionBrowser,
  page: Page,
  connectionId: string,
  processed: () => boolean,
): Promise<Connection> {
  await cardOf(page, connectionId).getByRole('button', { name: 'Refresh now' }).click();
  await pollUntil(processed, { timeoutMs: 15_000, what: 'the server to process the refresh' });
  const cutOff = await connectionOf(page, connectionId);
  await stopServiceWorkers(browser);
  return cutOff;
}

/** The first refresh of `connectionId` to end, either way. */
function settledRefresh(page: Page, connectionId: string, timeoutMs: number) {
  const ends = (e: HistoryEvent) =>
    e.connectionId === connectionId && (e.kind === 'refreshed' || e.kind === 'refresh-failed');
  return waitForEvent(page, ends, timeoutMs);
}

describe('resilience in Chromium', () => {
  let server: AuthServerHandle | undefined;
  let atlassian: AtlassianEmulator | undefined;
  let browser: ExtensionBrowser | undefined;

  afterEach(async () => {
    await browser?.close();
    await server?.close();
    await atlassian?.close();
    browser = undefined;
    server = undefined;
    atlassian = undefined;
  });

  it('settles a refresh whose answer died with the service worker at once on wake-up, inside the reuse leeway (Jira)', async () => {
    const LEEWAY_SEC = 45;
    // Half of it is the refresh lead: the next scheduled refresh comes ~81–90 s after connecting, well
    // past the leeway, so only settling at wake-up can reuse the retired refresh token in time.
    const TOKEN_TTL_SEC = 180;
    atlassian = await startAtlassianEmulator({
      accessTokenTtlSec: TOKEN_TTL_SEC,
      reuseLeewaySec: LEEWAY_SEC,
    });
    browser = await launchExtension({ extensionDir: CHROME_BUILD_DIR, headless: true });
    const options = await openOptions(browser);
    const id = await addPreset(options, 'Jira Cloud', 'Jira crash', ATLASSIAN_CLIENT);
    await connectAgainst(browser, options, id, atlassian.endpoints);
    const connected = await connectionOf(options, id);
    atlassian.setFault({ kind: 'process-then-hold', ms: HOLD_MS, times: 1 });

    const cutOff = await crashWhileAnswerHeld(
      browser,
      options,
      id,
      () => atlassian!.records.faultedRequests.length === 1,
    );
    const crashedAt = Date.now();
    await options.reload();
    // Waits past the next scheduled refresh, so an engine that leaves the cut-off refresh to it shows why.
    const settled = await settledRefresh(
      options,
      id,
      connected.nextRefreshAt! - Date.now() + 30_000,
    );
    const afterCrash = await connectionOf(options, id);

    expect(connected.nextRefreshAt! - crashedAt).toBeGreaterThan((LEEWAY_SEC + 20) * 1000);
    expect(cutOff.inFlightSince).not.toBeNull();
    expect({
      settledBy: `${settled.kind} (${settled.trigger})`,
      state: afterCrash.state,
      inFlightSince: afterCrash.inFlightSince,
      reuses: atlassian.records.reuses.map((r) => (r.withinLeeway ? 'within leeway' : 'after it')),
      familiesRevoked: atlassian.records.familiesRevoked,
    }).toEqual({
      settledBy: 'refreshed (startup)',
      state: 'healthy',
      inFlightSince: null,
      reuses: ['within leeway'],
      familiesRevoked: 0,
    });

    // The settled refresh stored the newest refresh token: the next one is a plain rotation, no reuse.
    const rotationsBefore = atlassian.records.refreshTokensRotated;
    await cardOf(options, id).getByRole('button', { name: 'Refresh now' }).click();
    await waitForEvent(
      options,
      (e) => e.connectionId === id && e.kind === 'refreshed' && e.trigger === 'manual',
      20_000,
    );

    expect(atlassian.records.refreshTokensRotated).toBe(rotationsBefore + 1);
    expect(atlassian.records.reuses).toHaveLength(1);
    expect(atlassian.records.familiesRevoked).toBe(0);
    expect((await connectionOf(options, id)).state).toBe('healthy');
  });

  it('the one unavoidable window: a provider without reuse leeway revokes the grant whose answer died with the worker, and the connection asks for a reconnect', async () => {
    server = await startAuthServer({ accessTokenTtlSec: 300 });
    const session = await connectedBrowser(server);
    browser = session.browser;
    const { options, connectionId } = session;
    server.resetRecords();
    server.setFault({ kind: 'process-then-hold', ms: HOLD_MS, times: 1 });

    const cutOff = await crashWhileAnswerHeld(
      browser,
      options,
      connectionId,
      () => server!.records.faultedRequests.length === 1,
    );
    await options.reload();
    const settled = await settledRefresh(options, connectionId, 20_000);
    const card = cardOf(options, connectionId);
    await options
      .locator(
        `[data-testid="connection-card"][data-connection-id="${connectionId}"][data-state="needs-reconnect"]`,
      )
      .waitFor({ timeout: 10_000 });
    const reason = await card.getByTestId('failure-reason').textContent();
    const asked = await sendFromPage(options, 'getAccessToken', {
      connectionId,
      minValiditySeconds: 60,
    });

    expect(cutOff.inFlightSince).not.toBeNull();
    expect({
      settledBy: `${settled.kind} (${settled.trigger})`,
      state: (await connectionOf(options, connectionId)).state,
      refreshRequests: server.records.tokenRequests['refresh_token'],
      rotated: server.records.refreshTokensRotated,
      reuses: server.records.refreshTokenReuse,
      revokedGrants: server.records.revokedGrants.map((g) => g.reason),
    }).toEqual({
      settledBy: 'refresh-failed (startup)',
      state: 'needs-reconnect',
      refreshRequests: 2,
      rotated: 1,
      reuses: 1,
      revokedGrants: ['refresh-token-reuse'],
    });
    expect(reason).toContain('no longer accepts the refresh token');
    expect(await card.getByRole('button', { name: 'Reconnect' }).first().isVisible()).toBe(true);
    expect(asked).toMatchObject({ res: { ok: false, error: { code: 'invalid_grant' } } });
    expect(server.tokenValues().filter((token) => JSON.stringify(asked).includes(token))).toEqual(
      [],
    );
  });

  it('refreshes at once after a browser restart during which the token expired, and rebuilds the schedule', async () => {
    const TTL_SEC = 40;
    server = await startAuthServer({ accessTokenTtlSec: TTL_SEC });
    const session = await connectedBrowser(server);
    const connected = (await readState(session.options)).connections[0]!;
    const profile = session.browser.userDataDir;
    await session.browser.close({ keepProfile: true });
    await pollUntil(() => Date.now() > connected.expiresAt! + 2_000, {
      timeoutMs: TTL_SEC * 1000 + 10_000,
      what: 'the token to expire',
    });

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
    const { page: options } = await connectDemoConnection(browser, server.issuer, 'Switched');
    const connected = (await readState(options)).connections[0]!;
    const caller = await callerWorker(browser);

    await setTokenKeeperEnabled(caller, browser.extensionId, false);
    await pollUntil(() => Date.now() > connected.expiresAt! + 2_000, {
      timeoutMs: TTL_SEC * 1000 + 10_000,
      what: 'the token to expire',
    });
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
