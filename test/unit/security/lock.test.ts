// The optional passphrase lock (docs/security.md#the-lock): the data key on disk only in wrapped
// form, in memory only while unlocked, every refresh paused and every token refused while locked.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { detectionIntervalSec, lockWhenIdle } from '@/utils/background/idle-lock';
import type { Services } from '@/utils/background/services';
import { sessionKeyStore } from '@/utils/background/session-keys';
import { REFRESH_ALARM } from '@/utils/engine/scheduler';
import { FREE_UNLOCK_ATTEMPTS, unlockRetryAt } from '@/utils/engine/unlock-throttle';
import {
  generateExtractableDataKey,
  isWrappedKey,
  PBKDF2_ITERATIONS,
  unwrapRawDataKey,
  wrapDataKey,
  WrongPassphraseError,
} from '@/utils/store/key-wrap';
import { commitLockOn } from '@/utils/store/lock-records';
import { memorySessionKeys, openWith, sealWith, type SessionKeyStore } from '@/utils/store/vault';
import { queryHistory } from '@/utils/store/history';
import {
  engineFixture,
  fakeGrant,
  manualClock,
  seedConnection,
  seedConnectionIn,
  type FakeGrant,
  type ManualClock,
} from '../../support/engine-fixture';
import { dumpStores, offlineServices } from '../../support/offline-services';
import { quietConsole } from '../../support/quiet-console';

quietConsole();

/** Few iterations in tests only (an injected parameter); the product's constant is asserted below. */
const TEST_ITERATIONS = 1_000;
const PASSPHRASE = 'correct horse battery';

interface World {
  services: Services;
  grant: FakeGrant;
  clock: ManualClock;
  session: SessionKeyStore;
}

/** Services with one connected connection `c1` (access `at-0`, refresh `rt-0`), lock off. */
async function world(
  from: Partial<Pick<World, 'grant' | 'clock' | 'session'>> = {},
): Promise<World> {
  const grant = from.grant ?? fakeGrant();
  const clock = from.clock ?? manualClock();
  const session = from.session ?? memorySessionKeys();
  const services = await offlineServices({
    grant: grant.grant,
    clock,
    sessionKeys: session,
    lockIterations: TEST_ITERATIONS,
  });
  return { services, grant, clock, session };
}

/** Everything stored but history, byte for byte. */
const dump = (services: Services) =>
  dumpStores(services, ['connections', 'secrets', 'keys', 'settings']);

/** The refresh token stored for `c1`, read through the engine (needs the key). */
async function storedRefreshToken(services: Services): Promise<string | undefined> {
  const read = await services.refresher.secrets.read('c1');
  return read.ok ? read.record?.refreshToken : `unreadable:${read.reason}`;
}

beforeEach(() => fakeBrowser.reset());

describe('wrapping the data key', () => {
  it('wraps with at least 600,000 PBKDF2-SHA-256 iterations unless a test injects fewer', async () => {
    const product = await offlineServices();

    await product.lock.turnOn(PASSPHRASE);

    const wrapped = await product.db.get('keys', 'wrapped');
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(isWrappedKey(wrapped) && wrapped.iterations).toBe(PBKDF2_ITERATIONS);
  });

  it('unwraps to the same key bytes with the passphrase, and refuses any other', async () => {
    const key = await generateExtractableDataKey();
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', key));

    const wrapped = await wrapDataKey(key, PASSPHRASE, 'id-1', TEST_ITERATIONS);

    expect(await unwrapRawDataKey(wrapped, PASSPHRASE)).toEqual(raw);
    await expect(unwrapRawDataKey(wrapped, 'wrong horse battery')).rejects.toBeInstanceOf(
      WrongPassphraseError,
    );
    expect(new Uint8Array(wrapped.wrapped)).not.toEqual(raw);
    expect(wrapped.salt).toHaveLength(16);
  });
});

