import { describe, expect, it } from 'vitest';
import { runBrowserMonth, type SimulatedExtension } from '@/scripts/sim/month-browser';
import { createFakeAlarms } from '@/scripts/sim/fake-alarms';
import { buildMonth, DEFAULT_MONTH, type Month } from '@/scripts/sim/month';
import { createVirtualClock } from '@/scripts/sim/virtual-clock';

const HOUR = 3_600_000;

/** One connection, `days` days (07:00–23:00 awake, then asleep); no restarts, outages or calls unless given. */
function quietDay(overrides: Partial<Month> = {}, days = 1): Month {
  const base = buildMonth({ ...DEFAULT_MONTH, days });
  return {
    ...base,
    connections: base.connections.slice(0, 1),
    restarts: [],
    outages: [],
    calls: [],
    transientFailureRate: 0,
    ...overrides,
  };
}

/** An extension with an hourly alarm set at browser start; it records what happened when. */
function hourlyExtension(month: Month) {
  const clock = createVirtualClock(month.start);
  const alarms = createFakeAlarms(clock);
  const seen: { event: string; at: number }[] = [];
  const extension: SimulatedExtension = {
    async start(cause) {
      seen.push({ event: `start:${cause}`, at: clock.now() });
      if (cause === 'browser-start') await alarms.create('tick', { periodInMinutes: 60 });
    },
    async onAlarm(alarm) {
      seen.push({ event: `alarm:${alarm.name}`, at: clock.now() });
    },
    async onCall() {
      seen.push({ event: 'call', at: clock.now() });
      return { ok: false };
    },
    stop: () => seen.push({ event: 'stop', at: clock.now() }),
  };
  const answers: boolean[] = [];
  const answered = (_call: unknown, answer: { ok: boolean }) => void answers.push(answer.ok);
  return {
    clock,
    alarms,
    seen,
    answers,
    input: { name: 'hourly', month, clock, alarms, extension, answered },
  };
}

describe('runBrowserMonth', () => {
  it('wakes the stopped worker for every hourly alarm while awake, and once at wake-up for the night', async () => {
    const month = quietDay({}, 2);
    const { seen, input } = hourlyExtension(month);

    const run = await runBrowserMonth(input);

    const alarmHours = seen
      .filter((s) => s.event === 'alarm:tick')
      .map((s) => (s.at - month.start) / HOUR);
    // 08:00 … 22:00 on day one; the alarms due 23:00 … 06:00 fire once at 07:00, then hourly from there.
    const dayOne = Array.from({ length: 15 }, (_, i) => i + 1);
    const dayTwo = Array.from({ length: 16 }, (_, i) => 24 + i);
    expect(alarmHours).toEqual([...dayOne, ...dayTwo]);
    expect(run.wakeUps).toEqual({ alarm: 31, caller: 0, browserStart: 1 });
    expect(run.alarmEvents).toBe(31);
  });

  it('lets a caller find the worker running within 30 s of the last event, and start it after', async () => {
    const month = quietDay();
    const calls = [
      { at: month.start + HOUR + 10_000, connectionId: month.connections[0]!.id },
      { at: month.start + HOUR + 50_000, connectionId: month.connections[0]!.id },
    ];
    const { input, answers } = hourlyExtension({ ...month, calls });

    const run = await runBrowserMonth({ ...input, month: { ...month, calls } });

    // The first call comes 10 s after the 08:00 alarm (worker still up), the second 40 s later (stopped).
    expect(run.wakeUps.caller).toBe(1);
    expect(answers).toEqual([false, false]);
  });

  it('loses the alarms at a browser restart and starts the worker again when it reopens', async () => {
    const month = quietDay();
    const restarts = [{ from: month.start + 90 * 60_000, to: month.start + 92 * 60_000 }];
    const { seen, input } = hourlyExtension({ ...month, restarts });

    await runBrowserMonth({ ...input, month: { ...month, restarts } });

    const starts = seen
      .filter((s) => s.event === 'start:browser-start')
      .map((s) => s.at - month.start);
    expect(starts).toEqual([0, 92 * 60_000]);
    // The hourly alarm was re-created at 08:32, so it next fires at 09:32.
    const firstAfter = seen.find((s) => s.event === 'alarm:tick' && s.at > restarts[0]!.to);
    expect((firstAfter!.at - month.start) / 60_000).toBe(152);
  });
});
