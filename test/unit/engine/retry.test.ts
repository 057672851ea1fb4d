import { describe, expect, it } from 'vitest';
import type { Connection } from '@/utils/model';
import {
  earliestRetry,
  MAX_REQUESTS_PER_HOUR,
  NEAR_EXPIRY_RETRY_MS,
  allowanceAt,
  quickRetriesLeft,
  retryAt,
  STREAK_BURST,
  STREAK_PACE_MS,
} from '@/utils/engine/retry';

const NOW = 1_000_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LEAD = 10 * MINUTE;

/** A connection 30 minutes into a failure streak, its last request 10 s ago with nothing left to spend. */
const retrying: Connection = {
  id: 'c1',
  provider: 'custom',
  label: 'Test',
  clientId: 'client',
  hasClientSecret: false,
  scopes: [],
  endpoints: { authorization: 'https://as.test/auth', token: 'https://as.test/token' },
  state: 'retrying',
  expiresAt: NOW - MINUTE,
  lifetimeSec: 3600,
  nextRefreshAt: NOW + 10 * MINUTE,
  lastRefreshAt: NOW - HOUR,
  inFlightSince: null,
  failure: {
    failedAt: NOW - 30 * MINUTE,
    attempt: 20,
    lastAttemptAt: NOW - 10_000,
    allowance: 0,
    lastError: { code: 'http_503', message: 'busy' },
    kind: 'transient',
  },
  createdAt: NOW - 10 * HOUR,
  updatedAt: NOW - 10_000,
};

describe('retryAt', () => {
  it.each([
    { attempt: 1, expected: 30_000 },
    { attempt: 2, expected: 60_000 },
    { attempt: 3, expected: 120_000 },
    { attempt: 10, expected: 900_000 },
  ])(
    'waits $expected ms after failure $attempt (no jitter, no expiry)',
    ({ attempt, expected }) => {
      const actual = retryAt({ now: NOW, attempt, expiresAt: null, random: 0.5 });

      expect(actual - NOW).toBe(expected);
    },
  );

  it('honours Retry-After as a minimum', () => {
    const actual = retryAt({
      now: NOW,
      attempt: 1,
      retryAfterSec: 300,
      expiresAt: null,
      random: 0.5,
    });

    expect(actual - NOW).toBe(300_000);
  });

  it('honours Retry-After even near expiry, where retries are otherwise frequent', () => {
    const input = { now: NOW, attempt: 8, expiresAt: NOW + MINUTE, leadMs: LEAD, random: 0 };

    const actual = retryAt({ ...input, retryAfterSec: 600 });

    expect(actual - NOW).toBe(600_000);
  });

  it.each([
    { case: 'inside the refresh lead', expiresAt: NOW + 5 * MINUTE },
    { case: 'expired', expiresAt: NOW - HOUR },
  ])('retries about every minute once the token is $case, however long the streak', (input) => {
    const base = { now: NOW, attempt: 20, expiresAt: input.expiresAt, leadMs: LEAD };

    const soonest = retryAt({ ...base, random: 0 }) - NOW;
    const latest = retryAt({ ...base, random: 0.999_999 }) - NOW;

    expect(soonest).toBe(Math.round(NEAR_EXPIRY_RETRY_MS));
    expect(latest).toBeLessThanOrEqual(Math.round(NEAR_EXPIRY_RETRY_MS * 1.1));
    expect(NEAR_EXPIRY_RETRY_MS).toBeGreaterThan(MINUTE);
    expect(NEAR_EXPIRY_RETRY_MS).toBeLessThan(70_000);
  });

  it('backs off up to 15 min while the token is outside its lead, but never sleeps into the lead', () => {
    const tenthRetry = (expiresAt: number) =>
      retryAt({ now: NOW, attempt: 10, expiresAt, leadMs: LEAD, random: 0.5 });

    const far = tenthRetry(NOW + 2 * HOUR);
    const near = tenthRetry(NOW + 16 * MINUTE);

    expect(far - NOW).toBe(15 * MINUTE);
    expect(near - NOW).toBe(6 * MINUTE);
  });

  it('pulls the retry in before expiry while the token is still valid (no lead known)', () => {
    const actual = retryAt({ now: NOW, attempt: 6, expiresAt: NOW + 200_000, random: 0.5 });

    expect(actual - NOW).toBe(170_000);
  });

  it('waits for the streak’s allowance to hold a request again', () => {
    const input = { now: NOW, attempt: 1, expiresAt: NOW - 1, leadMs: LEAD, random: 0 };

    const spent = retryAt({ ...input, allowance: 0 });
    const overspent = retryAt({ ...input, allowance: -1 });
    const plenty = retryAt({ ...input, allowance: 4 });

    expect(spent - NOW).toBe(Math.round(STREAK_PACE_MS));
    expect(overspent - NOW).toBe(Math.round(2 * STREAK_PACE_MS));
    expect(plenty - NOW).toBe(Math.round(NEAR_EXPIRY_RETRY_MS));
  });
});

