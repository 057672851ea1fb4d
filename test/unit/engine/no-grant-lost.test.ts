// The holes found in "no grant ever lost, no dead token ever handed out", each pinned by a test that
// failed before its fix (docs/reliability.md#holes-closed).
import * as oauth from 'oauth4webapi';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Services } from '@/utils/background/services';
import type { Alert } from '@/utils/engine/attention';
import type { AlertSink } from '@/utils/engine/refresher';
import { REFRESH_ALARM, SWEEP_ALARM } from '@/utils/engine/scheduler';
import { PERSIST_ATTEMPTS } from '@/utils/engine/secrets';
import { refreshAccessToken } from '@/utils/oauth/client';
import { queryHistory } from '@/utils/store/history';
import { setIdbFaultHook, type IdbFault, type IdbOperation } from '../../../scripts/sim/idb-faults';
import {
  engineFixture,
  fakeGrant,
  manualClock,
  refresherFor,
  schedulerFor,
  seedConnection,
  seedConnectionIn,
  type EngineFixture,
} from '../../support/engine-fixture';
import { offlineServices } from '../../support/offline-services';

/** Fails the storage operations `when` picks, after `armed()` says so (e.g. once the provider answered). */
function injectFaults(when: (operation: IdbOperation) => IdbFault | undefined) {
  let armed = false;
  setIdbFaultHook((operation) => (armed ? when(operation) : undefined));
  return {
    arm: () => void (armed = true),
    disarm: () => void (armed = false),
  };
}

/** Fails the first storage step of each kind (method, stores, read or write) once; returns the kinds failed. */
function failFirstOfEachKind(): Set<string> {
  const failed = new Set<string>();
  injectFaults((op) => {
    const kind = `${op.method} ${op.stores.join()} ${op.write}`;
    if (failed.has(kind)) return undefined;
    failed.add(kind);
    return op.write ? 'abort' : 'unknown';
  }).arm();
  return failed;
}

const isWriteTo = (store: string) => (operation: IdbOperation) =>
  operation.method === 'transaction' && operation.write && operation.stores.includes(store);

function recordingAlerts() {
  const shown: { connectionId: string; alert: Alert }[] = [];
  const sink: AlertSink = {
    show: async (connection, alert) => void shown.push({ connectionId: connection.id, alert }),
    clear: async () => undefined,
  };
  return { sink, shown };
}

/** A token endpoint answering 200 with `body`, through the real oauth4webapi parsing. */
function answering(body: Record<string, unknown>) {
  return (target: Parameters<typeof refreshAccessToken>[0], refreshToken: string) =>
    refreshAccessToken(target, refreshToken, {
      fetch: async () => Response.json(body, { status: 200 }),
    });
}

afterEach(() => setIdbFaultHook());

describe('a rotated refresh token is never dropped after the provider answered', () => {
  let fixture: EngineFixture;

  beforeEach(async () => {
    fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
  });

  it('keeps it when the connection state cannot be written (disk full)', async () => {
    const faults = injectFaults((op) => (isWriteTo('connections')(op) ? 'quota' : undefined));
    const server = fakeGrant();
    const refresher = refresherFor(fixture, async (...args) => {
      const tokens = await server.grant(...args);
      faults.arm();
      return tokens;
    });

    // Before the fix this threw and the rotated token was gone; either way, look at what comes next.
    await refresher.refresh('c1', 'alarm').catch(() => undefined);
    faults.disarm();
    const next = await refresher.refresh('c1', 'manual');

    expect(next).toMatchObject({ ok: true, refreshed: true });
    expect(server.calls.map((call) => call.refreshToken)).toEqual(['rt-0', 'rt-1']);
    expect(await refresher.readSecrets('c1')).toMatchObject({ refreshToken: 'rt-2' });
  });

  it('keeps it when history is full: history never blocks a token write', async () => {
    const faults = injectFaults((op) => (isWriteTo('history')(op) ? 'quota' : undefined));
    faults.arm();
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    const outcome = await refresher.refresh('c1', 'alarm').catch((error: unknown) => error);

    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(await refresher.readSecrets('c1')).toMatchObject({ refreshToken: 'rt-1' });
    expect(await fixture.db.get('connections', 'c1')).toMatchObject({
      state: 'healthy',
      inFlightSince: null,
    });
  });

  it('retries the secret write from memory until it lands, and uses the held token meanwhile', async () => {
    let failures = 0;
    setIdbFaultHook((op) => {
      if (!isWriteTo('secrets')(op) || failures >= PERSIST_ATTEMPTS + 2) return undefined;
      failures += 1;
      return 'quota';
    });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    const first = await refresher.refresh('c1', 'alarm');
    const held = refresher.secrets.unsaved();
    const second = await refresher.refresh('c1', 'manual');

    expect(first).toMatchObject({ ok: true, refreshed: true });
    expect(held).toEqual(['c1']);
    expect(second).toMatchObject({ ok: true, refreshed: true });
    expect(server.calls.map((call) => call.refreshToken)).toEqual(['rt-0', 'rt-1']);
    expect(refresher.secrets.unsaved()).toEqual([]);
    const sealed = await fixture.db.get('secrets', 'c1');
    expect(await fixture.vault.open(sealed!)).toMatchObject({ refreshToken: 'rt-2' });
  });
});

