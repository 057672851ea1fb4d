import { describe, expect, it } from 'vitest';
import { mean, median, percentile, ratio } from '@/scripts/bench/stats';

describe('percentile', () => {
  it.each([
    { p: 50, expected: 50 },
    { p: 99, expected: 99 },
    { p: 100, expected: 100 },
    { p: 1, expected: 1 },
  ])('p$p of 1…100 is $expected (nearest rank)', ({ p, expected }) => {
    const input = Array.from({ length: 100 }, (_, i) => 100 - i);

    const actual = percentile(input, p);

    expect(actual).toBe(expected);
  });

  it('is the largest sample for p99 of fewer than 100 samples', () => {
    const input = [3, 1, 2, 40];

    const actual = percentile(input, 99);

    expect(actual).toBe(40);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('median', () => {
  it('is the middle sample of an odd count', () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it('is the mean of the two middle samples of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder its input', () => {
    const input = [3, 1, 2];

    median(input);

    expect(input).toEqual([3, 1, 2]);
  });
});

describe('mean and ratio', () => {
  it('averages samples', () => {
    expect(mean([1, 2, 6])).toBe(3);
  });

  it('is NaN for a share of nothing, never 0 or 100 %', () => {
    expect(ratio(0, 0)).toBeNaN();
    expect(ratio(1, 4)).toBe(0.25);
  });
});
