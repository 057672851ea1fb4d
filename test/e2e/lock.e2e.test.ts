// The passphrase lock end to end (docs/security.md#the-lock): turned on in the options page, it
// survives a browser restart locked; a copy of the locked profile started elsewhere can neither refresh nor
// hand out a token until the passphrase is given, and its IndexedDB files hold the wrapped key only.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { CHROME_BUILD_DIR } from '../support/build';
import { launchExtension, readAlarms, type ExtensionBrowser } from '../support/chromium';
import { connectDemoConnection, connectionOf, sendFromPage } from '../support/extension-driver';
import { inPageDb } from '../support/page-db';
import {
  filesUnder,
  findKeysOpening,
  indexedDbFiles,
  readSealed,
  type SealedCopy,
} from '../support/key-scan';

const PASSPHRASE = 'a passphrase for the e2e test';

/** What the `keys` store holds, as the extension's own page reads it (no key bytes leave the page). */
function describeKeys(page: Page): Promise<{ name: string; cryptoKey: boolean; kind?: string }[]> {
  return inPageDb(page, {
    stores: ['keys'],
    work: (tx) => {
      const store = tx.objectStore('keys');
      const keys = store.getAllKeys();
      const values = store.getAll();
      return () =>
        values.result.map((value: unknown, index: number) => ({
          name: String(keys.result[index]),
          cryptoKey: value instanceof CryptoKey,
          kind: (value as { kind?: string }).kind,
        }));
    },
  });
}

async function badgeText(browser: ExtensionBrowser): Promise<string> {
  const worker = await browser.worker();
  return worker.evaluate(() =>
    (
      globalThis as unknown as {
        chrome: { action: { getBadgeText(details: object): Promise<string> } };
      }
    ).chrome.action.getBadgeText({}),
  );
}

async function openPopup(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await page.locator('.popup-header h1').waitFor();
  return page;
}

