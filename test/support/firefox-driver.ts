// Drives Debian's Firefox ESR through its built-in Marionette server (no geckodriver, nothing downloaded):
// a length-prefixed JSON protocol over TCP — frames `<byte length>:<json>`, commands `[0, id, name, params]`,
// replies `[1, id, error, result]`. Firefox lists the extension's own tabs here (WebDriver BiDi does not),
// and its privileged "chrome" context can open any moz-extension:// page. See docs/architecture.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from './poll';

/** Where Debian's Firefox ESR lives unless FIREFOX_PATH says otherwise; undefined when absent. */
export function findFirefox(): string | undefined {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr'];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path!));
}

/** A WebDriver element reference as Marionette sends it: `{ [ELEMENT_KEY]: id }`. */
export type ElementRef = Record<string, string>;

/** The key of an element reference (WebDriver). */
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/** A Marionette error reply. */
export class MarionetteError extends Error {
  constructor(
    readonly command: string,
    readonly error: string,
    message: string,
  ) {
    super(`${command}: ${error}: ${message}`);
    this.name = 'MarionetteError';
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; name: string };

/** One Marionette connection: sends commands, matches replies by id. */
export class MarionetteClient {
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, Pending>();
  private greeted: Promise<void>;

  private constructor(private readonly socket: Socket) {
    let greet: () => void;
    this.greeted = new Promise((resolve) => (greet = resolve));
    let first = true;
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (let frame = this.nextFrame(); frame !== undefined; frame = this.nextFrame()) {
        // The server speaks first: `{"applicationType":"gecko","marionetteProtocol":3}`.
        if (first) {
          first = false;
          greet();
          continue;
        }
        this.onReply(frame);
      }
    });
    const fail = (error: Error) => {
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('Marionette connection closed')));
  }

  /** Connects to Marionette on 127.0.0.1:`port` and waits for its greeting. */
  static async connect(port: number): Promise<MarionetteClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new MarionetteClient(socket);
    await client.greeted;
    return client;
  }

  /** Sends one command and resolves with its result (rejects with a MarionetteError). */
  command<T = unknown>(name: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    const body = Buffer.from(JSON.stringify([0, id, name, params]), 'utf8');
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, name });
      this.socket.write(`${body.length}:`);
      this.socket.write(body);
    });
  }

  /** Closes the socket. */
  close(): void {
    this.socket.destroy();
  }

  private nextFrame(): unknown {
    const colon = this.buffer.indexOf(0x3a);
    if (colon < 0) return undefined;
    const length = Number(this.buffer.subarray(0, colon).toString('ascii'));
    if (this.buffer.length < colon + 1 + length) return undefined;
    const json = this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
    this.buffer = this.buffer.subarray(colon + 1 + length);
    return JSON.parse(json);
  }

  private onReply(frame: unknown): void {
    if (!Array.isArray(frame) || frame[0] !== 1) return;
    const [, id, error, result] = frame as [
      1,
      number,
      { error: string; message: string } | null,
      unknown,
    ];
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (error) pending.reject(new MarionetteError(pending.name, error.error, error.message));
    else pending.resolve(result);
  }
}

/** Preferences every test profile gets: Marionette on a free port, a quiet start, no background traffic. */
const BASE_PREFS: Record<string, string | number | boolean> = {
  // 0: Firefox picks a free port and writes it to <profile>/MarionetteActivePort.
  'marionette.port': 0,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'browser.aboutwelcome.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.disabledForTesting': true,
  'browser.safebrowsing.update.enabled': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
};

/** A running Firefox with a Marionette session; page commands act on the current window. */
export interface FirefoxBrowser {
  profileDir: string;
  marionette: MarionetteClient;
  /** Installs an add-on package for good (unsigned ones need `xpinstall.signatures.required` off, as ESR allows). */
  installAddon(path: string): Promise<void>;
  /** Opens `url` (moz-extension:// too) in a new tab from the privileged context and switches to it. */
  openTab(url: string): Promise<string>;
  windowHandles(): Promise<string[]>;
  switchTo(handle: string): Promise<void>;
  /** Waits until a window not in `known` appears (a consent window) and switches to it. */
  switchToNewWindow(known: readonly string[], timeoutMs?: number): Promise<string>;
  /** Runs `script` (a function body; `arguments[i]` are `args`) in the page; a returned promise is awaited. */
  execute<T>(script: string, ...args: unknown[]): Promise<T>;
  /** The first element matching `css`, waiting for it up to `timeoutMs`. */
  waitFor(css: string, timeoutMs?: number): Promise<ElementRef>;
  /** The button whose text is `name` inside the first element matching `within`, waiting for it. */
  waitForButton(name: string, within?: string, timeoutMs?: number): Promise<ElementRef>;
  /** Clicks like a person does (a real user gesture: permissions.request is allowed in its handler). */
  click(element: ElementRef): Promise<void>;
  type(element: ElementRef, text: string): Promise<void>;
  /** Saves a PNG of the current page. */
  screenshot(path: string): Promise<void>;
  /** Quits Firefox (the profile stays for a restart unless `removeProfile`). */
  quit(options?: { removeProfile?: boolean }): Promise<void>;
}

