import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { ROOT } from './build';
import { extensionIdOf, type ExtensionBrowser } from './chromium';

/** The test caller extension: stands in for an integrating extension, and can disable Token Keeper. */
export const CALLER_DIR = join(ROOT, 'test', 'support', 'caller-extension');

/** Its id, fixed by the key in its manifest. */
export const CALLER_ID = extensionIdOf(CALLER_DIR)!;

/** The caller's service worker in a browser launched with `alsoLoad: [CALLER_DIR]`. */
export async function callerWorker(browser: ExtensionBrowser): Promise<Worker> {
  const isCaller = (w: Worker) => w.url().startsWith(`chrome-extension://${CALLER_ID}/`);
  return (
    browser.context.serviceWorkers().find(isCaller) ??
    (await browser.context.waitForEvent('serviceworker', { predicate: isCaller, timeout: 30_000 }))
  );
}

/** Sends `message` to Token Keeper from the caller, as an integrating extension would. */
export function askFromCaller(worker: Worker, tokenKeeperId: string, message: unknown) {
  return worker.evaluate(
    ([id, message]) =>
      (
        globalThis as unknown as {
          askTokenKeeper(id: string, m: unknown): Promise<Record<string, unknown>>;
        }
      ).askTokenKeeper(id, message),
    [tokenKeeperId, message] as const,
  );
}

/** Disables or re-enables Token Keeper through `chrome.management`, as the person would on the extensions page. */
export function setTokenKeeperEnabled(worker: Worker, tokenKeeperId: string, enabled: boolean) {
  return worker.evaluate(
    ([id, enabled]) =>
      (
        globalThis as unknown as {
          setTokenKeeperEnabled(id: string, enabled: boolean): Promise<void>;
        }
      ).setTokenKeeperEnabled(id, enabled),
    [tokenKeeperId, enabled] as const,
  );
}
