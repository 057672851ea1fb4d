import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confidentialClient,
  DEMO_CLIENT_ID,
  demoPublicClient,
  startAuthServer,
  type AuthServerHandle,
} from '../support/auth-server';
import { CHROME_BUILD_DIR } from '../support/build';
import { askFromCaller, CALLER_DIR, CALLER_ID, callerWorker } from '../support/caller';
import {
  extensionIdOf,
  launchExtension,
  readAlarms,
  type ExtensionBrowser,
} from '../support/chromium';
import {
  cardOf,
  connectWithConsent,
  openOptions,
  readState,
  sendFromPage,
  waitForEvent,
} from '../support/extension-driver';
import { completeConsentInPage } from '../support/headless-consent';

// The organisation's managed configuration, end to end: a real Chromium policy file (docs/admin.md,
// Linux), read by the unpacked build as chrome.storage.managed, changed while the browser runs.
// Chromium reads /etc/chromium/policies/managed/*.json: the file is machine-wide, so it is always
// removed afterwards, also when a test fails (e2e runs are serialised by /tmp/e2e.lock).
const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'token-keeper-test.json');
const TOKEN_TTL_SEC = 60;
const SECOND_CLIENT = { id: 'token-keeper-second', secret: 'token-keeper-second-secret' };
const ACME = 'managed:acme';
const TEAM = 'managed:team';
const PASSPHRASE = 'managed passphrase';

/** Why the policy folder cannot be used here, or null when it can. */
function policyFolderProblem(): string | null {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
    return null;
  } catch (error) {
    return `${POLICY_DIR} is not writable (${(error as Error).message}); run as root to test managed configuration`;
  }
}

const removePolicy = () => rmSync(POLICY_FILE, { force: true });
const problem = policyFolderProblem();
if (problem) console.warn(`Skipping the managed-configuration end-to-end tests: ${problem}.`);