/** Writes a profile's user.js: the base preferences plus `prefs`. */
function writeProfilePrefs(
  profileDir: string,
  prefs: Record<string, string | number | boolean>,
): void {
  const lines = Object.entries({ ...BASE_PREFS, ...prefs }).map(
    ([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`,
  );
  writeFileSync(join(profileDir, 'user.js'), `${lines.join('\n')}\n`);
}

/** Starts Firefox on `profileDir` (a new one when absent) and opens a Marionette session. */
export async function launchFirefox(options: {
  headless: boolean;
  profileDir?: string;
  prefs?: Record<string, string | number | boolean>;
}): Promise<FirefoxBrowser> {
  const executable = findFirefox();
  if (!executable) throw new Error('Firefox not found: sudo apt-get install -y firefox-esr');
  const profileDir = options.profileDir ?? mkdtempSync(join(tmpdir(), 'token-keeper-firefox-'));
  writeProfilePrefs(profileDir, options.prefs ?? {});
  const portFile = join(profileDir, 'MarionetteActivePort');
  rmSync(portFile, { force: true });

  const child = spawn(
    executable,
    [
      '--marionette',
      // The privileged context (Marionette:SetContext chrome) opens extension pages.
      '-remote-allow-system-access',
      '--no-remote',
      '--profile',
      profileDir,
      ...(options.headless ? ['--headless'] : []),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const port = await waitForPort(portFile, child, () => stderr);
  const marionette = await MarionetteClient.connect(port);
  await marionette.command('WebDriver:NewSession', { capabilities: {} });

  const windowHandles = () => marionette.command<string[]>('WebDriver:GetWindowHandles');
  const switchTo = async (handle: string) => {
    await marionette.command('WebDriver:SwitchToWindow', { handle });
  };
  const execute = async <T>(script: string, ...args: unknown[]) =>
    (await marionette.command<{ value: T }>('WebDriver:ExecuteScript', { script, args })).value;
  const switchToNewWindow = async (known: readonly string[], timeoutMs = 15_000) => {
    const handle = await pollUntil(
      async () => (await windowHandles()).find((h) => !known.includes(h)),
      { timeoutMs, everyMs: 200, what: 'a new window' },
    );
    await switchTo(handle);
    return handle;
  };
  const waitForButton = (name: string, within = 'body', timeoutMs = 15_000) =>
    pollUntil(
      async () =>
        (await execute<ElementRef | null>(
          `const scope = document.querySelector(arguments[0]);
           return [...(scope?.querySelectorAll('button') ?? [])]
             .find((b) => b.textContent.trim() === arguments[1]) ?? null;`,
          within,
          name,
        )) ?? undefined,
      { timeoutMs, everyMs: 200, what: `the button "${name}" in ${within}` },
    );

  return {
    profileDir,
    marionette,
    async installAddon(path) {
      await marionette.command('Addon:Install', { path, temporary: false });
    },
    async openTab(url) {
      const known = await windowHandles();
      await marionette.command('Marionette:SetContext', { value: 'chrome' });
      try {
        // The privileged context may open any page, moz-extension:// included (Navigate refuses those).
        await execute(
          `gBrowser.selectedTab = gBrowser.addTab(arguments[0], {
             triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal(),
           });`,
          url,
        );
      } finally {
        await marionette.command('Marionette:SetContext', { value: 'content' });
      }
      return switchToNewWindow(known);
    },
    windowHandles,
    switchTo,
    switchToNewWindow,
    execute,
    waitFor: (css, timeoutMs = 15_000) =>
      pollUntil(
        () =>
          marionette
            .command<{ value: ElementRef }>('WebDriver:FindElement', {
              using: 'css selector',
              value: css,
            })
            .then(
              (found) => found.value,
              () => undefined,
            ),
        { timeoutMs, everyMs: 200, what: css },
      ),
    waitForButton,
    async click(element) {
      await marionette.command('WebDriver:ElementClick', { id: element[ELEMENT_KEY] });
    },
    async type(element, text) {
      await marionette.command('WebDriver:ElementSendKeys', { id: element[ELEMENT_KEY], text });
    },
    async screenshot(path) {
      const { value } = await marionette.command<{ value: string }>('WebDriver:TakeScreenshot', {
        full: true,
      });
      writeFileSync(path, Buffer.from(value, 'base64'));
    },
    async quit(quitOptions = {}) {
      await marionette
        .command('Marionette:Quit', { flags: ['eAttemptQuit'] })
        .catch(() => undefined);
      marionette.close();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      if (quitOptions.removeProfile) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(
  portFile: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<number> {
  const port = () => {
    if (child.exitCode !== null) throw new Error(`Firefox exited (${child.exitCode}): ${stderr()}`);
    const written = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8').trim()) : 0;
    return written > 0 ? written : undefined;
  };
  return pollUntil(port, { timeoutMs: 60_000, what: 'Marionette' }).catch((error: unknown) => {
    if (child.exitCode !== null) throw error;
    child.kill('SIGKILL');
    throw new Error(`Marionette did not start within 60 s: ${stderr()}`);
  });
}
