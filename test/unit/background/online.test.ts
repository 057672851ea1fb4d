import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { retryWhenOnline } from '@/utils/background/online';
import type { Services } from '@/utils/background/services';
import type { Connection, FailureInfo } from '@/utils/model';
import { fakeGrant, manualClock, seedConnectionIn } from '../../support/engine-fixture';
import { offlineServices } from '../../support/offline-services';

const NOW = Date.UTC(2026, 10, 22, 12);

/** Waiting for a retry in ten minutes after `code`, the last request two minutes ago. */
function waitingAfter(id: string, code: string): Partial<Connection> {
  const failure: FailureInfo = {
    failedAt: NOW - 30 * 60_000,
    attempt: 20,
    lastAttemptAt: NOW - 2 * 60_000,
    lastError: { code, message: code },
    kind: 'transient',
  };
  return { id, state: 'retrying', expiresAt: NOW - 60_000, nextRefreshAt: NOW + 600_000, failure };
}

describe('back online', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('retries at once the connections whose last attempt failed for network reasons', async () => {
    const grant = fakeGrant();
    const services = await offlineServices({ clock: manualClock(NOW), grant: grant.grant });
    await seedConnectionIn(services, waitingAfter('net', 'network'));
    // Behind another origin: a success at the first must not pull it in (correlated recovery).
    await seedConnectionIn(services, {
      ...waitingAfter('busy', 'http_503'),
      endpoints: { authorization: 'https://other.test/auth', token: 'https://other.test/token' },
    });
    const scope = new EventTarget();
    const ran: Promise<unknown>[] = [];
    retryWhenOnline(scope, {
      whenReady: (task: (s: Services) => Promise<unknown>) => void ran.push(task(services)),
    });

    scope.dispatchEvent(new Event('online'));
    await Promise.all(ran);

    await vi.waitFor(async () => {
      expect(await services.db.get('connections', 'net')).toMatchObject({ state: 'healthy' });
    });
    expect(await services.db.get('connections', 'busy')).toMatchObject({
      state: 'retrying',
      nextRefreshAt: NOW + 600_000,
    });
    expect(grant.calls).toHaveLength(1);
  });

  it('does nothing before the browser says it is online', async () => {
    const grant = fakeGrant();
    const services = await offlineServices({ clock: manualClock(NOW), grant: grant.grant });
    await seedConnectionIn(services, waitingAfter('net', 'offline'));
    const scope = new EventTarget();
    retryWhenOnline(scope, { whenReady: (task) => void task(services) });

    scope.dispatchEvent(new Event('offline'));

    expect(grant.calls).toHaveLength(0);
    expect(await services.db.get('connections', 'net')).toMatchObject({ state: 'retrying' });
  });
});
