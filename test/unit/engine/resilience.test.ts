import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Alert } from '@/utils/engine/attention';
import type { AlertSink } from '@/utils/engine/refresher';
import { REFRESH_ALARM } from '@/utils/engine/scheduler';
import { STREAK_PACE_MS } from '@/utils/engine/retry';
import type { Connection, FailureInfo } from '@/utils/model';
import { queryHistory } from '@/utils/store/history';
import {
  engineFixture,
  fakeGrant,
  refresherFor,
  schedulerFor,
  seedConnection,
} from '../../support/engine-fixture';

function recordingAlerts() {
  const shown: { connectionId: string; alert: Alert }[] = [];
  const cleared: string[] = [];
  const sink: AlertSink = {
    show: async (connection: Connection, alert: Alert) => {
      shown.push({ connectionId: connection.id, alert });
    },
    clear: async (connectionId: string) => {
      cleared.push(connectionId);
    },
  };
  return { sink, shown, cleared };
}

function http503(retryAfter?: string) {
  return new oauth.OperationProcessingError('unexpected HTTP response status code', {
    cause: new Response('busy', {
      status: 503,
      headers: retryAfter ? { 'retry-after': retryAfter } : {},
    }),
    code: oauth.RESPONSE_IS_NOT_CONFORM,
  });
}

function invalidGrant() {
  const response = Response.json({ error: 'invalid_grant' }, { status: 400 });
  return new oauth.ResponseBodyError('error', { cause: { error: 'invalid_grant' }, response });
}

/**
 * An alarm refresh of an expired token whose first request failed (transient; the next `failures - 1` fail
 * too): it now waits for its quick retry until `wake()`; storage retries (shorter waits) pass at once.
 */
async function waitingForQuickRetry(failures = 1) {
  const fixture = await engineFixture();
  const now = fixture.clock.now();
  await seedConnection(fixture, {
    expiresAt: now - 1000,
    nextRefreshAt: now,
    lastRefreshAt: now - 3_600_000,
  });
  const server = fakeGrant();
  server.failNextWith(new TypeError('fetch failed'), failures);
  let wake: () => void = () => undefined;
  let waiting: () => void = () => undefined;
  const waited = new Promise<void>((resolve) => (waiting = resolve));
  const refresher = refresherFor(fixture, server.grant, {
    sleep: (ms) =>
      ms < 1_000
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            wake = resolve;
            waiting();
          }),
  });
  const alarm = refresher.refresh('c1', 'alarm');
  await waited;
  return { fixture, server, refresher, alarm, wake: () => wake() };
}

describe('quick retries (2 s, 4 s, 8 s)', () => {
  it('recovers within the same run when a quick retry succeeds', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const sleeps: number[] = [];
    const refresher = refresherFor(fixture, server.grant, {
      sleep: async (ms) => void sleeps.push(ms),
    });
    server.failNextWith(new TypeError('fetch failed'), 2);

    const outcome = await refresher.refresh('c1', 'alarm');

    const kinds = (await queryHistory(fixture.db, { limit: 20 })).events.map((e) => e.kind);
    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(sleeps).toEqual([1600, 3200]);
    expect(server.calls.map((call) => call.refreshToken)).toEqual(['rt-0', 'rt-0', 'rt-0']);
    expect(kinds.filter((kind) => kind === 'refresh-failed')).toHaveLength(2);
    expect(kinds).toContain('recovered');
    expect((await fixture.db.get('connections', 'c1'))?.failure).toBeNull();
  });

  it('lets a caller through while a quick retry waits: the wait does not hold the lock', async () => {
    const { refresher, alarm, wake } = await waitingForQuickRetry();
    const held = new Promise((resolve) => setTimeout(() => resolve('held behind the wait'), 500));

    const actual = await Promise.race([refresher.refresh('c1', 'on-demand'), held]);

    expect(actual).toMatchObject({ ok: true, refreshed: true });
    wake();
    await alarm;
  });

  it('sends no second request when a caller refreshed the connection during the wait', async () => {
    const { server, refresher, alarm, wake } = await waitingForQuickRetry();
    const caller = await refresher.refresh('c1', 'on-demand');

    wake();
    const actual = await alarm;

    expect(caller).toMatchObject({ ok: true, refreshed: true });
    expect(actual).toEqual({
      ok: true,
      refreshed: false,
      expiresAt: caller.ok ? caller.expiresAt : NaN,
    });
    expect(server.calls.map((call) => call.refreshToken)).toEqual(['rt-0', 'rt-0']);
  });

  it('sends no request when the connection was disconnected during the wait', async () => {
    const { fixture, server, alarm, wake } = await waitingForQuickRetry();
    const stored = await fixture.db.get('connections', 'c1');
    await fixture.db.put('connections', { ...stored!, state: 'new', failure: null });

    wake();
    const actual = await alarm;

    expect(actual).toMatchObject({ ok: false, state: 'new', error: { code: 'not_connected' } });
    expect(server.calls).toHaveLength(1);
  });

  it("stops the quick retries when a caller's request went out during the wait", async () => {
    const { server, refresher, alarm, wake } = await waitingForQuickRetry(2);
    const caller = await refresher.refresh('c1', 'on-demand');

    wake();
    const actual = await alarm;

    expect(caller).toMatchObject({ ok: false, state: 'retrying' });
    expect(actual).toMatchObject({ ok: false, state: 'retrying', error: { code: 'network' } });
    expect(server.calls).toHaveLength(2);
  });

  it('hands over to alarm retries after the quick retries are spent, keeping the refresh token', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    server.failNextWith(http503(), 10);

    const outcome = await refresher.refresh('c1', 'alarm');

    const connection = await fixture.db.get('connections', 'c1');
    expect(outcome).toMatchObject({ ok: false, state: 'retrying', error: { code: 'http_503' } });
    expect(server.calls).toHaveLength(4);
    expect(connection?.failure).toMatchObject({ attempt: 4, kind: 'transient' });
    expect(connection?.nextRefreshAt).toBe(fixture.clock.now() + 30_000);
    expect(await refresher.readSecrets('c1')).toMatchObject({ refreshToken: 'rt-0' });
  });

  it('skips quick retries when Retry-After asks for longer, and honours it', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    server.failNextWith(http503('120'), 10);

    await refresher.refresh('c1', 'alarm');

    expect(server.calls).toHaveLength(1);
    expect((await fixture.db.get('connections', 'c1'))?.nextRefreshAt).toBe(
      fixture.clock.now() + 120_000,
    );
  });

  it('never retries a permanent failure', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    server.failNextWith(invalidGrant(), 10);

    await refresher.refresh('c1', 'alarm');

    expect(server.calls).toHaveLength(1);
  });

  it('makes one attempt for an on-demand caller who is waiting', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { expiresAt: fixture.clock.now() - 1 });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    server.failNextWith(http503(), 10);

    const outcome = await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });

    expect(outcome.ok).toBe(false);
    expect(server.calls).toHaveLength(1);
  });
});