describe('the passphrase lock (Chromium)', () => {
  let server: AuthServerHandle;
  let original: ExtensionBrowser | undefined;
  let copy: ExtensionBrowser | undefined;
  const copyDir = mkdtempSync(join(tmpdir(), 'token-keeper-copy-'));
  let connectionId: string;
  let sealedBeforeLock: SealedCopy;
  let sealedLocked: SealedCopy;

  beforeAll(async () => {
    // 20 s tokens: their refresh is due (30 s floor) while the copy sits locked.
    server = await startAuthServer({ accessTokenTtlSec: 20 });
  });

  afterAll(async () => {
    await copy?.close();
    await original?.close();
    await server?.close();
    rmSync(copyDir, { recursive: true, force: true });
  });

  it('is turned on in Settings → Security and leaves only the wrapped key in the database', async () => {
    original = await launchExtension({ extensionDir: CHROME_BUILD_DIR, headless: true });
    const connected = await connectDemoConnection(original, server.issuer, 'Locked away');
    const options = connected.page;
    connectionId = connected.connectionId;
    sealedBeforeLock = (await readSealed(options, connectionId))!;

    await options.goto(`chrome-extension://${original.extensionId}/options.html#settings`);
    const security = options.getByTestId('security');
    await security.getByText(/Nobody can recover a forgotten passphrase/).waitFor();
    await security.getByLabel('New passphrase (at least 8 characters)').fill(PASSPHRASE);
    await security.getByLabel('Repeat the new passphrase').fill(PASSPHRASE);
    await security.getByLabel(/a forgotten passphrase means setting up every/).check();
    const started = Date.now();
    await security.getByRole('button', { name: 'Turn on the lock' }).click();
    await security.locator('[data-testid="lock-state"][data-mode="unlocked"]').waitFor();
    const turnOnMs = Date.now() - started;

    const keys = await describeKeys(options);
    expect(keys).toEqual([{ name: 'wrapped', cryptoKey: false, kind: 'wrapped-data-key' }]);
    expect(turnOnMs).toBeLessThan(10_000);
    console.info(`Turning the lock on (600,000 PBKDF2 iterations) took ${turnOnMs} ms`);
  });

  it('is locked after a browser restart: "Locked" first in the popup, LOCK on the badge', async () => {
    await original!.close({ keepProfile: true });
    original = await launchExtension({
      extensionDir: CHROME_BUILD_DIR,
      headless: true,
      userDataDir: original!.userDataDir,
    });

    const popup = await openPopup(original);
    await popup.getByTestId('locked').waitFor();
    const first = await popup.locator('.popup-header h1 + *').textContent();
    sealedLocked = (await readSealed(popup, connectionId))!;

    expect(first).toBe('Locked');
    expect(await popup.getByLabel('Passphrase').count()).toBe(1);
    await expect.poll(() => badgeText(original!), { timeout: 5_000 }).toBe('LOCK');
  });

  it('copied while locked, holds no key that opens the current secrets, and no token in clear', async () => {
    await original!.close({ keepProfile: true });
    cpSync(original!.userDataDir, copyDir, { recursive: true });

    const files = indexedDbFiles(copyDir, original!.extensionId);
    const everything = filesUnder(copyDir);
    const tokens = server.tokenValues();

    const currentKey = findKeysOpening(files, sealedLocked);
    const oldKey = findKeysOpening(files, sealedBeforeLock);
    const leaks = everything.filter((file) => {
      const bytes = readFileSync(file);
      const text = bytes.toString('latin1') + bytes.toString('utf16le');
      return tokens.some((token) => text.includes(token));
    });

    expect(files.length).toBeGreaterThan(0);
    expect(currentKey).toEqual([]);
    expect(leaks).toEqual([]);
    // Measured, not wished (docs/security.md#turning-the-lock-on): the key from before the lock was
    // turned on stays in LevelDB files until Chromium compacts them, so secrets sealed before still open.
    expect(oldKey.length).toBeGreaterThan(0);
  });
  it('leaves a copy of the locked profile unable to refresh or hand out a token until the passphrase is given', async () => {
    const refreshesBefore = server.records.refreshSuccesses;
    copy = await launchExtension({
      extensionDir: CHROME_BUILD_DIR,
      headless: true,
      userDataDir: copyDir,
    });
    const popup = await openPopup(copy);
    await popup.getByTestId('locked').waitFor();

    const token = await sendFromPage(popup, 'getAccessToken', { connectionId });
    const manual = await sendFromPage(popup, 'refreshNow', { connectionId });
    // Reconcile runs once the worker started; the copied profile's alarms are re-armed (to none) by it.
    await expect
      .poll(async () => (await readAlarms(copy!)).map((alarm) => alarm.name), { timeout: 5_000 })
      .not.toContain('refresh');
    // Let its refresh fall due while locked: nothing may go out.
    const due = (await connectionOf(popup, connectionId)).nextRefreshAt!;
    while (Date.now() < due + 3_000) await popup.waitForTimeout(500);
    const refreshesWhileLocked = server.records.refreshSuccesses - refreshesBefore;

    await popup.getByLabel('Passphrase').fill('not the passphrase');
    await popup.getByRole('button', { name: 'Unlock' }).click();
    const wrong = await popup.getByTestId('unlock-error').textContent();
    await popup.getByLabel('Passphrase').fill(PASSPHRASE);
    await popup.getByRole('button', { name: 'Unlock' }).click();
    await popup.getByTestId('summary').waitFor();
    // Overdue when unlocked: refreshed at once, with no alarm to wait for.
    await expect
      .poll(() => server.records.refreshSuccesses, { timeout: 10_000 })
      .toBeGreaterThan(refreshesBefore);
    const after = await sendFromPage(popup, 'getAccessToken', { connectionId });

    expect(token).toMatchObject({ res: { ok: false, error: { code: 'locked' } } });
    expect(manual).toMatchObject({ res: { ok: false, error: { code: 'locked' } } });
    expect(refreshesWhileLocked).toBe(0);
    expect(wrong).toBe('That passphrase is not right.');
    expect(after).toMatchObject({ res: { ok: true, value: { accessToken: expect.any(String) } } });
  });
});
