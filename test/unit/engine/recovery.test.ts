import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  networkFailuresToRetry,
  peersToRetry,
  RECOVERY_JITTER_MS,
  tokenOrigin,
} from '@/utils/engine/recovery';
import { STREAK_PACE_MS } from '@/utils/engine/retry';
import { REFRESH_ALARM } from '@/utils/engine/scheduler';
import type { RefreshGrant } from '@/utils/engine/refresher';
import type { Connection } from '@/utils/model';
import {
  engineFixture,
  fakeGrant,
  manualClock,
  schedulerFor,
  seedConnectionIn,
} from '../../support/engine-fixture';
import { offlineServices } from '../../support/offline-services';

const NOW = Date.UTC(2026, 10, 22, 12);
const MINUTE = 60_000;
const JIRA = 'https://auth.atlassian.com/oauth/token';
const GOOGLE = 'https://oauth2.googleapis.com/token';

/** A connection waiting for a transient retry, its last request two minutes ago. */
function waiting(id: string, token: string, overrides: Partial<Connection> = {}): Connection {
  return {
    id,
    provider: 'custom',
    label: id,
    clientId: 'client',
    hasClientSecret: false,
    scopes: ['offline_access'],
    endpoints: { authorization: 'https://as.test/auth', token },
    state: 'retrying',
    expiresAt: NOW - MINUTE,
    lifetimeSec: 3600,
    nextRefreshAt: NOW + 10 * MINUTE,
    lastRefreshAt: NOW - 60 * MINUTE,
    inFlightSince: null,
    failure: {
      failedAt: NOW - 50 * MINUTE,
      attempt: 30,
      lastAttemptAt: NOW - 2 * MINUTE,
      lastError: { code: 'http_503', message: 'The token endpoint is unavailable (HTTP 503).' },
      kind: 'transient',
    },
    createdAt: NOW - 1_000 * MINUTE,
    updatedAt: NOW - 2 * MINUTE,
    ...overrides,
  };
}

describe('peersToRetry (correlated recovery)', () => {
  it('retries now, a little jittered, every connection waiting on the origin that just answered', () => {
    const succeeded = waiting('ok', JIRA, { state: 'healthy', failure: null });
    const input = [
      waiting('a', JIRA),
      waiting('b', 'https://auth.atlassian.com/other/path'),
      waiting('g', GOOGLE),
      succeeded,
    ];

    const actual = peersToRetry(succeeded, input, NOW, () => 0.5);

    expect(actual).toEqual([
      { connectionId: 'a', at: NOW + RECOVERY_JITTER_MS / 2 },
      { connectionId: 'b', at: NOW + RECOVERY_JITTER_MS / 2 },
    ]);
  });

  it('never pulls a retry ahead of the streak pace or the server’s Retry-After', () => {
    const succeeded = waiting('ok', JIRA, { state: 'healthy', failure: null });
    const justTried = waiting('recent', JIRA, {
      failure: { ...waiting('x', JIRA).failure!, lastAttemptAt: NOW - 10_000 },
    });
    const told = waiting('told', JIRA, {
      failure: { ...waiting('x', JIRA).failure!, notBefore: NOW + 20 * MINUTE },
    });

    const actual = peersToRetry(succeeded, [justTried, told], NOW, () => 0);

    expect(actual).toEqual([
      { connectionId: 'recent', at: Math.round(NOW - 10_000 + STREAK_PACE_MS) },
    ]);
  });

  it('leaves alone what is not waiting for a transient retry, is in flight, or is already due', () => {
    const succeeded = waiting('ok', JIRA, { state: 'healthy', failure: null });
    const input = [
      waiting('reconnect', JIRA, {
        state: 'needs-reconnect',
        failure: { ...waiting('x', JIRA).failure!, kind: 'permanent' },
      }),
      waiting('flight', JIRA, { inFlightSince: NOW - 1_000 }),
      waiting('due', JIRA, { nextRefreshAt: NOW + 1_000 }),
      waiting('healthy', JIRA, { state: 'healthy', failure: null }),
    ];

    const actual = peersToRetry(succeeded, input, NOW, () => 0.5);

    expect(actual).toEqual([]);
  });
});

