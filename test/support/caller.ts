import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import ts from 'typescript';
import type { TokenKeeperEvent } from '../../client/token-keeper-client';
import { CHROME_BUILD_DIR, ROOT } from './build';
import { extensionIdOf, launchExtension, type ExtensionBrowser } from './chromium';

/** The test caller's sources: its manifest and worker. */
const CALLER_SOURCE = join(ROOT, 'test', 'support', 'caller-extension');

/** The client module integrators copy (docs/integration.md); the caller runs exactly this file. */
const CLIENT_MODULE = join(ROOT, 'client', 'token-keeper-client.ts');

/**
 * The test caller extension as Chromium loads it (built by {@link buildCallerExtension}): stands in for an
 * integrating extension, and can disable Token Keeper.
 */
export const CALLER_DIR = join(ROOT, '.output', 'test-caller');

/** Its id, fixed by the key in its manifest. */
export const CALLER_ID = extensionIdOf(CALLER_SOURCE)!;

/** Writes the caller into {@link CALLER_DIR}: its sources and the client module compiled to JavaScript. */
export function buildCallerExtension(): string {
  mkdirSync(CALLER_DIR, { recursive: true });
  for (const file of ['manifest.json', 'background.js'])
    copyFileSync(join(CALLER_SOURCE, file), join(CALLER_DIR, file));
  // Types stripped, nothing else changed: what an integrator's own build would make of the copied file.
  const compiled = ts.transpileModule(readFileSync(CLIENT_MODULE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  if (compiled.diagnostics?.length) throw new Error('The client module does not compile.');
  writeFileSync(join(CALLER_DIR, 'token-keeper-client.js'), compiled.outputText);
  return CALLER_DIR;
}

/** Launches headless Chromium with the built Token Keeper and the test caller beside it. */
export function launchWithCaller(): Promise<ExtensionBrowser> {
  return launchExtension({
    extensionDir: CHROME_BUILD_DIR,
    headless: true,
    alsoLoad: [CALLER_DIR],
  });
}

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

/** Runs one of the client module's calls inside the caller's worker and returns its answer. */
export function callerAsks(
  worker: Worker,
  tokenKeeperId: string,
  call: { getAccessToken: [connectionId: string] } | { requestAccess: [request: unknown] },
) {
  return worker.evaluate(
    ([id, call]) => {
      const client = (
        globalThis as unknown as {
          tokenKeeperClient(id: string): Record<string, (...args: unknown[]) => Promise<unknown>>;
        }
      ).tokenKeeperClient(id);
      const [name, args] = Object.entries(call)[0] as [string, unknown[]];
      return client[name]!(...args) as Promise<Record<string, unknown>>;
    },
    [tokenKeeperId, call] as const,
  );
}

/** Starts the caller's subscription (the client module's `subscribe`), forgetting earlier events. */
export function callerSubscribes(worker: Worker, tokenKeeperId: string): Promise<void> {
  return worker.evaluate(
    (id) =>
      (
        globalThis as unknown as { subscribeToTokenKeeper(id: string): void }
      ).subscribeToTokenKeeper(id),
    tokenKeeperId,
  );
}

/** The events the caller's subscription has received so far. */
export function callerEvents(worker: Worker): Promise<TokenKeeperEvent[]> {
  return worker.evaluate(
    () => (globalThis as unknown as { receivedEvents: TokenKeeperEvent[] }).receivedEvents,
  );
}
