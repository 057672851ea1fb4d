import { describe, expect, it } from 'vitest';
import { retryAt } from '@/utils/engine/retry';

const NOW = 1_000_000_000_000;

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

  it('caps the wait at 5 min once the token has expired, so recovery after an outage is quick', () => {
    const actual = retryAt({ now: NOW, attempt: 10, expiresAt: NOW - 1, random: 0.5 });

    expect(actual - NOW).toBe(300_000);
  });

  it('pulls the retry in before expiry while the token is still valid', () => {
    const actual = retryAt({ now: NOW, attempt: 6, expiresAt: NOW + 200_000, random: 0.5 });

    expect(actual - NOW).toBe(170_000);
  });
});
