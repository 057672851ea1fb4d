import { describe, expect, it } from 'vitest';
import { awakeSpans, buildMonth, DEFAULT_MONTH, within } from '@/scripts/sim/month';

describe('buildMonth', () => {
  it('is the same month for the same seed', () => {
    const input = { ...DEFAULT_MONTH, days: 3 };

    const first = buildMonth(input);
    const second = buildMonth(input);

    expect(second.calls).toEqual(first.calls);
    expect(second.restarts).toEqual(first.restarts);
    expect(second.connections.map((c) => c.issuedAt)).toEqual(
      first.connections.map((c) => c.issuedAt),
    );
  });

  it('has the issue’s mix: 50 connections, nights of 8 h, a restart and a night every day', () => {
    const month = buildMonth({ ...DEFAULT_MONTH, days: 30 });

    expect(month.connections).toHaveLength(50);
    expect(month.sleeps).toHaveLength(30);
    expect(month.restarts).toHaveLength(30);
    expect(month.sleeps.every((s) => s.to - s.from === 8 * 3_600_000)).toBe(true);
    expect(month.outages.map((o) => o.to - o.from)).toEqual([3_600_000, 3_600_000]);
  });

  it('places token calls only while the browser runs, in time order', () => {
    const month = buildMonth({ ...DEFAULT_MONTH, days: 3 });

    const asleepOrClosed = month.calls.filter(
      (call) => within(month.sleeps, call.at) || within(month.restarts, call.at),
    );

    expect(asleepOrClosed).toEqual([]);
    expect(month.calls.every((call, i) => i === 0 || call.at >= month.calls[i - 1]!.at)).toBe(true);
  });

  it('puts both outages in waking hours, so callers see them', () => {
    const month = buildMonth({ ...DEFAULT_MONTH, days: 30 });

    const actual = month.outages.map(
      (o) => within(month.sleeps, o.from) || within(month.sleeps, o.to - 1),
    );

    expect(actual).toEqual([false, false]);
  });
});

describe('awakeSpans', () => {
  it('cuts nights and restarts out of the month', () => {
    const input = {
      start: 0,
      end: 100,
      sleeps: [{ from: 60, to: 80 }],
      closed: [{ from: 10, to: 12 }],
    };

    const actual = awakeSpans(input.start, input.end, input.sleeps, input.closed);

    expect(actual).toEqual([
      { from: 0, to: 10 },
      { from: 12, to: 60 },
      { from: 80, to: 100 },
    ]);
  });
});
