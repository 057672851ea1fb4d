import { describe, expect, it } from 'vitest';
import { alarmTimeFor, isDue, nextRefreshAt } from '@/utils/engine/schedule';

const NOW = 1_000_000_000_000;

describe('nextRefreshAt', () => {
  it('refreshes a one-hour token ten minutes before expiry', () => {
    const input = {
      expiresAt: NOW + 3_600_000,
      lifetimeSec: 3600,
      leadSec: 600,
      now: NOW,
      random: 0,
    };

    const actual = nextRefreshAt(input);

    expect(actual).toBe(NOW + 3_000_000);
  });

  it('caps the lead at half the lifetime for tokens shorter than the threshold', () => {
    const input = { expiresAt: NOW + 300_000, lifetimeSec: 300, leadSec: 600, now: NOW, random: 0 };

    const actual = nextRefreshAt(input);

    expect(actual).toBe(NOW + 150_000);
  });

  it('never plans sooner than the 30 s alarm floor, so tiny tokens do not loop', () => {
    const input = { expiresAt: NOW + 20_000, lifetimeSec: 20, leadSec: 600, now: NOW, random: 0 };

    const actual = nextRefreshAt(input);

    expect(actual).toBe(NOW + 30_000);
  });

  it('jitters earlier, by at most 10 % of the lead and 30 s', () => {
    const base = { expiresAt: NOW + 3_600_000, lifetimeSec: 3600, leadSec: 600, now: NOW };

    const earliest = nextRefreshAt({ ...base, random: 0.999999 });
    const shortToken = nextRefreshAt({
      ...base,
      expiresAt: NOW + 90_000,
      lifetimeSec: 90,
      random: 0.999999,
    });

    expect(NOW + 3_000_000 - earliest).toBeGreaterThan(29_000);
    expect(NOW + 3_000_000 - earliest).toBeLessThanOrEqual(30_000);
    expect(shortToken).toBeGreaterThanOrEqual(NOW + 45_000 - 4_500);
    expect(shortToken).toBeLessThan(NOW + 45_000);
  });

  it('plans a 90 s token (the end-to-end lifetime) well before expiry', () => {
    const input = { expiresAt: NOW + 90_000, lifetimeSec: 90, leadSec: 600, now: NOW, random: 0.5 };

    const actual = nextRefreshAt(input);

    expect(actual - NOW).toBeGreaterThanOrEqual(30_000);
    expect(NOW + 90_000 - actual).toBeGreaterThanOrEqual(45_000);
  });
});

describe('alarmTimeFor and isDue', () => {
  it('moves an alarm for the past or the next 30 s to the floor', () => {
    expect(alarmTimeFor(NOW - 5_000, NOW)).toBe(NOW + 30_000);
    expect(alarmTimeFor(NOW + 10_000, NOW)).toBe(NOW + 30_000);
    expect(alarmTimeFor(NOW + 60_000, NOW)).toBe(NOW + 60_000);
  });

  it('treats unscheduled as not due and tolerates an alarm firing a moment early', () => {
    expect(isDue(undefined, NOW)).toBe(false);
    expect(isDue(NOW + 500, NOW)).toBe(true);
    expect(isDue(NOW + 5_000, NOW)).toBe(false);
  });
});