describe('retry cadence near expiry (at most 60 requests an hour)', () => {
  const streak = (now: number, overrides: Partial<FailureInfo> = {}): FailureInfo => ({
    failedAt: now - 20 * 60_000,
    attempt: 12,
    lastAttemptAt: now - 5 * 60_000,
    lastError: { code: 'http_503', message: 'The token endpoint is unavailable (HTTP 503).' },
    kind: 'transient',
    ...overrides,
  });

  it('sends one request per later alarm retry and retries about a minute on once the token has expired', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, {
      state: 'retrying',
      expiresAt: now - 60_000,
      nextRefreshAt: now,
      failure: streak(now),
    });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    server.failNextWith(http503(), 10);

    await refresher.refresh('c1', 'alarm');

    const connection = await fixture.db.get('connections', 'c1');
    expect(server.calls).toHaveLength(1);
    expect(connection?.nextRefreshAt).toBe(now + Math.round(STREAK_PACE_MS));
    expect(connection?.failure).toMatchObject({ attempt: 13, lastAttemptAt: now });
  });

  it('does not let an on-demand caller force a request ahead of the streak’s pace', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, {
      state: 'retrying',
      expiresAt: now - 60_000,
      nextRefreshAt: now + 60_000,
      failure: streak(now, { lastAttemptAt: now - 10_000 }),
    });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    const early = await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });
    fixture.clock.advance(STREAK_PACE_MS);
    const paced = await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });

    expect(early).toMatchObject({ ok: false, state: 'retrying', error: { code: 'http_503' } });
    expect(paced).toMatchObject({ ok: true, refreshed: true });
    expect(server.calls).toHaveLength(1);
  });

  it('stays within 60 requests over an hour of outage, alarms and eager callers together', async () => {
    fakeBrowser.reset();
    const fixture = await engineFixture();
    const start = fixture.clock.now();
    await seedConnection(fixture, { expiresAt: start + 5 * 60_000, nextRefreshAt: start });
    const server = fakeGrant();
    const { scheduler, refresher } = schedulerFor(fixture, server);
    server.failNextWith(http503(), 10_000);
    await scheduler.reconcile();

    // Every 10 s: a caller asks for a token, and the refresh alarm fires when it is due.
    for (let at = start; at < start + 3_600_000; at += 10_000) {
      fixture.clock.set(at);
      await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });
      const alarm = await fakeBrowser.alarms.get(REFRESH_ALARM);
      if (alarm && alarm.scheduledTime <= at) await scheduler.onAlarm(alarm);
    }

    expect(server.calls.length).toBeLessThanOrEqual(60);
    expect(server.calls.length).toBeGreaterThanOrEqual(50);
  });
});

