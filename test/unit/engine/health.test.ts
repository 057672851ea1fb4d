import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '@/utils/model';
import {
  computeHealth,
  median,
  percentile,
  type HealthConnection,
  type HealthInput,
} from '@/utils/engine/health';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.UTC(2026, 10, 22, 12);
const FROM = NOW - 24 * HOUR;

function connection(overrides: Partial<HealthConnection> = {}): HealthConnection {
  return {
    id: 'a',
    label: 'Demo',
    provider: 'custom',
    state: 'healthy',
    expiresAt: NOW + 50 * MIN,
    lifetimeSec: 3600,
    failure: null,
    ...overrides,
  };
}

function refreshed(at: number, durationMs: number, expiresAt = at + HOUR): HistoryEvent {
  return { connectionId: 'a', at, kind: 'refreshed', ok: true, durationMs, expiresAt };
}

function failed(at: number): HistoryEvent {
  return {
    connectionId: 'a',
    at,
    kind: 'refresh-failed',
    ok: false,
    durationMs: 30,
    error: { code: 'network', message: 'No answer.' },
  };
}

function input(overrides: Partial<HealthInput> = {}): HealthInput {
  return {
    now: NOW,
    period: '24h',
    connections: [connection()],
    settings: { enabled: true, checkIntervalMin: 5, refreshLeadMin: 10 },
    events: [],
    before: [],
    ...overrides,
  };
}

