import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers } from '@/utils/background/handlers';
import { createDispatcher } from '@/utils/background/register';
import type { Services } from '@/utils/background/services';
import { CALLER_BURST } from '@/utils/engine/caller-limit';
import { queryHistory } from '@/utils/store/history';
import { seedConnectionIn } from '../../support/engine-fixture';
import { dumpStores, offlineServices } from '../../support/offline-services';

const OWN_ID = 'iobfhdcojaekbokcoleldnljjlppjlne';
const FRIEND = 'abcdefghijklmnopabcdefghijklmnop';
const STRANGER = 'ponmlkjihgfedcbaponmlkjihgfedcba';

/** The worker's services with fakes all round, answering as this extension. */
const ownServices = () =>
  offlineServices({ redirectUri: `https://${OWN_ID}.chromiumapp.org/`, extensionId: OWN_ID });

const dumpDb = (services: Services) =>
  dumpStores(services, ['connections', 'secrets', 'history', 'settings']);

describe('token access for other extensions', () => {
  let services: Services;

  beforeEach(async () => {
    fakeBrowser.reset();
    services = await ownServices();
    await seedConnectionIn(services, { id: 'c1' });
  });

  it('is off by default: nobody is allowed', async () => {
    const actual = await services.access.answerExternal(
      { type: 'getAccessToken', connectionId: 'c1' },
      FRIEND,
    );

    expect(actual).toEqual({ ok: false, error: expect.objectContaining({ code: 'not_allowed' }) });
  });

  it('hands an allowed extension an access token, never the refresh token, and records it', async () => {
    await services.access.setAllowed('c1', [FRIEND]);

    const actual = await services.access.answerExternal(
      { type: 'getAccessToken', connectionId: 'c1' },
      FRIEND,
    );

    const history = (await queryHistory(services.db, { limit: 10 })).events;
    expect(actual).toEqual({
      ok: true,
      accessToken: 'at-0',
      tokenType: 'Bearer',
      expiresAt: expect.any(Number),
    });
    expect(JSON.stringify(actual)).not.toContain('rt-0');
    expect(history.map((e) => [e.kind, e.caller])).toEqual([
      ['token-issued', FRIEND],
      ['access-granted', FRIEND],
    ]);
    expect(JSON.stringify(history)).not.toContain('at-0');
  });

  it('limits each caller to a burst of requests, then says when to ask again', async () => {
    await services.access.setAllowed('c1', [FRIEND, STRANGER]);
    const ask = (caller: string) =>
      services.access.answerExternal({ type: 'getAccessToken', connectionId: 'c1' }, caller);

    const answers = [];
    for (let call = 0; call < CALLER_BURST + 5; call += 1) answers.push(await ask(FRIEND));
    const other = await ask(STRANGER);

    expect(answers.slice(0, CALLER_BURST).every((answer) => answer.ok)).toBe(true);
    expect(answers.slice(CALLER_BURST)).toEqual(
      Array(5).fill({
        ok: false,
        error: { code: 'rate_limited', message: expect.stringMatching(/ask again in 1 s/) },
      }),
    );
    expect(other.ok).toBe(true);
  });

  it('merges repeated hand-outs to one caller into one counted history row', async () => {
    await services.access.setAllowed('c1', [FRIEND, STRANGER]);
    const ask = (caller: string) =>
      services.access.answerExternal({ type: 'getAccessToken', connectionId: 'c1' }, caller);

    for (let call = 0; call < 12; call += 1) await ask(FRIEND);
    await ask(STRANGER);
    await ask(FRIEND);

    const issued = (await queryHistory(services.db, { limit: 50 })).events.filter(
      (event) => event.kind === 'token-issued',
    );
    expect(issued.map((event) => [event.caller, event.count ?? 1])).toEqual([
      [STRANGER, 1],
      [FRIEND, 13],
    ]);
  });

  it('answers an unknown connection exactly like a refused one (existence is not revealed)', async () => {
    await services.access.setAllowed('c1', [FRIEND]);

    const stranger = await services.access.answerExternal(
      { type: 'getAccessToken', connectionId: 'c1' },
      STRANGER,
    );
    const unknown = await services.access.answerExternal(
      { type: 'getAccessToken', connectionId: 'nope' },
      FRIEND,
    );

    expect(stranger).toEqual(unknown);
  });

  it.each([
    { name: 'not an object', message: 'getAccessToken' },
    { name: 'wrong type', message: { type: 'getRefreshToken', connectionId: 'c1' } },
    { name: 'extra field', message: { type: 'getAccessToken', connectionId: 'c1', scope: 'all' } },
    {
      name: 'negative validity',
      message: { type: 'getAccessToken', connectionId: 'c1', minValiditySeconds: -5 },
    },
  ])('rejects a malformed external message ($name) and changes nothing', async ({ message }) => {
    await services.access.setAllowed('c1', [FRIEND]);
    const before = await dumpDb(services);

    const actual = await services.access.answerExternal(message, FRIEND);

    expect(actual).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await dumpDb(services)).toBe(before);
  });

  it('refuses a malformed allow-list with a clear message and changes nothing', async () => {
    const before = await dumpDb(services);

    const actual = await services.access.setAllowed('c1', ['not-an-id']);

    expect(actual).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'An extension id is 32 letters from a to p, as shown on the extensions page.',
      },
    });
    expect(await dumpDb(services)).toBe(before);
  });

  it('records revocations when an extension is taken off the list', async () => {
    await services.access.setAllowed('c1', [FRIEND, STRANGER]);

    await services.access.setAllowed('c1', [STRANGER]);

    const kinds = (await queryHistory(services.db, { limit: 10 })).events.map(
      (e) => `${e.kind}:${e.caller}`,
    );
    expect(kinds).toContain(`access-revoked:${FRIEND}`);
    expect(await services.access.allowed('c1')).toEqual([STRANGER]);
  });
});