describe('turning the lock on', () => {
  it('keeps only the wrapped key on disk, re-sealed secrets that still open, and stays unlocked', async () => {
    const { services } = await world();
    await seedConnectionIn(services, { id: 'c1' });

    const result = await services.lock.turnOn(PASSPHRASE);

    const keys = await services.db.getAll('keys');
    expect(result).toMatchObject({ ok: true, value: { mode: 'unlocked' } });
    expect(await services.db.get('keys', 'secrets')).toBeUndefined();
    expect(keys).toHaveLength(1);
    expect(keys.some((value) => value instanceof CryptoKey)).toBe(false);
    expect(isWrappedKey(await services.db.get('keys', 'wrapped'))).toBe(true);
    expect(await storedRefreshToken(services)).toBe('rt-0');
    expect(await services.accessToken('c1', 60)).toMatchObject({
      ok: true,
      value: { accessToken: 'at-0' },
    });
  });

  it('refuses a short passphrase and changes nothing', async () => {
    const { services } = await world();
    await seedConnectionIn(services, { id: 'c1' });
    const before = await dump(services);

    const result = await services.lock.turnOn('short');

    expect(result).toMatchObject({ ok: false, error: { code: 'weak_passphrase' } });
    expect(await dump(services)).toBe(before);
  });

  it('re-seals every secret and swaps the keys in one transaction: a failing write leaves all as it was', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { id: 'c1' });
    await seedConnection(fixture, { id: 'c2' });
    const before = await fixture.db.getAll('secrets');
    const oldKey = (await fixture.db.get('keys', 'secrets')) as CryptoKey;
    const newKey = await generateExtractableDataKey();
    const wrapped = await wrapDataKey(newKey, PASSPHRASE, 'id-1', TEST_ITERATIONS);
    const good = await sealWith(newKey, { connectionId: 'c1', refreshToken: 'rt-0' });
    // The second write fails (no key path): IndexedDB aborts the transaction, so the first must not land.
    const broken = { iv: good.iv, data: good.data } as unknown as typeof good;

    const attempt = commitLockOn(fixture.db, { before, resealed: [good, broken], wrapped });

    await expect(attempt).rejects.toThrow();
    const after = await fixture.db.get('secrets', 'c1');
    expect(await openWith(oldKey, after!)).toMatchObject({ refreshToken: 'rt-0' });
    expect(await fixture.db.get('keys', 'secrets')).toBeDefined();
    expect(await fixture.db.get('keys', 'wrapped')).toBeUndefined();
  });

  it('writes nothing when a secret changed after it was read', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { id: 'c1' });
    const before = await fixture.db.getAll('secrets');
    const newKey = await generateExtractableDataKey();
    const wrapped = await wrapDataKey(newKey, PASSPHRASE, 'id-1', TEST_ITERATIONS);
    const resealed = [await sealWith(newKey, { connectionId: 'c1', refreshToken: 'rt-0' })];
    await fixture.db.put(
      'secrets',
      await fixture.vault.seal({ connectionId: 'c1', refreshToken: 'rt-1' }),
    );

    const committed = await commitLockOn(fixture.db, { before, resealed, wrapped });

    expect(committed).toBe(false);
    expect(await fixture.vault.open((await fixture.db.get('secrets', 'c1'))!)).toMatchObject({
      refreshToken: 'rt-1',
    });
    expect(await fixture.db.get('keys', 'wrapped')).toBeUndefined();
  });
});

