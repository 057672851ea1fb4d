import { describe, expect, it } from 'vitest';
import { clockOffset, offsetClock } from '@/components/clock';

describe('clockOffset', () => {
  it.each([
    { workerNow: 10_000, receivedAt: 10_000, expected: 0 },
    { workerNow: 10_000, receivedAt: 10_400, expected: 0 },
    { workerNow: 10_400, receivedAt: 10_000, expected: 0 },
    { workerNow: 15_000, receivedAt: 10_000, expected: 5_000 },
    { workerNow: 10_000, receivedAt: 13_000, expected: -3_000 },
  ])(
    'worker $workerNow, received $receivedAt → $expected',
    ({ workerNow, receivedAt, expected }) => {
      const actual = clockOffset(workerNow, receivedAt);

      expect(actual).toBe(expected);
    },
  );
});

describe('offsetClock', () => {
  it('adds the offset to the base clock', () => {
    const base = () => 1_000;

    const actual = offsetClock(250, base)();

    expect(actual).toBe(1_250);
  });

  it('returns the base clock itself when there is no offset', () => {
    const base = () => 1_000;

    const actual = offsetClock(0, base);

    expect(actual).toBe(base);
  });
});
