import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_BUILD_DIR, ROOT } from '../support/build';
import { launchExtension, type ExtensionBrowser } from '../support/chromium';
import {
  ATLASSIAN_CLIENT,
  ATLASSIAN_SITE,
  startAtlassianEmulator,
  type AtlassianEmulator,
} from '../support/emulators/atlassian';
import {
  GOOGLE_ACCOUNT,
  GOOGLE_CLIENT,
  startGoogleEmulator,
  type GoogleEmulator,
} from '../support/emulators/google';
import {
  METADATA_CASES,
  startMetadataServer,
  type MetadataServer,
} from '../support/emulators/metadata';
import {
  cardOf,
  connectionOf,
  addPreset,
  connectAgainst,
  openOptions,
  readState,
  waitForEvent,
} from '../support/extension-driver';

// Jira Cloud and Google chosen from the options page as a person does, connected through the real
// consent window (launchWebAuthFlow) against their emulators, refreshed in the background by alarms,
// and disconnected; then the custom provider's discovery errors. Short token lifetimes keep it quick.
const ARTIFACTS = join(ROOT, 'test-artifacts');
const TOKEN_TTL_SEC = 60;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Jira Cloud, Google and custom providers in Chromium', () => {
  let atlassian: AtlassianEmulator;
  let google: GoogleEmulator;
  let metadata: MetadataServer;
  let browser: ExtensionBrowser;
  let options: Page;
  let jiraId: string;
  let googleId: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [atlassian, google, metadata] = await Promise.all([
      startAtlassianEmulator({ accessTokenTtlSec: TOKEN_TTL_SEC }),
      startGoogleEmulator({ accessTokenTtlSec: TOKEN_TTL_SEC }),
      startMetadataServer(),
    ]);
    browser = await launchExtension({ extensionDir: CHROME_BUILD_DIR, headless: true });
    options = await openOptions(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([atlassian?.close(), google?.close(), metadata?.close()]);
  });

  it('connects Jira Cloud through Atlassian consent and shows the site and cloud id', async () => {
    jiraId = await addPreset(options, 'Jira Cloud', 'Jira E2E', ATLASSIAN_CLIENT);

    await connectAgainst(browser, options, jiraId, atlassian.endpoints);

    const connection = await connectionOf(options, jiraId);
    expect(connection).toMatchObject({
      provider: 'jira',
      state: 'healthy',
      account: ATLASSIAN_SITE.name,
      sites: [ATLASSIAN_SITE],
      scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
      refreshTokenLifetime: { idleDays: 90, absoluteDays: 365 },
    });
    expect(connection.grantStartedAt).toBe(connection.lastRefreshAt);
    expect(atlassian.records.authorizeRequests.at(-1)).toMatchObject({
      audience: 'api.atlassian.com',
      prompt: 'consent',
    });
    expect(atlassian.records.tokenRequests).toEqual([
      {
        grantType: 'authorization_code',
        contentType: 'application/json',
        withSecret: true,
        status: 200,
      },
    ]);
    await expect
      .poll(() => cardOf(options, jiraId).getByTestId('sites').textContent(), { timeout: 10_000 })
      .toBe(`${ATLASSIAN_SITE.name} acme.atlassian.net · cloud id ${ATLASSIAN_SITE.id}`);
  });

  it('connects Google through its consent and shows the account e-mail', async () => {
    googleId = await addPreset(options, 'Google', 'Google E2E', GOOGLE_CLIENT);

    await connectAgainst(browser, options, googleId, google.endpoints);

    const connection = await connectionOf(options, googleId);
    expect(connection).toMatchObject({
      provider: 'google',
      state: 'healthy',
      account: GOOGLE_ACCOUNT.email,
      lifetimeSec: TOKEN_TTL_SEC,
    });
    expect(google.records.authorizeRequests.at(-1)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      scope: 'openid email',
    });
    await expect
      .poll(() => cardOf(options, googleId).textContent(), { timeout: 10_000 })
      .toContain(GOOGLE_ACCOUNT.email);
  });

  it('shows the Jira site and the Google account in the popup too', async () => {
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 400, height: 600 });

    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await cardOf(popup, googleId).waitFor();

    expect(await cardOf(popup, jiraId).getByTestId('sites').textContent()).toContain(
      ATLASSIAN_SITE.id,
    );
    expect(await cardOf(popup, googleId).textContent()).toContain(GOOGLE_ACCOUNT.email);
    await popup.screenshot({ path: join(ARTIFACTS, 'popup-providers.png') });
    await popup.close();
  });

  it('refreshes both in the background: Atlassian rotating in JSON, Google keeping its token', async () => {
    const jira = await waitForEvent(
      options,
      (e) => e.connectionId === jiraId && e.kind === 'refreshed' && e.trigger === 'alarm',
      TOKEN_TTL_SEC * 1000 + 30_000,
    );
    const googleRefresh = await waitForEvent(
      options,
      (e) => e.connectionId === googleId && e.kind === 'refreshed' && e.trigger === 'alarm',
      TOKEN_TTL_SEC * 1000 + 30_000,
    );

    expect(jira.expiresAt! - jira.at).toBe(TOKEN_TTL_SEC * 1000);
    expect(googleRefresh.expiresAt! - googleRefresh.at).toBe(TOKEN_TTL_SEC * 1000);
    expect(atlassian.records.refreshSuccesses).toBeGreaterThanOrEqual(1);
    expect(atlassian.records.reusedWithinLeeway).toBe(0);
    expect(atlassian.records.familiesRevoked).toBe(0);
    expect(atlassian.records.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toEqual(
      Array(atlassian.records.refreshSuccesses).fill({
        grantType: 'refresh_token',
        contentType: 'application/json',
        withSecret: true,
        status: 200,
      }),
    );
    expect(google.records.refreshSuccesses).toBeGreaterThanOrEqual(1);
    expect(google.records.tokenRequests.every((r) => r.status === 200)).toBe(true);
    await options.screenshot({ path: join(ARTIFACTS, 'options-providers.png'), fullPage: true });
  });

  it('disconnects: Google revokes at the provider, Atlassian says where to remove the app', async () => {
    await cardOf(options, googleId).getByRole('button', { name: 'Disconnect' }).click();
    const googleEvent = await waitForEvent(
      options,
      (e) => e.connectionId === googleId && e.kind === 'disconnected',
      15_000,
    );
    await cardOf(options, jiraId).getByRole('button', { name: 'Disconnect' }).click();
    const jiraEvent = await waitForEvent(
      options,
      (e) => e.connectionId === jiraId && e.kind === 'disconnected',
      15_000,
    );

    expect(google.records.revocations).toEqual([{ kind: 'refresh_token', status: 200 }]);
    expect(googleEvent.error).toBeUndefined();
    expect(jiraEvent.error).toMatchObject({
      code: 'not_revoked',
      message: expect.stringContaining('Connected apps in your Atlassian account'),
    });
    expect((await connectionOf(options, googleId)).state).toBe('new');
    expect((await connectionOf(options, jiraId)).state).toBe('new');
  });

  it('explains unreachable and malformed discovery, and adds an RFC 8414-only provider', async () => {
    const form = options.getByTestId('add-connection-form');
    const outcome = form.locator(
      '[data-testid="add-connection-error"], [data-testid="add-connection-result"]',
    );
    await form.getByLabel('Custom OAuth 2.0 / OpenID Connect', { exact: true }).check();
    let previous: string | null = null;
    const tryIssuer = async (label: string, issuer: string) => {
      await form.getByLabel('Label').fill(label);
      await form.getByLabel('Issuer URL').fill(issuer);
      await form.getByLabel('Client ID').fill('custom-client');
      await form.getByRole('button', { name: 'Add connection' }).click();
      await expect
        .poll(async () => ((await outcome.count()) > 0 ? outcome.textContent() : null), {
          timeout: 15_000,
        })
        .not.toBe(previous);
      previous = await outcome.textContent();
      return previous;
    };
    const unreachable = `http://127.0.0.1:${await closedPort()}`;

    const down = await tryIssuer('Down', unreachable);
    const html = await tryIssuer('Portal', metadata.issuer(METADATA_CASES.html));
    const rfc8414 = await tryIssuer('RFC 8414', metadata.issuer(METADATA_CASES.rfc8414Only));

    expect(down).toBe(
      `Could not reach ${unreachable}/ (network error). Check the issuer URL, or enter the endpoints by hand.`,
    );
    expect(html).toMatch(
      /^No usable provider metadata at .*\/html \(.*not a JSON metadata document/,
    );
    expect(rfc8414).toBe('Added “RFC 8414”. Press Connect on its card to approve access.');
    const added = (await readState(options)).connections.find((c) => c.label === 'RFC 8414');
    expect(added?.endpoints.token).toBe(`${metadata.issuer(METADATA_CASES.rfc8414Only)}/token`);
  });
});