describe('computeHealth', () => {
  it('counts attempts, success rate and latency percentiles over the period', () => {
    const events = [
      refreshed(FROM + HOUR, 100),
      refreshed(FROM + 2 * HOUR, 300),
      failed(FROM + 3 * HOUR),
      refreshed(FROM + 3 * HOUR + MIN, 200),
      refreshed(FROM - HOUR, 9_999), // before the period: not counted
    ];

    const [actual] = computeHealth(input({ events })).connections;

    expect(actual).toMatchObject({
      attempts: 4,
      succeeded: 3,
      failed: 1,
      successRate: 0.75,
      latencyMs: { median: 200, p95: 300 },
    });
  });

  it("measures each refresh's margin before the old token expired", () => {
    const before: HistoryEvent = {
      connectionId: 'a',
      at: FROM - 30 * MIN,
      kind: 'connected',
      ok: true,
      expiresAt: FROM + 30 * MIN,
    };
    const events = [
      refreshed(FROM + 20 * MIN, 100), // 10 min early
      refreshed(FROM + 75 * MIN, 100), // 5 min early (token of FROM+20 lived to FROM+80)
    ];

    const [actual] = computeHealth(input({ events, before: [before] })).connections;

    expect(actual!.marginsMs).toEqual([10 * MIN, 5 * MIN]);
    expect(actual!.marginMs).toEqual({ min: 5 * MIN, median: 7.5 * MIN });
  });

  it('adds up the time without a valid token: gaps between expiry and the next token, and up to now', () => {
    const before: HistoryEvent = {
      connectionId: 'a',
      at: FROM - 2 * HOUR,
      kind: 'refreshed',
      ok: true,
      expiresAt: FROM - HOUR, // expired an hour before the period: counted from the period start
    };
    const events = [
      refreshed(FROM + 30 * MIN, 100, FROM + 90 * MIN), // 30 min without a token
      failed(FROM + 80 * MIN),
      refreshed(FROM + 100 * MIN, 100, NOW - HOUR), // 10 min without, then valid until 1 h ago
    ];

    const [actual] = computeHealth(input({ events, before: [before] })).connections;

    expect(actual!.withoutTokenMs).toBe(30 * MIN + 10 * MIN + HOUR);
    expect(actual!.marginsMs).toEqual([-(FROM + 30 * MIN - (FROM - HOUR)), -10 * MIN]);
  });

  it('stops counting time without a token once the connection is disconnected', () => {
    const events: HistoryEvent[] = [
      refreshed(FROM + HOUR, 100, FROM + 2 * HOUR),
      { connectionId: 'a', at: FROM + 3 * HOUR, kind: 'disconnected', ok: true },
    ];

    const [actual] = computeHealth(input({ events })).connections;

    expect(actual!.withoutTokenMs).toBe(HOUR);
  });

  it('reports no rate, latency or margin without refreshes, and the streak from the failure record', () => {
    const failing = connection({
      state: 'retrying',
      failure: {
        failedAt: NOW - 10 * MIN,
        attempt: 3,
        kind: 'transient',
        lastError: { code: 'network', message: 'No answer.' },
      },
    });

    const [actual] = computeHealth(input({ connections: [failing] })).connections;

    expect(actual).toMatchObject({
      attempts: 0,
      successRate: null,
      latencyMs: null,
      marginMs: null,
      withoutTokenMs: 0,
      failureStreak: 3,
    });
  });

  it('uses the threshold as lead, capped at half a short token lifetime', () => {
    const connections = [
      connection({ id: 'long', lifetimeSec: 3600 }),
      connection({ id: 'short', lifetimeSec: 120 }),
      connection({ id: 'none', lifetimeSec: null, expiresAt: null, state: 'new' }),
    ];

    const actual = computeHealth(input({ connections })).connections.map((c) => c.effectiveLeadSec);

    expect(actual).toEqual([600, 60, null]);
  });

  it('buckets refreshes and failures per hour over 24 h, and per 6 h over 7 days', () => {
    const events = [refreshed(FROM + 10 * MIN, 1), failed(FROM + 20 * MIN), refreshed(NOW - 1, 1)];

    const day = computeHealth(input({ events }));
    const week = computeHealth(input({ events, period: '7d' }));

    expect(day.timeline).toHaveLength(24);
    expect(day.timeline[0]).toEqual({ start: FROM, succeeded: 1, failed: 1 });
    expect(day.timeline[23]).toEqual({ start: NOW - HOUR, succeeded: 1, failed: 0 });
    expect(day.connections[0]!.timeline).toEqual(day.timeline);
    expect(week.timeline).toHaveLength(28);
    expect(week.bucketMs).toBe(6 * HOUR);
    expect(week.timeline.at(-1)).toEqual({ start: NOW - 6 * HOUR, succeeded: 1, failed: 0 });
  });

  it('sums up connections per provider, expiring soon, expired and needing reconnect', () => {
    const connections = [
      connection({ id: 'ok', provider: 'jira' }),
      connection({ id: 'soon', provider: 'jira', expiresAt: NOW + 5 * MIN }),
      connection({ id: 'expired', provider: 'google', expiresAt: NOW - MIN }),
      connection({ id: 'dead', state: 'needs-reconnect', expiresAt: NOW - HOUR }),
      connection({ id: 'new', state: 'new', expiresAt: null, lifetimeSec: null }),
    ];

    const actual = computeHealth(input({ connections })).summary;

    expect(actual).toEqual({
      total: 5,
      byProvider: [
        { provider: 'custom', count: 2 },
        { provider: 'jira', count: 2 },
        { provider: 'google', count: 1 },
      ],
      expiringSoon: 1,
      expired: 2,
      needsReconnect: 1,
      retrying: 0,
      refreshEnabled: true,
      checkIntervalMin: 5,
      refreshLeadMin: 10,
    });
  });
});

describe('median and percentile', () => {
  it.each([
    { values: [5], median: 5, p95: 5 },
    { values: [1, 3], median: 2, p95: 3 },
    { values: [9, 1, 5], median: 5, p95: 9 },
    { values: Array.from({ length: 100 }, (_, i) => i + 1), median: 50.5, p95: 95 },
  ])('median $median and p95 $p95 of $values.length values', ({ values, ...expected }) => {
    const actual = { median: median(values), p95: percentile(values, 0.95) };

    expect(actual).toEqual(expected);
  });
});
