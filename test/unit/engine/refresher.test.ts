import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { ON_DEMAND_SPACING_MS } from '@/utils/engine/refresher';
import { queryHistory } from '@/utils/store/history';
import {
  engineFixture,
  fakeGrant,
  refresherFor,
  seedConnection,
} from '../../support/engine-fixture';

describe('refresher', () => {
  it('sends exactly one token request for ten concurrent refreshes (single flight)', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    server.hold();

    const outcomes = Promise.all(
      Array.from({ length: 10 }, () => refresher.refresh('c1', 'alarm')),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.release();
    const actual = await outcomes;

    expect(server.calls).toHaveLength(1);
    expect(actual.filter((outcome) => outcome.ok && outcome.refreshed)).toHaveLength(1);
    expect(actual.every((outcome) => outcome.ok)).toBe(true);
  });

  it('stores the rotated refresh token, then the expiry, schedule and history', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant('rt-0', 3600);
    const refresher = refresherFor(fixture, server.grant);

    const outcome = await refresher.refresh('c1', 'alarm');

    const now = fixture.clock.now();
    const connection = await fixture.db.get('connections', 'c1');
    const secrets = await refresher.readSecrets('c1');
    const history = await queryHistory(fixture.db, { limit: 10 });
    expect(outcome).toEqual({ ok: true, refreshed: true, expiresAt: now + 3_600_000 });
    expect(secrets).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(connection).toMatchObject({
      state: 'healthy',
      expiresAt: now + 3_600_000,
      lifetimeSec: 3600,
      nextRefreshAt: now + 3_000_000,
      lastRefreshAt: now,
      inFlightSince: null,
    });
    expect(history.events).toEqual([
      expect.objectContaining({
        kind: 'refreshed',
        trigger: 'alarm',
        ok: true,
        expiresAt: now + 3_600_000,
      }),
    ]);
  });

  it('uses the rotated token on the next refresh, never the old one', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    await refresher.refresh('c1', 'manual');
    fixture.clock.advance(1000);
    const second = await refresher.refresh('c1', 'manual');

    expect(second.ok).toBe(true);
    expect(server.calls.map((call) => call.refreshToken)).toEqual(['rt-0', 'rt-1']);
  });

  it('answers an on-demand caller with a valid token at once, even while a refresh is in flight', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture);
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    server.hold();
    const manual = refresher.refresh('c1', 'manual');
    await new Promise((resolve) => setTimeout(resolve, 10));

    const onDemand = await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });

    expect(onDemand).toMatchObject({ ok: true, refreshed: false });
    expect(server.calls).toHaveLength(1);
    server.release();
    expect(await manual).toMatchObject({ ok: true, refreshed: true });
  });

  it('keeps the old refresh token when the provider does not rotate', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const refresher = refresherFor(fixture, async () => ({
      accessToken: 'at-new',
      lifetime: { lifetimeSec: 3600, assumed: false },
    }));

    await refresher.refresh('c1', 'alarm');

    expect(await refresher.readSecrets('c1')).toMatchObject({
      accessToken: 'at-new',
      refreshToken: 'rt-0',
    });
  });

  it('does not call the server when the connection is not due', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture);
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    const outcome = await refresher.refresh('c1', 'alarm');

    expect(server.calls).toHaveLength(0);
    expect(outcome).toMatchObject({ ok: true, refreshed: false });
  });

  it('refreshes on demand only when the token is valid for less than asked', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, {
      expiresAt: fixture.clock.now() + 120_000,
      updatedAt: fixture.clock.now() - ON_DEMAND_SPACING_MS,
    });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    const enough = await refresher.refresh('c1', 'on-demand', { minValiditySec: 60 });
    const notEnough = await refresher.refresh('c1', 'on-demand', { minValiditySec: 300 });

    expect(enough).toMatchObject({ ok: true, refreshed: false });
    expect(notEnough).toMatchObject({ ok: true, refreshed: true });
    expect(server.calls).toHaveLength(1);
  });

  it('cannot be made to refresh on every call by a caller asking for more than a refresh gives', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, {
      expiresAt: fixture.clock.now() + 3_600_000,
      lifetimeSec: 3600,
    });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);

    const outcomes = [];
    for (let call = 0; call < 20; call += 1) {
      outcomes.push(await refresher.refresh('c1', 'on-demand', { minValiditySec: 86_400 }));
      // Past the 30 s spacing each time, so only the cap can keep the requests away.
      fixture.clock.advance(ON_DEMAND_SPACING_MS + 1000);
    }

    // Capped at half the 1 h lifetime: the fresh token is enough, so no request at all.
    expect(server.calls).toHaveLength(0);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
  });

  it('spaces on-demand refreshes of a still-valid token 30 s apart, but not once it has expired', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, { expiresAt: now + 50_000, lifetimeSec: 3600, updatedAt: now });
    const server = fakeGrant('rt-0', 60);
    const refresher = refresherFor(fixture, server.grant);

    const spaced = await refresher.refresh('c1', 'on-demand', { minValiditySec: 120 });
    fixture.clock.advance(ON_DEMAND_SPACING_MS);
    const due = await refresher.refresh('c1', 'on-demand', { minValiditySec: 120 });
    const soonAfter = await refresher.refresh('c1', 'on-demand', { minValiditySec: 120 });
    fixture.clock.advance(61_000);
    const expired = await refresher.refresh('c1', 'on-demand', { minValiditySec: 120 });

    expect(spaced).toMatchObject({ ok: true, refreshed: false, expiresAt: now + 50_000 });
    expect(due).toMatchObject({ ok: true, refreshed: true });
    expect(soonAfter).toMatchObject({ ok: true, refreshed: false });
    expect(expired).toMatchObject({ ok: true, refreshed: true });
    expect(server.calls).toHaveLength(2);
  });

  it('keeps the refresh token and schedules a retry after a transient failure', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    fixture.settings.quickRetries = 0;
    server.failNextWith(new TypeError('fetch failed'));

    const outcome = await refresher.refresh('c1', 'alarm');

    const connection = await fixture.db.get('connections', 'c1');
    expect(outcome).toMatchObject({ ok: false, state: 'retrying', error: { code: 'network' } });
    expect(connection?.failure).toMatchObject({ attempt: 1, kind: 'transient' });
    expect(connection?.nextRefreshAt).toBe(fixture.clock.now() + 30_000);
    expect(await refresher.readSecrets('c1')).toMatchObject({ refreshToken: 'rt-0' });
  });

  it('marks needs-reconnect on invalid_grant and stops scheduling', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() });
    const server = fakeGrant();
    const refresher = refresherFor(fixture, server.grant);
    const response = Response.json(
      { error: 'invalid_grant', error_description: 'grant request is invalid' },
      { status: 400 },
    );
    server.failNextWith(
      new oauth.ResponseBodyError('server responded with an error', {
        cause: { error: 'invalid_grant' },
        response,
      }),
    );

    const outcome = await refresher.refresh('c1', 'alarm');

    const connection = await fixture.db.get('connections', 'c1');
    const history = await queryHistory(fixture.db, { limit: 10 });
    expect(outcome).toMatchObject({
      ok: false,
      state: 'needs-reconnect',
      error: { code: 'invalid_grant' },
    });
    expect(connection?.nextRefreshAt).toBeUndefined();
    expect(history.events.map((event) => event.kind).sort()).toEqual([
      'needs-reconnect',
      'refresh-failed',
    ]);
  });

  it('logs a recovery with the outage duration when a failing connection succeeds again', async () => {
    const fixture = await engineFixture();
    const failedAt = fixture.clock.now() - 90_000;
    await seedConnection(fixture, {
      state: 'retrying',
      nextRefreshAt: fixture.clock.now(),
      failure: {
        failedAt,
        attempt: 2,
        kind: 'transient',
        lastError: { code: 'http_503', message: 'down' },
      },
    });
    const refresher = refresherFor(fixture, fakeGrant().grant);

    await refresher.refresh('c1', 'alarm');

    const history = await queryHistory(fixture.db, { limit: 10 });
    const connection = await fixture.db.get('connections', 'c1');
    expect(connection?.failure).toBeNull();
    expect(history.events.find((event) => event.kind === 'recovered')?.durationMs).toBe(90_000);
  });
});