describe('page message boundary', () => {
  let services: Services;
  let dispatch: ReturnType<typeof createDispatcher>;

  beforeEach(async () => {
    fakeBrowser.reset();
    services = await ownServices();
    await seedConnectionIn(services, { id: 'c1' });
    dispatch = createDispatcher(async () => createHandlers(services), {
      id: OWN_ID,
      baseUrl: `chrome-extension://${OWN_ID}/`,
    });
  });

  it.each([
    {
      name: 'a content script on a web page',
      sender: { id: OWN_ID, url: 'https://evil.example/page' },
    },
    {
      name: 'another extension',
      sender: { id: STRANGER, url: `chrome-extension://${STRANGER}/bg.js` },
    },
    { name: 'a web page (no id)', sender: { url: 'https://evil.example/' } },
  ])('refuses $name and changes nothing', async ({ sender }) => {
    const before = await dumpDb(services);

    const attempts = [
      dispatch('getAccessToken', { connectionId: 'c1' }, sender),
      dispatch('removeConnection', { connectionId: 'c1' }, sender),
      dispatch('wipeAllData', undefined, sender),
    ];

    for (const attempt of attempts)
      await expect(attempt).rejects.toThrow('Token Keeper answers only its own pages.');
    expect(await dumpDb(services)).toBe(before);
  });

  it('refuses a malformed message from its own page with a clear error and changes nothing', async () => {
    const sender = { id: OWN_ID, url: `chrome-extension://${OWN_ID}/options.html` };
    const before = await dumpDb(services);

    const attempt = dispatch(
      'setExternalAccess',
      { connectionId: 'c1', allowed: 'everyone' },
      sender,
    );

    await expect(attempt).rejects.toThrow(/^Invalid request: /);
    expect(await dumpDb(services)).toBe(before);
  });
});

describe('remove all data', () => {
  it('empties every store and replaces the key so nothing sealed before can be opened', async () => {
    fakeBrowser.reset();
    const services = await ownServices();
    await seedConnectionIn(services, { id: 'c1' });
    const oldSealed = await services.db.get('secrets', 'c1');
    const oldKey = await services.db.get('keys', 'secrets');

    const outcome = await services.wipe();

    const counts = await Promise.all(
      (['connections', 'secrets', 'history', 'settings'] as const).map((store) =>
        services.db.count(store),
      ),
    );
    const newKey = (await services.db.get('keys', 'secrets')) as CryptoKey | undefined;
    expect(outcome).toEqual({ connections: 1 });
    expect(counts).toEqual([0, 0, 0, 0]);
    expect(newKey).toBeDefined();
    expect(newKey).not.toBe(oldKey);
    await expect(
      crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: oldSealed!.iv, additionalData: new TextEncoder().encode('c1') },
        newKey!,
        oldSealed!.data,
      ),
    ).rejects.toThrow();
    expect(await fakeBrowser.alarms.get('refresh')).toBeUndefined();
  });

  it('deletes the database itself, not only its rows (docs/security.md#wipe)', async () => {
    fakeBrowser.reset();
    const services = await ownServices();
    await seedConnectionIn(services, { id: 'c1' });
    const event = { connectionId: 'c1', at: 1, kind: 'refreshed', ok: true } as const;
    await services.db.add('history', { ...event });
    await services.db.add('history', { ...event });

    await services.wipe();
    const firstIdAfter = await services.db.add('history', { ...event });

    // Clearing a store keeps its key generator (IndexedDB 3.0 §2.11): only a new database starts at 1 again.
    expect(firstIdAfter).toBe(1);
  });
});
