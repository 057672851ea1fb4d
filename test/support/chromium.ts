import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';

/** Where Debian's Chromium lives unless CHROMIUM_PATH says otherwise. */
export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => Boolean(path) && existsSync(path!));
  if (!found) {
    throw new Error(
      'Chromium not found: install it with `sudo apt-get install -y chromium` or set CHROMIUM_PATH.',
    );
  }
  return found;
}

/** A browser with the extension loaded. */
export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  userDataDir: string;
  /** The extension's service worker as it is now (it may be restarted by Chromium). */
  worker(): Promise<Worker>;
  /** Closes the browser; removes the profile unless `keepProfile`. */
  close(options?: { keepProfile?: boolean }): Promise<void>;
}

/** Launches Chromium with the unpacked extension at `extensionDir`. */
export async function launchExtension(options: {
  extensionDir: string;
  headless: boolean;
  userDataDir?: string;
}): Promise<ExtensionBrowser> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'token-keeper-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: options.headless,
    args: [
      ...(options.headless ? ['--headless=new'] : []),
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const worker = async (): Promise<Worker> =>
    context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL((await worker()).url()).host;
  return {
    context,
    extensionId,
    userDataDir,
    worker,
    async close(closeOptions = {}) {
      await context.close();
      if (!closeOptions.keepProfile && !options.userDataDir)
        rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Stops every service worker of the browser, as Chrome does to an idle worker (DevTools protocol). */
export async function stopServiceWorkers(browser: ExtensionBrowser): Promise<void> {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const cdp = await browser.context.newCDPSession(page);
  const stopped = new Promise<void>((resolve) => {
    cdp.on(
      'ServiceWorker.workerVersionUpdated',
      (event: { versions: { runningStatus: string }[] }) => {
        if (event.versions.every((version) => version.runningStatus === 'stopped')) resolve();
      },
    );
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped;
  await cdp.detach();
}

/** An alarm as `chrome.alarms` reports it. */
export interface AlarmInfo {
  name: string;
  scheduledTime: number;
  periodInMinutes?: number;
}

/** Reads the extension's alarms from inside its service worker. */
export async function readAlarms(browser: ExtensionBrowser): Promise<AlarmInfo[]> {
  const worker = await browser.worker();
  return worker.evaluate(() => {
    const api = (
      globalThis as unknown as { chrome: { alarms: { getAll(): Promise<AlarmInfo[]> } } }
    ).chrome;
    return api.alarms.getAll();
  });
}