describe('while locked', () => {
  let w: World;

  beforeEach(async () => {
    w = await world();
    await seedConnectionIn(w.services, { id: 'c1', nextRefreshAt: w.clock.now() - 1_000 });
    await w.services.lock.turnOn(PASSPHRASE);
    await w.services.lock.lock();
  });

  it('hands out no token, sends no request and changes nothing', async () => {
    const before = await dump(w.services);

    const token = await w.services.accessToken('c1', 60);
    const manual = await w.services.refresher.refresh('c1', 'manual');
    await w.services.scheduler.onAlarm({ name: REFRESH_ALARM });
    await w.services.scheduler.reconcile();
    const external = await w.services.access.answerExternal(
      { type: 'getAccessToken', connectionId: 'c1' },
      undefined,
    );

    expect(token).toEqual({ ok: false, error: expect.objectContaining({ code: 'locked' }) });
    expect(manual).toMatchObject({ ok: false, error: { code: 'locked' }, state: 'healthy' });
    expect(external).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(w.grant.calls).toEqual([]);
    expect(await dump(w.services)).toBe(before);
    expect(await fakeBrowser.alarms.get(REFRESH_ALARM)).toBeUndefined();
    expect((await w.services.snapshot()).lock).toBe('locked');
  });

  it('tells an allowed extension it is locked', async () => {
    const friend = 'abcdefghijklmnopabcdefghijklmnop';
    await w.services.access.setAllowed('c1', [friend]);

    const answer = await w.services.access.answerExternal(
      { type: 'getAccessToken', connectionId: 'c1' },
      friend,
    );

    expect(answer).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('reports locked, never "unreadable", for the stored secrets', async () => {
    const read = await w.services.refresher.secrets.read('c1');
    await w.services.refresher.checkSecrets('c1');

    expect(read).toMatchObject({ ok: false, reason: 'locked' });
    expect((await w.services.db.get('connections', 'c1'))?.failure).toBeNull();
  });

  it('refuses a wrong passphrase, then unlocks and refreshes everything overdue at once', async () => {
    const wrong = await w.services.lock.unlock('not the passphrase');
    const stillLocked = w.services.lock.status();

    const right = await w.services.lock.unlock(PASSPHRASE);

    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    expect((await stillLocked).mode).toBe('locked');
    expect(right).toMatchObject({ ok: true, value: { mode: 'unlocked' } });
    await vi.waitFor(() => expect(w.grant.calls).toEqual([{ refreshToken: 'rt-0' }]));
    await vi.waitFor(async () => expect(await storedRefreshToken(w.services)).toBe('rt-1'));
  });

  it('stays locked after a browser restart, and unlocked after a worker restart in the same session', async () => {
    await w.services.lock.unlock(PASSPHRASE);
    await vi.waitFor(() => expect(w.grant.calls).toHaveLength(1));

    const workerRestart = await world({ grant: w.grant, clock: w.clock, session: w.session });
    const browserRestart = await world({ grant: w.grant, clock: w.clock });

    expect((await workerRestart.services.lock.status()).mode).toBe('unlocked');
    expect(await storedRefreshToken(workerRestart.services)).toBe('rt-1');
    expect((await browserRestart.services.lock.status()).mode).toBe('locked');
    expect(await browserRestart.services.accessToken('c1', 60)).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
  });

  it('refuses Disconnect (it would lose the client secret) but removes, saying nothing was revoked', async () => {
    const disconnect = await w.services.lifecycle.disconnect('c1');
    const remove = await w.services.lifecycle.remove('c1');

    const events = (await queryHistory(w.services.db, { limit: 5 })).events;
    expect(disconnect).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(remove).toEqual({ ok: true, value: undefined });
    expect(await w.services.db.get('connections', 'c1')).toBeUndefined();
    expect(events[0]).toMatchObject({ kind: 'disconnected', error: { code: 'not_revoked' } });
  });

  it('lets Remove all data go through, leaving a fresh database without the lock', async () => {
    const outcome = await w.services.wipe();

    expect(outcome).toEqual({ connections: 1 });
    expect((await w.services.lock.status()).mode).toBe('off');
    expect(await w.services.db.get('keys', 'wrapped')).toBeUndefined();
    expect(await w.session.get()).toBeUndefined();
  });
});

describe('rate limit', () => {
  it('makes each attempt wait after five wrong passphrases, across a worker restart', async () => {
    const w = await world();
    await w.services.lock.turnOn(PASSPHRASE);
    await w.services.lock.lock();
    for (let i = 0; i < FREE_UNLOCK_ATTEMPTS; i += 1)
      await w.services.lock.unlock(`wrong ${i}xxxx`);

    const restarted = await world({ grant: w.grant, clock: w.clock });
    const throttled = await restarted.services.lock.unlock(PASSPHRASE);
    w.clock.advance(30_000);
    const later = await restarted.services.lock.unlock(PASSPHRASE);

    expect(throttled).toMatchObject({
      ok: false,
      error: { code: 'unlock_throttled', message: expect.stringMatching(/Try again in 30 s/) },
    });
    expect(later).toMatchObject({ ok: true, value: { mode: 'unlocked', unlockRetryAt: null } });
    expect((await restarted.services.lock.status()).unlockRetryAt).toBeNull();
  });

  it('doubles the wait with each further failure, up to an hour', () => {
    const at = 1_000_000;

    const waits = [4, 5, 6, 7, 40].map((failures) => (unlockRetryAt(failures, at) ?? at) - at);

    expect(waits).toEqual([0, 30_000, 60_000, 120_000, 3_600_000]);
  });
});

describe('changing and removing the passphrase', () => {
  it('re-wraps the same data key: the old passphrase stops working, the new one opens the same secrets', async () => {
    const w = await world();
    await seedConnectionIn(w.services, { id: 'c1' });
    await w.services.lock.turnOn(PASSPHRASE);
    const sealed = await w.services.db.get('secrets', 'c1');

    const changed = await w.services.lock.changePassphrase(PASSPHRASE, 'a new passphrase');
    await w.services.lock.lock();
    const old = await w.services.lock.unlock(PASSPHRASE);
    const fresh = await w.services.lock.unlock('a new passphrase');

    expect(changed).toMatchObject({ ok: true, value: { mode: 'unlocked' } });
    expect(old).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    expect(fresh).toMatchObject({ ok: true, value: { mode: 'unlocked' } });
    expect(await w.services.db.get('secrets', 'c1')).toEqual(sealed);
    expect(await storedRefreshToken(w.services)).toBe('rt-0');
  });

  it('refuses a change with the wrong current passphrase and changes nothing', async () => {
    const w = await world();
    await w.services.lock.turnOn(PASSPHRASE);
    const before = await dump(w.services);

    const result = await w.services.lock.changePassphrase('not it at all', 'a new passphrase');

    expect(result).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    expect(await dump(w.services)).toBe(before);
  });

  it('turns the lock off: the same key stored plainly again (non-extractable), across restarts', async () => {
    const w = await world();
    await seedConnectionIn(w.services, { id: 'c1' });
    await w.services.lock.turnOn(PASSPHRASE);
    await w.services.lock.lock();

    const off = await w.services.lock.turnOff(PASSPHRASE);
    const restarted = await world({ grant: w.grant, clock: w.clock });

    const plain = (await w.services.db.get('keys', 'secrets')) as CryptoKey;
    expect(off).toMatchObject({ ok: true, value: { mode: 'off' } });
    expect(plain.extractable).toBe(false);
    expect(await w.services.db.get('keys', 'wrapped')).toBeUndefined();
    expect(await w.session.get()).toBeUndefined();
    expect((await restarted.services.lock.status()).mode).toBe('off');
    expect(await storedRefreshToken(restarted.services)).toBe('rt-0');
  });
});

describe('a lock while a refresh is in flight', () => {
  it('waits for the refresh to commit (rotated token stored), then locks; a refresh asked meanwhile changes nothing', async () => {
    const w = await world();
    await seedConnectionIn(w.services, { id: 'c1' });
    await w.services.lock.turnOn(PASSPHRASE);
    w.grant.hold();
    const inFlight = w.services.refresher.refresh('c1', 'manual');
    await vi.waitFor(() => expect(w.grant.calls).toHaveLength(1));

    const locking = w.services.lock.lock();
    await vi.waitFor(async () => expect((await w.services.lock.status()).mode).toBe('locked'));
    const meanwhile = await w.services.refresher.refresh('c1', 'manual');
    w.grant.release();
    const outcome = await inFlight;
    const locked = await locking;
    await w.services.lock.unlock(PASSPHRASE);

    expect(meanwhile).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(locked).toMatchObject({ ok: true, value: { mode: 'locked' } });
    // On disk, not only in memory: a worker started now (same browser session) reads the rotated token.
    const restarted = await world({ grant: w.grant, clock: w.clock, session: w.session });
    expect(w.grant.calls).toHaveLength(1);
    expect(await storedRefreshToken(restarted.services)).toBe('rt-1');
    expect((await w.services.db.get('connections', 'c1'))?.inFlightSince).toBeNull();
  });
});

describe('auto-lock and the session copy of the key', () => {
  it('locks when the computer goes idle or its screen locks, only with an auto-lock chosen', async () => {
    const w = await world();
    await w.services.lock.turnOn(PASSPHRASE);

    const withoutChoice = await lockWhenIdle(w.services.lock, 'idle');
    await w.services.lock.setAutoLock(5);
    const active = await lockWhenIdle(w.services.lock, 'active');
    const idle = await lockWhenIdle(w.services.lock, 'idle');
    await w.services.lock.unlock(PASSPHRASE);
    const screenLocked = await lockWhenIdle(w.services.lock, 'locked');

    expect([withoutChoice, active, idle, screenLocked]).toEqual([false, false, true, true]);
    expect((await w.services.lock.status()).mode).toBe('locked');
    expect(detectionIntervalSec(5)).toBe(300);
  });

  it('keeps the key in chrome.storage.session (in memory) and ignores a malformed entry', async () => {
    const store = sessionKeyStore(fakeBrowser.storage.session);
    const w = await world({ session: store });
    await w.services.lock.turnOn(PASSPHRASE);

    const kept = await store.get();
    await fakeBrowser.storage.session.set({ unlockedDataKey: { keyId: 7 } });
    const malformed = await store.get();

    expect(kept).toEqual({ keyId: expect.any(String), raw: expect.any(String) });
    expect(malformed).toBeUndefined();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('starts locked, not broken, when the session copy of the key is damaged', async () => {
    const w = await world();
    await w.services.lock.turnOn(PASSPHRASE);
    const kept = await w.session.get();
    await w.session.set({ keyId: kept!.keyId, raw: '%%% not base64 %%%' });

    const restarted = await world({ grant: w.grant, clock: w.clock, session: w.session });

    expect((await restarted.services.lock.status()).mode).toBe('locked');
    expect(await restarted.services.lock.unlock(PASSPHRASE)).toMatchObject({ ok: true });
  });
});

describe('managed configuration and the lock', () => {
  it('applies a policy that arrived while locked once unlocked, its client secret sealed under the lock', async () => {
    const entry = {
      id: 'idp',
      label: 'Acme IdP',
      provider: 'custom',
      clientId: 'tk',
      clientSecret: 'policy-client-secret-value',
      authorizationEndpoint: 'https://idp.acme.test/auth',
      tokenEndpoint: 'https://idp.acme.test/token',
      scopes: ['openid', 'offline_access'],
    };
    let policy: unknown = {};
    const services = await offlineServices({
      readPolicy: async () => policy,
      sessionKeys: memorySessionKeys(),
      lockIterations: TEST_ITERATIONS,
    });
    await services.lock.turnOn(PASSPHRASE);
    await services.lock.lock();

    policy = { connections: [entry] };
    await services.applyPolicy();
    const whileLocked = await services.db.get('connections', 'managed:idp');
    await services.lock.unlock(PASSPHRASE);

    await vi.waitFor(async () =>
      expect(await services.db.get('connections', 'managed:idp')).toBeDefined(),
    );
    const read = await services.refresher.secrets.read('managed:idp');
    expect(whileLocked).toBeUndefined();
    expect(read).toMatchObject({ ok: true, record: { clientSecret: entry.clientSecret } });
    expect(await services.db.get('keys', 'secrets')).toBeUndefined();
  });
});
