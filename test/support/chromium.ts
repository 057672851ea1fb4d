import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  /** More unpacked extensions to load beside Token Keeper (e.g. a test caller). */
  alsoLoad?: string[];
}): Promise<ExtensionBrowser> {
  const extensions = [options.extensionDir, ...(options.alsoLoad ?? [])].join(',');
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'token-keeper-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: options.headless,
    args: [
      ...(options.headless ? ['--headless=new'] : []),
      `--disable-extensions-except=${extensions}`,
      `--load-extension=${extensions}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  // With a pinned key the id is known in advance; otherwise the extension's is the only worker.
  const knownId = extensionIdOf(options.extensionDir);
  const isOurs = (w: Worker) =>
    w.url().startsWith(knownId ? `chrome-extension://${knownId}/` : 'chrome-extension://');
  const worker = async (): Promise<Worker> =>
    context.serviceWorkers().find(isOurs) ??
    (await context.waitForEvent('serviceworker', { predicate: isOurs, timeout: 30_000 }));
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

/** A service worker version as the DevTools protocol reports it. */
interface WorkerVersion {
  versionId: string;
  scriptURL: string;
  runningStatus: string;
}

/**
 * Stops every service worker of the browser, or only that of the extension `onlyId`, as Chrome does to an
 * idle worker (DevTools protocol).
 */
export async function stopServiceWorkers(
  browser: ExtensionBrowser,
  onlyId?: string,
): Promise<void> {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const cdp = await browser.context.newCDPSession(page);
  const mine = (version: WorkerVersion) =>
    onlyId === undefined || version.scriptURL.startsWith(`chrome-extension://${onlyId}/`);
  // Each version asked to stop counts once it has been seen stopped: it may start again right after.
  const running = new Set<string>();
  const seenStopped = new Set<string>();
  let asked: string[] | undefined = undefined;
  let done: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (done = resolve));
  let reported: () => void = () => undefined;
  const firstReport = new Promise<void>((resolve) => (reported = resolve));
  const settle = () => {
    if (asked?.every((id) => seenStopped.has(id))) done();
  };
  cdp.on('ServiceWorker.workerVersionUpdated', (event: { versions: WorkerVersion[] }) => {
    for (const version of event.versions.filter(mine)) {
      if (version.runningStatus === 'stopped') {
        running.delete(version.versionId);
        seenStopped.add(version.versionId);
      } else running.add(version.versionId);
    }
    reported();
    settle();
  });
  await cdp.send('ServiceWorker.enable');
  // The versions are reported after `enable` has answered.
  await Promise.race([firstReport, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  const targets = [...running];
  for (const id of targets) seenStopped.delete(id);
  if (onlyId === undefined) await cdp.send('ServiceWorker.stopAllWorkers');
  else for (const versionId of targets) await cdp.send('ServiceWorker.stopWorker', { versionId });
  asked = targets;
  settle();
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

/** The id Chrome gives an unpacked extension whose manifest pins a `key`: sha-256 of the key, in letters a–p. */
export function extensionIdOf(extensionDir: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8')) as {
    key?: string;
  };
  if (!manifest.key) return undefined;
  const hex = createHash('sha256')
    .update(Buffer.from(manifest.key, 'base64'))
    .digest('hex')
    .slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}
