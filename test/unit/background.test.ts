import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers, isOwnPage } from '@/utils/background/handlers';
import { createServices } from '@/utils/background/services';
import type { StatusSnapshot } from '@/utils/model';
import { manualClock } from '../support/engine-fixture';

const EXTENSION_ID = 'iobfhdcojaekbokcoleldnljjlppjlne';

/** A custom connection with its endpoints typed by hand: adding it needs no network. */
const BY_HAND = {
  provider: 'custom',
  label: 'Local',
  clientId: 'app',
  scopes: ['openid'],
  authorizationEndpoint: 'https://as.example/authorize',
  tokenEndpoint: 'https://as.example/token',
};

async function servicesForTest() {
  const broadcasts: StatusSnapshot[] = [];
  const services = await createServices({
    alarms: fakeBrowser.alarms,
    authorize: async () => 'https://example.invalid/?error=access_denied',
    redirectUri: `https://${EXTENSION_ID}.chromiumapp.org/`,
    changed: (snapshot) => broadcasts.push(snapshot),
    clock: manualClock(),
  });
  return { services, handlers: createHandlers(services), broadcasts };
}

describe('isOwnPage', () => {
  const chromium = { id: EXTENSION_ID, baseUrl: `chrome-extension://${EXTENSION_ID}/` };
  // Firefox: the id is the manifest's gecko id, the pages' host a per-profile UUID.
  const firefox = {
    id: 'token-keeper@token-keeper.dev',
    baseUrl: 'moz-extension://6b1c6d7e-1f4a-4c8e-9f00-0123456789ab/',
  };

  it.each([
    {
      name: 'the options page',
      sender: { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/options.html` },
      expected: true,
    },
    {
      name: 'a content script on a web page',
      sender: { id: EXTENSION_ID, url: 'https://evil.example/' },
      expected: false,
    },
    {
      name: 'another extension',
      sender: {
        id: 'abcdefghijklmnopabcdefghijklmnop',
        url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/x.html',
      },
      expected: false,
    },
    { name: 'no url', sender: { id: EXTENSION_ID }, expected: false },
    { name: 'an unparsable url', sender: { id: EXTENSION_ID, url: 'not a url' }, expected: false },
  ])('$name → $expected', ({ sender, expected }) => {
    expect(isOwnPage(sender, chromium)).toBe(expected);
  });

  it.each([
    {
      name: 'the options page in Firefox',
      sender: { id: firefox.id, url: `${firefox.baseUrl}options.html` },
      expected: true,
    },
    {
      name: 'a page of another Firefox extension claiming our id',
      sender: {
        id: firefox.id,
        url: 'moz-extension://00000000-0000-4000-8000-000000000000/x.html',
      },
      expected: false,
    },
    {
      name: 'a content script in Firefox',
      sender: { id: firefox.id, url: 'https://evil.example/' },
      expected: false,
    },
  ])('$name → $expected', ({ sender, expected }) => {
    expect(isOwnPage(sender, firefox)).toBe(expected);
  });
});

describe('page request handlers', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('rejects a malformed message with a clear error and changes nothing', async () => {
    const { handlers, services } = await servicesForTest();

    const attempt = handlers.refreshNow({ connectionId: 42 });

    await expect(attempt).rejects.toThrow(/^Invalid request/);
    expect((await services.snapshot()).connections).toEqual([]);
  });

  it('answers Refresh now for a connection that no longer exists as missing, not as a state', async () => {
    const { handlers } = await servicesForTest();

    const actual = await handlers.refreshNow({ connectionId: 'gone' });

    expect(actual).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'This connection no longer exists.' },
      state: 'missing',
    });
  });

  it('adds a custom connection with endpoints by hand and reports it without secrets', async () => {
    const { handlers, services } = await servicesForTest();
    const input = {
      provider: 'custom',
      label: 'Local',
      clientId: 'app',
      clientSecret: 'super-secret-value',
      scopes: ['openid'],
      authorizationEndpoint: 'https://as.example/authorize',
      tokenEndpoint: 'https://as.example/token',
    };

    const actual = await handlers.addConnection(input);

    const snapshot = await services.snapshot();
    expect(actual).toMatchObject({ ok: true, value: { label: 'Local', state: 'new' } });
    expect(snapshot.connections).toHaveLength(1);
    expect(JSON.stringify(snapshot)).not.toContain('super-secret-value');
    expect(snapshot.connections[0]).not.toHaveProperty('clientSecret');
  });

  it.each([
    { change: { label: '' }, message: 'Give the connection a label.' },
    {
      change: { tokenEndpoint: 'http://as.example/token' },
      message:
        'Token endpoint must use https:// (plain http is allowed only for 127.0.0.1 and localhost).',
    },
    {
      change: { tokenEndpoint: undefined },
      message: 'Enter an issuer URL for discovery, or both the authorization and token endpoints.',
    },
  ])('refuses a bad connection: $message', async ({ change, message }) => {
    const { handlers, services } = await servicesForTest();
    const input = { ...BY_HAND, ...change };

    const actual = await handlers.addConnection(input);

    expect(actual).toEqual({ ok: false, error: { code: expect.any(String), message } });
    expect((await services.snapshot()).connections).toEqual([]);
  });

  it('validates settings and re-arms the sweep with the new interval', async () => {
    const { handlers } = await servicesForTest();

    const bad = await handlers.saveSettings({ checkIntervalMin: -1 });
    const good = await handlers.saveSettings({ checkIntervalMin: 15 });

    expect(bad).toEqual({
      ok: false,
      errors: [{ field: 'checkIntervalMin', message: 'Check interval must be at least 1 minute.' }],
    });
    expect(good).toMatchObject({ ok: true, settings: { checkIntervalMin: 15 } });
    expect(await fakeBrowser.alarms.get('sweep')).toMatchObject({ periodInMinutes: 15 });
  });

  it('reports a consent the user denied as a clear error', async () => {
    const { handlers } = await servicesForTest();
    const added = await handlers.addConnection(BY_HAND);

    const actual = await handlers.connect({ connectionId: added.ok ? added.value.id : '' });

    expect(actual).toMatchObject({ ok: false, error: { code: 'connect_failed' } });
    expect(actual.ok ? '' : actual.error.message).toMatch(/^Could not connect: /);
  });
});