describe('the hourly cap (≤ 60 token requests per connection in any hour of a streak)', () => {
  /**
   * Plays a streak that never succeeds: its first attempt and quick retries, then a request at every moment
   * the rules allow — the retry alarm, and besides it something (a caller, a recovery) asking as soon as
   * `earliestRetry` lets it.
   */
  function eagerStreak(hours: number, quickRetries: number): number[] {
    let connection = retrying;
    const times: number[] = [];
    const request = (at: number) => {
      const allowance = allowanceAt(connection.failure, at) - 1;
      const nextRefreshAt = retryAt({
        now: at,
        attempt: Math.max(1, times.length + 1 - quickRetries),
        expiresAt: connection.expiresAt,
        leadMs: LEAD,
        allowance,
        random: 0,
      });
      times.push(at);
      connection = {
        ...connection,
        nextRefreshAt,
        failure: {
          ...(connection.failure ?? { failedAt: at, lastError: { code: 'x', message: 'x' } }),
          kind: 'transient',
          attempt: times.length,
          lastAttemptAt: at,
          allowance,
        },
      };
    };
    connection = { ...connection, failure: null };
    for (let i = 0; i <= quickRetries; i += 1) request(NOW + [0, 2, 6, 14, 30, 62][i]! * 1000);
    while (times.at(-1)! < NOW + hours * HOUR) {
      request(Math.min(connection.nextRefreshAt!, Math.ceil(earliestRetry(connection)!)));
    }
    return times;
  }

  /** The most requests in any window of an hour. */
  function busiestHour(times: number[]): number {
    let most = 0;
    for (const start of times) {
      most = Math.max(most, times.filter((t) => t >= start && t < start + HOUR).length);
    }
    return most;
  }

  it.each([0, 3, 5])(
    'holds with %i quick retries and requests at every allowed moment',
    (quick) => {
      const times = eagerStreak(3, quick);

      const actual = busiestHour(times);

      expect(actual).toBeLessThanOrEqual(MAX_REQUESTS_PER_HOUR);
      expect(actual).toBeGreaterThanOrEqual(MAX_REQUESTS_PER_HOUR - 1);
    },
  );

  it('refills the allowance at the pace, up to the burst', () => {
    const failure = retrying.failure!;

    const justSpent = allowanceAt({ ...failure, allowance: 0, lastAttemptAt: NOW }, NOW);
    const later = allowanceAt(
      { ...failure, allowance: 0, lastAttemptAt: NOW },
      NOW + 2 * STREAK_PACE_MS,
    );
    const long = allowanceAt({ ...failure, allowance: 0, lastAttemptAt: NOW }, NOW + 10 * HOUR);
    const fresh = allowanceAt(null, NOW);

    expect(justSpent).toBe(0);
    expect(later).toBeCloseTo(2, 6);
    expect([long, fresh]).toEqual([STREAK_BURST, STREAK_BURST]);
  });
});

describe('earliestRetry and quickRetriesLeft', () => {
  it('is a pace after the last request, or the Retry-After when later', () => {
    const paced = earliestRetry(retrying);
    const told = earliestRetry({
      ...retrying,
      failure: { ...retrying.failure!, notBefore: NOW + 5 * MINUTE },
    });

    expect(paced).toBeCloseTo(NOW - 10_000 + STREAK_PACE_MS, 0);
    expect(told).toBe(NOW + 5 * MINUTE);
  });

  it('is undefined when no transient streak waits', () => {
    const healthy = { ...retrying, state: 'healthy' as const, failure: null };
    const permanent = {
      ...retrying,
      state: 'needs-reconnect' as const,
      failure: { ...retrying.failure!, kind: 'permanent' as const },
    };

    expect(earliestRetry(healthy)).toBeUndefined();
    expect(earliestRetry(permanent)).toBeUndefined();
  });

  it('gives quick retries only to the start of a streak', () => {
    const fresh = quickRetriesLeft({ ...retrying, failure: null }, 3);
    const onDemandFailedFirst = quickRetriesLeft(
      { ...retrying, failure: { ...retrying.failure!, attempt: 1 } },
      3,
    );
    const later = quickRetriesLeft(retrying, 3);

    expect([fresh, onDemandFailedFirst, later]).toEqual([3, 2, 0]);
  });
});
