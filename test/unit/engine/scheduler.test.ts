import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { REFRESH_ALARM, SWEEP_ALARM } from '@/utils/engine/scheduler';
import { commit } from '@/utils/store/commit';
import { queryHistory } from '@/utils/store/history';
import { engineFixture, schedulerFor, seedConnection } from '../../support/engine-fixture';

describe('scheduler', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('re-creates missing alarms after a cold start from the schedule in IndexedDB', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, { id: 'a', nextRefreshAt: now + 600_000 });
    await seedConnection(fixture, { id: 'b', nextRefreshAt: now + 120_000 });
    const { scheduler, grant } = schedulerFor(fixture);

    await scheduler.reconcile();

    expect(await fakeBrowser.alarms.get(REFRESH_ALARM)).toMatchObject({
      scheduledTime: now + 120_000,
    });
    expect(await fakeBrowser.alarms.get(SWEEP_ALARM)).toMatchObject({ periodInMinutes: 5 });
    expect(grant.calls).toHaveLength(0);
  });

  it('refreshes overdue connections at once on wake-up (the device slept through the alarm)', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, {
      id: 'late',
      nextRefreshAt: now - 3_600_000,
      expiresAt: now - 600_000,
    });
    const { scheduler, grant } = schedulerFor(fixture);

    await scheduler.reconcile();

    const connection = await fixture.db.get('connections', 'late');
    const history = await queryHistory(fixture.db, { limit: 5 });
    expect(grant.calls).toHaveLength(1);
    expect(connection?.expiresAt).toBe(now + 3_600_000);
    expect(history.events[0]).toMatchObject({ kind: 'refreshed', trigger: 'startup' });
    expect(await fakeBrowser.alarms.get(REFRESH_ALARM)).toMatchObject({
      scheduledTime: now + 3_000_000,
    });
  });

  it('settles a refresh cut off by a killed worker (in-flight marker) on the next start', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, {
      id: 'cut',
      inFlightSince: now - 5_000,
      nextRefreshAt: now + 600_000,
    });
    const { scheduler, grant } = schedulerFor(fixture);

    await scheduler.reconcile();

    const connection = await fixture.db.get('connections', 'cut');
    expect(grant.calls).toHaveLength(1);
    expect(connection?.inFlightSince).toBeNull();
  });

  it('does not reset an existing sweep alarm on every worker start', async () => {
    const fixture = await engineFixture();
    const { scheduler } = schedulerFor(fixture);
    await scheduler.reconcile();
    const first = await fakeBrowser.alarms.get(SWEEP_ALARM);
    await fakeBrowser.alarms.create(SWEEP_ALARM, { when: 42, periodInMinutes: 5 });

    await scheduler.reconcile();

    expect((await fakeBrowser.alarms.get(SWEEP_ALARM))?.scheduledTime).toBe(42);
    expect(first?.periodInMinutes).toBe(5);
  });

  it('refreshes only what is due when the refresh alarm fires, then re-arms for the next one', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await seedConnection(fixture, { id: 'due', nextRefreshAt: now + 60_000 });
    await seedConnection(fixture, { id: 'later', nextRefreshAt: now + 900_000 });
    const { scheduler, grant } = schedulerFor(fixture);
    fixture.clock.advance(60_000);

    await scheduler.onAlarm({ name: REFRESH_ALARM });

    expect(grant.calls).toHaveLength(1);
    expect(await fakeBrowser.alarms.get(REFRESH_ALARM)).toMatchObject({
      scheduledTime: now + 900_000,
    });
  });

  it('clears the refresh alarm when background refresh is disabled', async () => {
    const fixture = await engineFixture();
    await seedConnection(fixture, { nextRefreshAt: fixture.clock.now() - 1 });
    const { scheduler, grant } = schedulerFor(fixture);
    fixture.settings.enabled = false;

    await scheduler.reconcile();

    expect(grant.calls).toHaveLength(0);
    expect(await fakeBrowser.alarms.get(REFRESH_ALARM)).toBeUndefined();
  });

  it('prunes history older than the retention on a sweep', async () => {
    const fixture = await engineFixture();
    const now = fixture.clock.now();
    await commit(fixture.db, {
      events: [
        { connectionId: 'x', at: now - 31 * 86_400_000, kind: 'refreshed', ok: true },
        { connectionId: 'x', at: now - 86_400_000, kind: 'refreshed', ok: true },
      ],
    });
    const { scheduler } = schedulerFor(fixture);

    await scheduler.onAlarm({ name: SWEEP_ALARM });

    const history = await queryHistory(fixture.db, { limit: 10 });
    expect(history.events.map((event) => event.at)).toEqual([now - 86_400_000]);
  });
});