describe('a storage hiccup before the request', () => {
  it('is retried in place: a lost answer inside a reuse leeway cannot wait an alarm (chaos seed 226)', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    // The first of every kind of storage step fails once: reads, the clock guard, the in-flight marker.
    const failed = failFirstOfEachKind();
    let settingsReads = 0;
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant, {
      getSettings: async () => {
        settingsReads += 1;
        if (settingsReads === 1) throw new DOMException('read failed', 'UnknownError');
        return fixture.getSettings();
      },
    });

    const outcome = await refresher.refresh('c1', 'alarm');

    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(server.calls.map((call) => call.refreshToken)).toEqual(['rt-0']);
    expect(failed.size).toBeGreaterThanOrEqual(3);
  });
});

describe('an alarm pass', () => {
  it('retries its own reads in place: a hiccup does not leave what is due to the next alarm (chaos seed 1311)', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const { scheduler, grant } = schedulerFor(fixture, fakeGrant(), {
      sleep: async () => undefined,
    });
    // The first of every kind of storage step fails once: the pass's reads as well as the refresher's.
    failFirstOfEachKind();

    await scheduler.onAlarm({ name: REFRESH_ALARM });

    expect(grant.calls.map((call) => call.refreshToken)).toEqual(['rt-0']);
    expect(await fixture.db.get('connections', 'c1')).toMatchObject({ state: 'healthy' });
  });
});

describe('a worker start', () => {
  it('retries a failed read of the key in place instead of failing the start', async () => {
    let failures = 0;
    setIdbFaultHook((op) => {
      if (op.method === 'get' && op.stores.includes('keys') && failures < 2) {
        failures += 1;
        return 'unknown';
      }
      return undefined;
    });

    const services = await offlineServices();

    expect(failures).toBe(2);
    expect(await services.lock.status()).toMatchObject({ mode: 'off' });
  });
});

describe('a refresh whose worker died before its answer', () => {
  /** A connection whose stored token looks valid for an hour, with a request sent `ageMs` ago. */
  async function withRequestSent(ageMs: number) {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, {
      expiresAt: now + 3_600_000,
      nextRefreshAt: now + 3_000_000,
      inFlightSince: now - ageMs,
    });
    const server = fakeGrant();
    return { server, refresher: refresherFor(fixture, server.grant) };
  }

  it('is settled before a caller gets the stored token, which its rotation may have retired', async () => {
    // A request went out 11 min ago and nobody heard back.
    const { server, refresher } = await withRequestSent(11 * 60_000);

    const outcome = await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });

    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(server.calls).toHaveLength(1);
  });

  it('does not hold up a caller while its own refresh is still under way (a fresh marker)', async () => {
    const { server, refresher } = await withRequestSent(5_000);

    const outcome = await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });

    expect(outcome).toMatchObject({ ok: true, refreshed: false });
    expect(server.calls).toHaveLength(0);
  });
});