describe('networkFailuresToRetry (back online)', () => {
  it('retries now what failed for network reasons, whatever the endpoint, and nothing else', () => {
    const failure = waiting('x', JIRA).failure!;
    const input = [
      waiting('offline', JIRA, {
        failure: { ...failure, lastError: { code: 'offline', message: 'offline' } },
      }),
      waiting('network', GOOGLE, {
        failure: { ...failure, lastError: { code: 'network', message: 'fetch failed' } },
      }),
      waiting('timeout', GOOGLE, {
        failure: { ...failure, lastError: { code: 'timeout', message: 'timed out' } },
      }),
      waiting('busy', JIRA),
    ];

    const actual = networkFailuresToRetry(input, NOW, () => 0);

    expect(actual.map((pick) => pick.connectionId)).toEqual(['offline', 'network', 'timeout']);
    expect(actual.every((pick) => pick.at === NOW)).toBe(true);
  });

  it('groups by origin, tolerating an endpoint that is not a URL', () => {
    expect(tokenOrigin({ endpoints: { authorization: '', token: `${JIRA}?x=1` } })).toBe(
      'https://auth.atlassian.com',
    );
    expect(tokenOrigin({ endpoints: { authorization: '', token: 'not a url' } })).toBe('not a url');
  });
});

describe('correlated recovery in the worker', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  /** A token endpoint that answers every refresh token (not rotating), recording the endpoint asked. */
  function answeringGrant() {
    const asked: string[] = [];
    const grant: RefreshGrant = async (target) => {
      asked.push(target.endpoints.token);
      return {
        accessToken: `at-${asked.length}`,
        lifetime: { lifetimeSec: 3600, assumed: false },
      };
    };
    return { grant, asked };
  }

  /** One connection due now and three waiting on the same endpoint, one waiting elsewhere. */
  async function withWaitingPeers(sleep: (ms: number) => Promise<void>) {
    const clock = manualClock(NOW);
    const endpoint = answeringGrant();
    const services = await offlineServices({
      clock,
      grant: endpoint.grant,
      sleep,
      random: () => 0,
    });
    await seedConnectionIn(services, {
      id: 'due',
      endpoints: waiting('x', JIRA).endpoints,
      nextRefreshAt: NOW,
    });
    const peers = ['p1', 'p2', 'p3'];
    for (const id of peers) await seedConnectionIn(services, waiting(id, JIRA));
    await seedConnectionIn(services, waiting('elsewhere', GOOGLE));
    const stateOf = async (id: string) => (await services.db.get('connections', id))?.state;
    return { services, clock, endpoint, peers, stateOf };
  }

  it('retries every connection waiting on the endpoint right after one request to it succeeds', async () => {
    const { services, endpoint, peers, stateOf } = await withWaitingPeers(async () => undefined);

    const outcome = await services.refresher.refresh('due', 'alarm');

    await vi.waitFor(async () => {
      expect(await Promise.all(peers.map(stateOf))).toEqual(['healthy', 'healthy', 'healthy']);
    });
    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(endpoint.asked).toEqual([JIRA, JIRA, JIRA, JIRA]);
    expect(await services.db.get('connections', 'elsewhere')).toMatchObject({
      state: 'retrying',
      nextRefreshAt: NOW + 10 * MINUTE,
    });
  });

  it('moves their retries and the alarm in first, so a worker that stops meanwhile still retries them', async () => {
    const never = () => new Promise<void>(() => undefined);
    const { services, clock, endpoint, peers, stateOf } = await withWaitingPeers(never);

    await services.refresher.refresh('due', 'alarm');
    await vi.waitFor(async () => {
      const alarm = await fakeBrowser.alarms.get(REFRESH_ALARM);
      expect(alarm?.scheduledTime).toBe(NOW + 30_000);
    });
    const planned = await Promise.all(
      peers.map(async (id) => (await services.db.get('connections', id))?.nextRefreshAt),
    );
    clock.advance(30_000);
    await services.scheduler.onAlarm({ name: REFRESH_ALARM });

    expect(planned).toEqual([NOW, NOW, NOW]);
    expect(await Promise.all(peers.map(stateOf))).toEqual(['healthy', 'healthy', 'healthy']);
    expect(endpoint.asked).toHaveLength(4);
  });

  it('sends nothing and moves nothing while the passphrase lock is closed', async () => {
    const fixture = await engineFixture();
    fixture.clock.set(NOW);
    await fixture.db.put('connections', waiting('p1', JIRA));
    const { scheduler, refresher } = schedulerFor(fixture, fakeGrant(), {
      isLocked: () => true,
      sleep: async () => undefined,
      random: () => 0,
    });
    const refresh = vi.spyOn(refresher, 'refresh');

    await scheduler.retryPeers(waiting('due', JIRA));
    await scheduler.retryNetworkFailures();

    expect(refresh).not.toHaveBeenCalled();
    expect((await fixture.db.get('connections', 'p1'))?.nextRefreshAt).toBe(NOW + 10 * MINUTE);
    expect(await fakeBrowser.alarms.get(REFRESH_ALARM)).toBeUndefined();
  });
});