describe('offline', () => {
  it('spends no attempt and sends no request while offline, looking again in a minute', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant, { isOnline: () => false });

    const first = await refresher.refresh('c1', 'alarm');
    fixture.clock.advance(60_000);
    await refresher.refresh('c1', 'alarm');

    const connection = await fixture.db.get('connections', 'c1');
    const events = (await queryHistory(fixture.db, { limit: 10 })).events;
    expect(first).toMatchObject({ ok: false, error: { code: 'offline' } });
    expect(server.calls).toHaveLength(0);
    expect(connection?.failure).toMatchObject({ attempt: 0, lastError: { code: 'offline' } });
    expect(connection?.nextRefreshAt).toBe(fixture.clock.now() + 60_000);
    expect(events).toHaveLength(1);
  });

  it('resumes when the network is back', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    let online = false;
    const refresher = refresherFor(fixture, server.grant, { isOnline: () => online });
    await refresher.refresh('c1', 'alarm');
    fixture.clock.advance(60_000);
    online = true;

    const outcome = await refresher.refresh('c1', 'alarm');

    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect((await fixture.db.get('connections', 'c1'))?.failure).toBeNull();
  });
});

describe('escalation', () => {
  it('notifies at once, once, on a permanent failure with a Reconnect action', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const alerts = recordingAlerts();
    const refresher = refresherFor(fixture, server.grant, { alerts: alerts.sink });
    server.failNextWith(invalidGrant());

    await refresher.refresh('c1', 'alarm');

    expect(alerts.shown).toEqual([
      { connectionId: 'c1', alert: expect.objectContaining({ actions: ['reconnect'] }) },
    ]);
    expect((await fixture.db.get('connections', 'c1'))?.failure?.notifiedAt).toBe(
      fixture.clock.now(),
    );
  });

  it('stays quiet on transient failures while the token is valid, notifies once it will expire first', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, { nextRefreshAt: now, expiresAt: now + 3_600_000 });
    const server = fakeGrant();
    const alerts = recordingAlerts();
    const refresher = refresherFor(fixture, server.grant, { alerts: alerts.sink });
    fixture.settings.quickRetries = 0;
    server.failNextWith(http503(), 100);

    await refresher.refresh('c1', 'alarm');
    const quietAfterFirst = alerts.shown.length;
    fixture.clock.set(now + 3_590_000);
    await refresher.refresh('c1', 'manual');
    fixture.clock.advance(60_000);
    await refresher.refresh('c1', 'manual');

    expect(quietAfterFirst).toBe(0);
    expect(alerts.shown).toHaveLength(1);
    expect(alerts.shown[0]?.alert.actions).toEqual(['retry', 'reconnect']);
  });

  it('stays quiet when an expired token recovers within the quick retries (a wake-up blip)', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, { nextRefreshAt: now - 3_600_000, expiresAt: now - 60_000 });
    const server = fakeGrant();
    const alerts = recordingAlerts();
    const refresher = refresherFor(fixture, server.grant, { alerts: alerts.sink });
    server.failNextWith(new TypeError('fetch failed'), 3);

    const outcome = await refresher.refresh('c1', 'startup');

    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(alerts.shown).toEqual([]);
  });

  it('notifies about an expired token once the quick retries are spent', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, { nextRefreshAt: now - 3_600_000, expiresAt: now - 60_000 });
    const server = fakeGrant();
    const alerts = recordingAlerts();
    const refresher = refresherFor(fixture, server.grant, { alerts: alerts.sink });
    server.failNextWith(new TypeError('fetch failed'), 10);

    await refresher.refresh('c1', 'startup');

    expect(alerts.shown).toHaveLength(1);
    expect(alerts.shown[0]?.alert).toMatchObject({
      titleKey: 'alertTokenExpiredTitle',
      titleArgs: ['Test'],
    });
  });

  it('clears the notification when the connection recovers', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, {
      state: 'retrying',
      nextRefreshAt: fixture.clock.now(),
      expiresAt: fixture.clock.now() - 1,
      failure: {
        failedAt: fixture.clock.now() - 600_000,
        attempt: 5,
        kind: 'transient',
        notifiedAt: fixture.clock.now() - 60_000,
        lastError: { code: 'http_503', message: 'down' },
      },
    });
    const alerts = recordingAlerts();
    const refresher = refresherFor(fixture, fakeGrant().grant, { alerts: alerts.sink });

    await refresher.refresh('c1', 'alarm');

    expect(alerts.cleared).toEqual(['c1']);
  });
});

describe('clock', () => {
  it('plans with a conservative default and flags it when expires_in is missing', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const refresher = refresherFor(fixture, async () => ({
      accessToken: 'at',
      refreshToken: 'rt-1',
      lifetime: { lifetimeSec: 600, assumed: true },
    }));

    await refresher.refresh('c1', 'alarm');

    const connection = await fixture.db.get('connections', 'c1');
    expect(connection).toMatchObject({ lifetimeSec: 600, lifetimeAssumed: true });
    expect(connection!.nextRefreshAt! - fixture.clock.now()).toBe(300_000);
  });
});