describe('a 200 answer with a new refresh token is never thrown away whole', () => {
  it('accepts a Bearer token whose expires_in is negative, with a conservative lifetime', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const refresher = refresherFor(
      fixture,
      answering({
        access_token: 'at-1',
        token_type: 'Bearer',
        expires_in: -5,
        refresh_token: 'rt-1',
      }),
    );

    const outcome = await refresher.refresh('c1', 'alarm').catch((error: unknown) => error);

    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(await refresher.readSecrets('c1')).toMatchObject({ refreshToken: 'rt-1' });
    expect(await fixture.db.get('connections', 'c1')).toMatchObject({ lifetimeAssumed: true });
  });

  it('accepts a token whose ID token looks expired to a fast local clock', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, {
      nextRefreshAt: fixture.clock.now(),
      endpoints: {
        issuer: 'https://as.test',
        authorization: 'https://as.test/a',
        token: 'https://as.test/t',
      },
    });
    const expired = Math.floor(Date.now() / 1000) - 3600;
    const idToken = [
      base64url({ alg: 'RS256', typ: 'JWT' }),
      base64url({
        iss: 'https://as.test',
        aud: 'client',
        sub: 'x',
        iat: expired - 60,
        exp: expired,
      }),
      'c2ln',
    ].join('.');
    const refresher = refresherFor(
      fixture,
      answering({
        access_token: 'at-1',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt-1',
        id_token: idToken,
      }),
    );

    const outcome = await refresher.refresh('c1', 'alarm');

    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(await refresher.readSecrets('c1')).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
    });
  });

  it('keeps the refresh token of an answer whose access token is unusable, and retries with it', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const bodies = [
      { access_token: '', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1' },
      { access_token: 'at-2', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-2' },
    ];
    const sent: string[] = [];
    const refresher = refresherFor(
      fixture,
      async (target, refreshToken) => {
        sent.push(refreshToken);
        return answering(bodies.shift()!)(target, refreshToken);
      },
      { getSettings: async () => ({ ...fixture.settings, quickRetries: 1 }) },
    );

    const outcome = await refresher.refresh('c1', 'alarm');

    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(sent).toEqual(['rt-0', 'rt-1']);
    expect(await refresher.readSecrets('c1')).toMatchObject({
      accessToken: 'at-2',
      refreshToken: 'rt-2',
    });
  });
});

describe('a 2xx answer with a token that is not Bearer', () => {
  it('keeps its rotated refresh token and stops for the configuration, without a retry', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const sent: string[] = [];
    const refresher = refresherFor(
      fixture,
      async (target, refreshToken) => {
        sent.push(refreshToken);
        return answering({
          access_token: 'at-1',
          token_type: 'DPoP',
          expires_in: 3600,
          refresh_token: 'rt-1',
        })(target, refreshToken);
      },
      { getSettings: async () => ({ ...fixture.settings, quickRetries: 2 }) },
    );

    const outcome = await refresher.refresh('c1', 'alarm');

    expect(outcome).toMatchObject({
      ok: false,
      state: 'needs-reconnect',
      error: { code: 'not_bearer' },
    });
    expect(sent).toEqual(['rt-0']);
    expect(await refresher.readSecrets('c1')).toMatchObject({ refreshToken: 'rt-1' });
  });
});

describe('a corrupt secret record or a missing key', () => {
  beforeEach(() => fakeBrowser.reset());

  const servicesWith = (alerts?: AlertSink, dbName = 'corrupt') =>
    offlineServices({ dbName, ...(alerts ? { alerts } : {}) });

  async function flipByte(services: Services, connectionId: string): Promise<void> {
    const sealed = (await services.db.get('secrets', connectionId))!;
    const data = new Uint8Array(sealed.data.slice(0));
    data[5] = data[5]! ^ 0x01;
    await services.db.put('secrets', { ...sealed, data: data.buffer });
  }

  it('shows "stored credentials unreadable — reconnect" with a notification, instead of throwing', async () => {
    const alerts = recordingAlerts();
    const services = await servicesWith(alerts.sink);
    await seedConnectionIn(services, { id: 'c1', nextRefreshAt: services.clock.now() });
    await flipByte(services, 'c1');

    const outcome = await services.refresher.refresh('c1', 'alarm');

    expect(outcome).toMatchObject({
      ok: false,
      state: 'needs-reconnect',
      error: { code: 'secrets_unreadable' },
    });
    expect(await services.db.get('connections', 'c1')).toMatchObject({
      state: 'needs-reconnect',
      failure: { kind: 'permanent', lastError: { code: 'secrets_unreadable' } },
    });
    expect(alerts.shown.map((shown) => shown.connectionId)).toEqual(['c1']);
  });

  it('removes such a connection, and Remove all data still removes everything', async () => {
    const services = await servicesWith();
    await seedConnectionIn(services, { id: 'c1' });
    await seedConnectionIn(services, { id: 'c2' });
    await flipByte(services, 'c1');
    await flipByte(services, 'c2');

    const removed = await services.lifecycle.remove('c1');
    const wiped = await services.wipe();

    expect(removed).toEqual({ ok: true, value: undefined });
    expect(wiped).toEqual({ connections: 1 });
    expect(await services.db.count('connections')).toBe(0);
    expect(await services.db.count('secrets')).toBe(0);
  });

  it('says so at start when the key is missing, instead of silently making a new one', async () => {
    const first = await servicesWith(undefined, 'keyless');
    await seedConnectionIn(first, { id: 'c1' });
    await first.db.delete('keys', 'secrets');
    first.db.close();

    const second = await servicesWith(undefined, 'keyless');

    expect(await second.db.get('connections', 'c1')).toMatchObject({
      state: 'needs-reconnect',
      failure: { lastError: { code: 'secrets_unreadable' } },
    });
  });
});

