import { describe, expect, it } from 'vitest';
import './catalog';
import {
  formatClock,
  formatDateTime,
  formatDuration,
  formatMs,
  formatRelative,
} from '@/components/format';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2025, 10, 22, 14, 3, 22);

describe('formatClock', () => {
  it.each([
    { input: 0, expected: '0:00' },
    { input: -5 * SECOND, expected: '0:00' },
    { input: 1, expected: '0:01' },
    { input: 999, expected: '0:01' },
    { input: 5 * SECOND, expected: '0:05' },
    { input: 65 * SECOND, expected: '1:05' },
    { input: 118 * SECOND, expected: '1:58' },
    { input: 12 * MINUTE, expected: '12:00' },
    { input: HOUR - 1, expected: '1:00:00' },
    { input: HOUR + 2 * MINUTE + 3 * SECOND, expected: '1:02:03' },
    { input: 26 * HOUR, expected: '26:00:00' },
  ])('$input ms → $expected', ({ input, expected }) => {
    const actual = formatClock(input);

    expect(actual).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    { input: 0, expected: '0 s' },
    { input: 45 * SECOND, expected: '45 s' },
    { input: 59_999, expected: '59 s' },
    { input: MINUTE, expected: '1 min' },
    { input: 2 * MINUTE + 40 * SECOND, expected: '2 min' },
    { input: HOUR, expected: '1 h' },
    { input: HOUR + 5 * MINUTE, expected: '1 h 5 min' },
    { input: DAY, expected: '1 day' },
    { input: 3 * DAY + 5 * HOUR, expected: '3 days' },
    { input: -2 * MINUTE, expected: '2 min' },
  ])('$input ms → $expected', ({ input, expected }) => {
    const actual = formatDuration(input);

    expect(actual).toBe(expected);
  });
});

describe('formatRelative', () => {
  it.each([
    { at: NOW, expected: 'just now' },
    { at: NOW - 4 * SECOND, expected: 'just now' },
    { at: NOW - 5 * SECOND, expected: '5 s ago' },
    { at: NOW - 2 * MINUTE, expected: '2 min ago' },
    { at: NOW - 3 * HOUR - 10 * MINUTE, expected: '3 h 10 min ago' },
    { at: NOW - 2 * DAY, expected: '2 days ago' },
    { at: NOW + 1, expected: 'in 1 s' },
    { at: NOW + 44_200, expected: 'in 45 s' },
    { at: NOW + 45 * SECOND, expected: 'in 45 s' },
    { at: NOW + 10 * MINUTE, expected: 'in 10 min' },
    { at: NOW + HOUR + 50 * MINUTE, expected: 'in 1 h 50 min' },
  ])('$at relative to now → $expected', ({ at, expected }) => {
    const actual = formatRelative(at, NOW);

    expect(actual).toBe(expected);
  });
});

describe('formatDateTime', () => {
  it('formats date and time with seconds in the given locale and time zone', () => {
    const options = { locale: 'en-GB', timeZone: 'UTC' };

    const actual = formatDateTime(NOW, options);

    expect(actual).toBe('22 Nov 2025, 14:03:22');
  });
});

describe('formatMs', () => {
  it.each([
    { input: 0, expected: '0 ms' },
    { input: 87.6, expected: '88 ms' },
    { input: 1234, expected: '1,234 ms' },
  ])('$input → $expected', ({ input, expected }) => {
    const actual = formatMs(input, 'en-US');

    expect(actual).toBe(expected);
  });
});
