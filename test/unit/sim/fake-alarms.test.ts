import { describe, expect, it } from 'vitest';
import { createFakeAlarms } from '@/scripts/sim/fake-alarms';
import { createVirtualClock } from '@/scripts/sim/virtual-clock';

const T0 = Date.UTC(2026, 2, 2, 7);

describe('fake alarms', () => {
  it('keeps a one-shot alarm at its time and drops it once fired', async () => {
    const clock = createVirtualClock(T0);
    const alarms = createFakeAlarms(clock);
    await alarms.create('refresh', { when: T0 + 60_000 });

    const fired = alarms.fire('refresh', T0 + 60_000);

    expect(fired).toEqual({ name: 'refresh', scheduledTime: T0 + 60_000 });
    expect(alarms.next()).toBeUndefined();
  });

  it('applies Chrome’s 30 s floor to times and periods', async () => {
    const clock = createVirtualClock(T0);
    const alarms = createFakeAlarms(clock);

    await alarms.create('soon', { when: T0 + 1_000 });
    await alarms.create('fast', { periodInMinutes: 0.1 });

    expect((await alarms.get('soon'))?.scheduledTime).toBe(T0 + 30_000);
    expect(await alarms.get('fast')).toEqual({
      name: 'fast',
      scheduledTime: T0 + 30_000,
      periodInMinutes: 0.5,
    });
  });

  it('returns the earliest alarm first', async () => {
    const clock = createVirtualClock(T0);
    const alarms = createFakeAlarms(clock);
    await alarms.create('sweep', { delayInMinutes: 5, periodInMinutes: 5 });
    await alarms.create('refresh', { when: T0 + 120_000 });

    const actual = alarms.next();

    expect(actual?.name).toBe('refresh');
  });

  it('replaces an alarm re-created under the same name', async () => {
    const clock = createVirtualClock(T0);
    const alarms = createFakeAlarms(clock);
    await alarms.create('refresh', { when: T0 + 120_000 });

    await alarms.create('refresh', { when: T0 + 600_000 });

    expect(alarms.all()).toEqual([{ name: 'refresh', scheduledTime: T0 + 600_000 }]);
  });

  it('loses every alarm at a browser restart', async () => {
    const clock = createVirtualClock(T0);
    const alarms = createFakeAlarms(clock);
    await alarms.create('refresh', { when: T0 + 120_000 });
    await alarms.create('sweep', { periodInMinutes: 5 });

    alarms.clearAll();

    expect(alarms.all()).toEqual([]);
    expect(await alarms.clear('refresh')).toBe(false);
  });
});

describe('virtual clock', () => {
  it('releases waits in due order and only when the simulation moves it', async () => {
    const clock = createVirtualClock(T0);
    const woke: string[] = [];
    void clock.sleep(4_000).then(() => woke.push('4 s'));
    void clock.sleep(2_000).then(() => woke.push('2 s'));
    await Promise.resolve();
    expect(woke).toEqual([]);

    clock.fireNextTimer();
    await Promise.resolve();
    clock.fireNextTimer();
    await Promise.resolve();

    expect(woke).toEqual(['2 s', '4 s']);
    expect(clock.now()).toBe(T0 + 4_000);
  });

  it('fires a timer late when told to (the device slept), and never goes back in time', () => {
    const clock = createVirtualClock(T0);
    clock.setTimer(() => undefined, 1_000);

    clock.fireNextTimer(T0 + 3_600_000);
    clock.advanceTo(T0);

    expect(clock.now()).toBe(T0 + 3_600_000);
  });

  it('drops the callbacks of a stopped worker but keeps pending waits', () => {
    const clock = createVirtualClock(T0);
    let ran = false;
    const id = clock.setTimer(() => (ran = true), 50);
    void clock.sleep(10_000);

    clock.clearCallbacks();

    expect(clock.nextTimerAt()).toBe(T0 + 10_000);
    clock.clearTimer(id);
    expect(ran).toBe(false);
  });
});