describe('the refresh alarm follows every outcome', () => {
  beforeEach(() => fakeBrowser.reset());

  it('re-arms after a failed Refresh now, so the retry 30 s later does not wait for the sweep', async () => {
    const grant = fakeGrant();
    grant.failNextWith(new TypeError('fetch failed'), 10);
    const clock = manualClock(Date.now());
    const services = await offlineServices({ clock, grant: grant.grant, random: () => 0.5 });
    await seedConnectionIn(services, { id: 'c1', nextRefreshAt: clock.now() + 3_000_000 });
    await services.scheduler.reconcile();

    const outcome = await services.refresher.refresh('c1', 'manual');

    const connection = await services.db.get('connections', 'c1');
    expect(outcome).toMatchObject({ ok: false, state: 'retrying' });
    expect(connection?.nextRefreshAt).toBe(clock.now() + 30_000);
    expect((await fakeBrowser.alarms.get(REFRESH_ALARM))?.scheduledTime).toBe(clock.now() + 30_000);
  });

  it('leaves an alarm that already fires on time when a worker starts (no 30 s push)', async () => {
    const clock = manualClock(Date.now());
    const services = await offlineServices({ clock });
    const due = clock.now() + 20_000;
    await seedConnectionIn(services, { id: 'c1', nextRefreshAt: due });
    await fakeBrowser.alarms.create(REFRESH_ALARM, { when: due });

    await services.scheduler.reconcile();

    expect((await fakeBrowser.alarms.get(REFRESH_ALARM))?.scheduledTime).toBe(due);
  });
});

describe('a clock that went back', () => {
  it('distrusts every expiry when the clock lands behind what the engine has seen, even after the last refresh', async () => {
    const fixture = await engineFixture();
    const start = fixture.clock.now();
    await seedConnection(fixture, { id: 'old', lastRefreshAt: start, updatedAt: start });
    fixture.clock.set(start + 50 * 60_000);
    await seedConnection(fixture, { id: 'busy' });
    // Back 49 minutes: one minute after 'old' was refreshed, though its token is 50 minutes old.
    fixture.clock.set(start + 60_000);
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    const outcome = await refresher.refresh('old', 'on-demand', { minValiditySec: 60 });

    expect(server.calls).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect((await fixture.db.get('connections', 'busy'))?.expiresAt).toBe(fixture.clock.now());
  });

  it('refreshes instead of handing out a token that only looks valid', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture);
    fixture.clock.advance(-2 * 3_600_000);
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    const outcome = await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });

    expect(server.calls).toHaveLength(1);
    expect(outcome).toMatchObject({
      ok: true,
      refreshed: true,
      expiresAt: fixture.clock.now() + 3_600_000,
    });
  });

  it('is noticed by the sweep even when no refresh is due', async () => {
    fakeBrowser.reset();
    const fixture = await engineFixture();
    await seedConnection(fixture);
    fixture.clock.advance(-2 * 3_600_000);
    const { scheduler, grant: server } = schedulerFor(fixture);

    await scheduler.onAlarm({ name: SWEEP_ALARM });

    expect(server.calls).toHaveLength(1);
    const events = (await queryHistory(fixture.db, { limit: 5 })).events;
    expect(events[0]).toMatchObject({ kind: 'refreshed', trigger: 'sweep' });
  });
});

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

