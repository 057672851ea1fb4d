// `npm start`: build the extension, start the local demo authorization server and open Chromium with a
// prefilled "Demo" connection. `--headless --duration 300` connects by itself and prints each event.
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { HistoryEvent } from '../utils/model';
import { startAuthServer, type AuthServerHandle } from '../test/support/auth-server';
import { buildExtension } from '../test/support/build';
import { findChromium, launchExtension, type ExtensionBrowser } from '../test/support/chromium';
import { addDemoConnection, connectWithConsent, readState } from '../test/support/extension-driver';
import { pollUntil } from '../test/support/poll';

const { values } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    duration: { type: 'string' },
    port: { type: 'string', default: '9555' },
    'token-ttl': { type: 'string', default: '120' },
  },
});

const time = (at: number) => new Date(at).toLocaleTimeString('en-GB', { hour12: false });
const say = (line: string) => console.log(`[${time(Date.now())}] ${line}`);

function describeEvent(event: HistoryEvent, label: string): string {
  const expiry = event.expiresAt ? `, token valid until ${time(event.expiresAt)}` : '';
  const took = event.durationMs === undefined ? '' : ` in ${event.durationMs} ms`;
  const trigger = event.trigger ? ` (${event.trigger})` : '';
  const reason = event.error ? ` — ${event.error.message}` : '';
  if (event.kind === 'retry-scheduled')
    return `${label}: retry scheduled at ${time(event.expiresAt ?? 0)}`;
  return `${label}: ${event.kind}${trigger}${took}${expiry}${reason}`;
}

async function main(): Promise<number> {
  const headless = values.headless;
  const durationSec = values.duration === undefined ? undefined : Number(values.duration);
  const port = Number(values.port);
  const tokenTtlSec = Number(values['token-ttl']);
  if (durationSec !== undefined && !(durationSec > 0))
    throw new Error('--duration must be a number of seconds.');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error('--port must be a TCP port number.');
  if (!(tokenTtlSec >= 30)) throw new Error('--token-ttl must be at least 30 seconds.');
  if (!headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Error(
      'No display found: run `npm start -- --headless --duration 300` on a machine without one.',
    );
  }

  findChromium();
  let server: AuthServerHandle;
  try {
    server = await startAuthServer({ port, accessTokenTtlSec: tokenTtlSec });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${port} is taken: stop whatever uses it or pass --port <another>.`);
    }
    throw error;
  }
  say(
    `Demo authorization server at ${server.issuer} (access tokens live ${tokenTtlSec} s, refresh tokens rotate)`,
  );
  let extensionDir: string;
  try {
    say('Building the extension…');
    extensionDir = buildExtension();
  } catch (error) {
    await server.close();
    throw error;
  }

  const browser = await launchExtension({ extensionDir, headless });
  let failures = 0;
  try {
    say(`Chromium started with Token Keeper (extension id ${browser.extensionId})`);
    const { page: options, connectionId } = await addDemoConnection(
      browser,
      server.issuer,
      'Demo',
      'openid email offline_access',
    );
    if (headless) {
      await connectWithConsent(browser, options, connectionId);
    } else {
      say(
        'Press "Connect" on the Demo card and approve in the consent window (any name and password).',
      );
    }
    failures = await follow(browser, options, durationSec);
  } finally {
    await browser.close();
    await server.close();
  }
  if (failures > 0) {
    console.error(`${failures} failure event(s) during the demo.`);
    return 1;
  }
  return 0;
}

/** Prints every new history event and schedule change until the duration ends or the browser closes. */
async function follow(
  browser: ExtensionBrowser,
  page: Page,
  durationSec: number | undefined,
): Promise<number> {
  const seen = new Set<number>();
  const plannedSeen = new Map<string, number>();
  const endAt = durationSec === undefined ? Infinity : Date.now() + durationSec * 1000;
  let failures = 0;
  let closed = false;
  browser.context.on('close', () => (closed = true));
  // Every second until the end or the browser closes: print what is new.
  await pollUntil(
    async () => {
      if (closed || Date.now() >= endAt) return true;
      const state = await readState(page).catch(() => undefined);
      if (!state) return false;
      const labels = new Map(state.connections.map((c) => [c.id, c.label]));
      for (const event of state.events.sort((a, b) => a.at - b.at)) {
        if (event.id === undefined || seen.has(event.id)) continue;
        seen.add(event.id);
        if (!event.ok) failures += event.kind === 'refresh-failed' ? 1 : 0;
        say(describeEvent(event, labels.get(event.connectionId) ?? event.connectionId));
      }
      for (const connection of state.connections) {
        const planned = connection.nextRefreshAt;
        if (planned !== undefined && plannedSeen.get(connection.id) !== planned) {
          plannedSeen.set(connection.id, planned);
          say(`${connection.label}: next refresh at ${time(planned)}`);
        }
      }
      return false;
    },
    { timeoutMs: Infinity, everyMs: 1000 },
  );
  if (seen.size === 0)
    throw new Error('No events were recorded: the demo connection never connected.');
  return failures;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