describe.skipIf(problem !== null)('managed configuration from a policy file (Chromium)', () => {
  let server: AuthServerHandle;
  let browser: ExtensionBrowser;
  let options: Page;
  let acme: Record<string, unknown>;
  let team: Record<string, unknown>;

  /** Writes the policy as an administrator's Linux policy file for Token Keeper's id. */
  function writePolicy(policy: Record<string, unknown>): void {
    const id = extensionIdOf(CHROME_BUILD_DIR)!;
    writeFileSync(POLICY_FILE, JSON.stringify({ '3rdparty': { extensions: { [id]: policy } } }));
  }

  beforeAll(async () => {
    // A file left by a killed run must not leak into this one, nor this one's into others.
    removePolicy();
    process.once('exit', removePolicy);
    server = await startAuthServer({
      accessTokenTtlSec: TOKEN_TTL_SEC,
      clients: [
        confidentialClient(),
        confidentialClient({ client_id: SECOND_CLIENT.id, client_secret: SECOND_CLIENT.secret }),
        demoPublicClient(),
      ],
    });
    acme = {
      id: 'acme',
      label: 'Acme SSO',
      provider: 'custom',
      clientId: 'token-keeper-confidential',
      clientSecret: 'token-keeper-demo-secret',
      issuer: server.issuer,
      scopes: ['openid', 'email', 'offline_access'],
    };
    team = {
      id: 'team',
      label: 'Team tools',
      provider: 'custom',
      clientId: DEMO_CLIENT_ID,
      authorizationEndpoint: `${server.issuer}/auth`,
      tokenEndpoint: `${server.issuer}/token`,
      scopes: ['openid', 'offline_access'],
    };
    // The example policy of docs/admin.md, pointed at the local authorization server.
    writePolicy({
      connections: [acme, { id: 'broken', label: 'Jira', provider: 'jira', clientId: 'x' }],
      settings: { checkIntervalMin: 2 },
      allowedExtensions: { acme: [CALLER_ID] },
      allowUserConnections: false,
      requireLock: true,
    });
    browser = await launchExtension({
      extensionDir: CHROME_BUILD_DIR,
      headless: true,
      alsoLoad: [CALLER_DIR],
    });
    options = await openOptions(browser);
  });

  afterAll(async () => {
    removePolicy();
    await browser?.close();
    await server?.close();
  });

  it('deploys the managed connection ready for Connect and reports the invalid entry', async () => {
    const card = cardOf(options, ACME);
    await card.waitFor({ timeout: 30_000 });

    const problems = options.getByTestId('policy-problem');
    await problems.first().waitFor();
    const events = (await readState(options)).events;
    expect(await card.getAttribute('data-state')).toBe('new');
    expect(await card.getByTestId('managed-badge').textContent()).toBe(
      'Managed by your organisation',
    );
    expect(await card.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    expect(await problems.allTextContents()).toEqual([
      expect.stringMatching(/^connections\[1\] "broken" — .*Jira Cloud needs the secret/),
    ]);
    expect(await options.getByTestId('policy-require-lock').count()).toBe(1);
    expect(await options.getByTestId('add-connection-form').count()).toBe(0);
    expect(await options.getByTestId('add-connection-off').count()).toBe(1);
    expect(events.map((e) => [e.connectionId, e.kind])).toEqual(
      expect.arrayContaining([
        [ACME, 'policy-added'],
        [ACME, 'access-granted'],
        ['managed:broken', 'policy-invalid'],
      ]),
    );
    expect(JSON.stringify(events)).not.toContain('token-keeper-demo-secret');
  });

  it('refuses Connect until the required passphrase is set, then connects through consent with the policy’s client, and the allow-listed caller gets the token', async () => {
    const refused = await sendFromPage(options, 'connect', { connectionId: ACME });
    const notice = options.getByTestId('policy-require-lock');
    const missing = await notice.getAttribute('data-missing');
    // The notice's action leads to Settings → Security, where the passphrase is set.
    await notice.getByRole('link', { name: 'Set a passphrase in Settings' }).click();
    const security = options.getByTestId('security');
    await security.getByLabel('New passphrase (at least 8 characters)').fill(PASSPHRASE);
    await security.getByLabel('Repeat the new passphrase').fill(PASSPHRASE);
    await security.getByLabel(/a forgotten passphrase means setting up every/).check();
    await security.getByRole('button', { name: 'Turn on the lock' }).click();
    await security.locator('[data-testid="lock-state"][data-mode="unlocked"]').waitFor();
    const kept = await security.getByTestId('lock-required').textContent();
    const removed = await sendFromPage(options, 'removeLock', { passphrase: PASSPHRASE });
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await connectWithConsent(browser, options, ACME);
    const caller = await callerWorker(browser);

    const answer = await askFromCaller(caller, browser.extensionId, {
      type: 'getAccessToken',
      connectionId: ACME,
    });

    const lastAccess = server.records.issuedTokens
      .filter((t) => t.kind === 'access_token')
      .at(-1)?.value;
    expect(refused.res).toMatchObject({ ok: false, error: { code: 'lock_required' } });
    expect(missing).toBe('true');
    expect(kept).toContain('cannot be removed');
    expect(removed.res).toMatchObject({ ok: false, error: { code: 'lock_required' } });
    expect(answer).toMatchObject({ ok: true, tokenType: 'Bearer', accessToken: lastAccess });
  });

  it('holds a fixed setting in force and read-only, and the worker refuses what the policy forbids', async () => {
    await options.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    const field = options.getByLabel('Check interval (minutes)');
    await field.waitFor();

    const sweep = (await readAlarms(browser)).find((a) => a.name === 'sweep');
    const changed = await sendFromPage(options, 'saveSettings', { checkIntervalMin: 9 });
    const removed = await sendFromPage(options, 'removeConnection', { connectionId: ACME });
    const added = await sendFromPage(options, 'addConnection', {
      provider: 'custom',
      label: 'Mine',
      clientId: DEMO_CLIENT_ID,
      scopes: [],
      issuer: server.issuer,
    });

    expect(await field.inputValue()).toBe('2');
    expect(await field.isEditable()).toBe(false);
    expect(await options.getByTestId('setting-managed').allTextContents()).toEqual([
      'Managed by your organisation.',
    ]);
    expect(sweep?.periodInMinutes).toBe(2);
    expect(changed.res).toMatchObject({ ok: false, errors: [{ field: 'checkIntervalMin' }] });
    expect(removed.res).toMatchObject({ ok: false, error: { code: 'managed' } });
    expect(added.res).toMatchObject({ ok: false, error: { code: 'managed' } });
    expect((await readState(options)).connections.map((c) => c.id)).toEqual([ACME]);
  });

  it('refreshes the managed connection in the background', async () => {
    const refreshed = await waitForEvent(
      options,
      (e) => e.connectionId === ACME && e.kind === 'refreshed' && e.trigger === 'alarm',
      (TOKEN_TTL_SEC + 30) * 1000,
    );

    expect(refreshed.ok).toBe(true);
    expect(server.records.refreshSuccesses).toBeGreaterThanOrEqual(1);
  });

  it('applies a changed policy without a restart: new client id, new connection, fixed entry', async () => {
    await options.goto(`chrome-extension://${browser.extensionId}/options.html#connections`);
    const revocationsBefore = server.records.revocations.length;
    writePolicy({
      connections: [
        { ...acme, clientId: SECOND_CLIENT.id, clientSecret: SECOND_CLIENT.secret },
        team,
      ],
      allowUserConnections: true,
    });

    const acmeCard = cardOf(options, ACME);
    await options.locator(`[data-connection-id="${ACME}"][data-state="needs-reconnect"]`).waitFor({
      timeout: 30_000,
    });
    await cardOf(options, TEAM).waitFor({ timeout: 30_000 });
    await options.getByTestId('add-connection-form').waitFor();
    const consentWindow = browser.context.waitForEvent('page', { timeout: 30_000 });
    await acmeCard.getByRole('button', { name: 'Reconnect', exact: true }).click();
    await completeConsentInPage(await consentWindow);
    await options
      .locator(`[data-connection-id="${ACME}"][data-state="healthy"]`)
      .waitFor({ timeout: 30_000 });

    const events = (await readState(options)).events.filter((e) => e.connectionId === ACME);
    expect(server.records.revocations.length).toBeGreaterThan(revocationsBefore);
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['policy-changed', 'needs-reconnect', 'access-revoked']),
    );
    expect(await options.getByTestId('policy-problem').count()).toBe(0);
    expect(await options.getByTestId('policy-require-lock').count()).toBe(0);
    expect(await acmeCard.getByTestId('managed-details').textContent()).toContain(SECOND_CLIENT.id);
  });

  it('disconnects, revokes and removes a connection the policy drops', async () => {
    const revocationsBefore = server.records.revocations.length;
    writePolicy({ connections: [team] });

    await cardOf(options, ACME).waitFor({ state: 'detached', timeout: 30_000 });

    const { connections, events } = await readState(options);
    expect(connections.map((c) => c.id)).toEqual([TEAM]);
    expect(server.records.revocations.length).toBeGreaterThan(revocationsBefore);
    expect(
      events
        .filter((e) => e.connectionId === ACME)
        .map((e) => e.kind)
        .slice(-2),
    ).toEqual(['disconnected', 'policy-removed']);
  });
});