// Kept for the classification of an unusable 2xx answer (transient: the next attempt may be fine).
void oauth;

/**
 * A secret keeper over the fixture whose first `failures` secret writes fail with `fault`; `held` counts the
 * keep-alives it holds (what keeps Chrome from stopping the worker as idle).
 */
async function faultyKeeper(
  fixture: EngineFixture,
  failures: number,
  fault: IdbFault,
  sleep: (ms: number) => Promise<void>,
) {
  const counts = { failed: 0, held: 0 };
  setIdbFaultHook((op) => {
    if (!isWriteTo('secrets')(op) || counts.failed >= failures) return undefined;
    counts.failed += 1;
    return fault;
  });
  const { createSecretKeeper } = await import('@/utils/engine/secrets');
  const keeper = createSecretKeeper({
    db: fixture.db,
    vault: fixture.vault,
    sleep,
    keepAlive: async (work) => {
      counts.held += 1;
      try {
        return await work();
      } finally {
        counts.held -= 1;
      }
    },
  });
  return { keeper, counts };
}

describe('the secret keeper', () => {
  it('never lets an older record land after a newer one, even when a retry overlaps', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture);
    let wake: () => void = () => undefined;
    const { keeper } = await faultyKeeper(
      fixture,
      1,
      'abort',
      () => new Promise<void>((resolve) => (wake = resolve)),
    );

    const older = keeper.persist({ connectionId: 'c1', refreshToken: 'rt-old' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const newer = await keeper.persist({ connectionId: 'c1', refreshToken: 'rt-new' });
    wake();
    await older;

    const sealed = await fixture.db.get('secrets', 'c1');
    expect(newer).toBe(true);
    expect(await fixture.vault.open(sealed!)).toMatchObject({ refreshToken: 'rt-new' });
    expect((await keeper.read('c1')).ok && (await keeper.read('c1'))).toMatchObject({
      record: { refreshToken: 'rt-new' },
    });
  });
});

describe('a secret write that fails every attempt', () => {
  it('keeps the worker alive and keeps writing until it lands (chaos seed 918)', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture);
    // Past every attempt of the write itself, and a few more: the disk stays full for a while.
    const { keeper, counts } = await faultyKeeper(
      fixture,
      PERSIST_ATTEMPTS + 3,
      'quota',
      async () => undefined,
    );

    const stored = await keeper.persist({ connectionId: 'c1', refreshToken: 'rt-new' });
    const heldWhileUnsaved = counts.held;
    await vi.waitFor(() => expect(keeper.unsaved()).toEqual([]));
    await vi.waitFor(() => expect(counts.held).toBe(0));

    expect(stored).toBe(false);
    expect(heldWhileUnsaved).toBe(1);
    expect(counts.failed).toBe(PERSIST_ATTEMPTS + 3);
    const sealed = await fixture.db.get('secrets', 'c1');
    expect(await fixture.vault.open(sealed!)).toMatchObject({ refreshToken: 'rt-new' });
  });

  it('lets the worker go once the record is no longer wanted (disconnected or removed)', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture);
    let wake: () => void = () => undefined;
    let sleeping = false;
    let sleeps = 0;
    // The waits between persist's own attempts pass at once; the keeper's later waits are released by hand.
    const { keeper, counts } = await faultyKeeper(fixture, Infinity, 'quota', () =>
      (sleeps += 1) < PERSIST_ATTEMPTS
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            sleeping = true;
            wake = () => {
              sleeping = false;
              resolve();
            };
          }),
    );

    await keeper.persist({ connectionId: 'c1', refreshToken: 'rt-new' });
    await vi.waitFor(() => expect(sleeping).toBe(true));
    const heldBefore = counts.held;
    keeper.forget('c1');
    wake();
    await vi.waitFor(() => expect(counts.held).toBe(0));

    expect(heldBefore).toBe(1);
    expect(keeper.unsaved()).toEqual([]);
    expect(await fixture.db.get('secrets', 'c1')).toBeDefined();
  });
});
