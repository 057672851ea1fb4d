import { describe, expect, it } from 'vitest';
import { parseRoute } from '@/entrypoints/options/sections';
import {
  isBackwards,
  isUnfiltered,
  NO_FILTER,
  toCriteria,
} from '@/entrypoints/options/historyFilter';

describe('parseRoute', () => {
  it.each([
    { hash: '', expected: { section: 'connections' } },
    { hash: '#history', expected: { section: 'history' } },
    { hash: '#health', expected: { section: 'health' } },
    { hash: '#nonsense', expected: { section: 'connections' } },
    { hash: '#connections/abc%2F1', expected: { section: 'connections', connectionId: 'abc/1' } },
    { hash: '#connections/%E0%A4', expected: { section: 'connections' } },
    { hash: '#settings/ignored', expected: { section: 'settings' } },
  ])('$hash → $expected', ({ hash, expected }) => {
    expect(parseRoute(hash)).toEqual(expected);
  });
});

describe('toCriteria', () => {
  const NOW = Date.UTC(2026, 10, 22, 12);

  it.each([
    { values: NO_FILTER, expected: {} },
    { values: { ...NO_FILTER, range: 'hour' as const }, expected: { from: NOW - 3_600_000 } },
    {
      values: { ...NO_FILTER, range: 'month' as const },
      expected: { from: NOW - 30 * 86_400_000 },
    },
    {
      values: {
        ...NO_FILTER,
        connectionId: 'c',
        kind: 'refreshed' as const,
        outcome: 'ok' as const,
      },
      expected: { connectionId: 'c', kinds: ['refreshed'], outcome: 'ok' },
    },
    { values: { ...NO_FILTER, range: 'custom' as const, from: 'garbage' }, expected: {} },
  ])('$values → $expected', ({ values, expected }) => {
    expect(toCriteria(values, NOW)).toEqual(expected);
  });

  it('knows a custom range whose start is after its end', () => {
    const values = {
      ...NO_FILTER,
      range: 'custom' as const,
      from: '2026-01-02T00:00',
      to: '2026-01-01T00:00',
    };

    expect(isBackwards(values)).toBe(true);
    expect(isBackwards({ ...values, range: 'all' })).toBe(false);
  });
});

describe('isUnfiltered', () => {
  it('ignores custom dates left behind once the range is back to any time', () => {
    const reset = { ...NO_FILTER, from: '2026-01-01T00:00' };

    expect([isUnfiltered(reset), isUnfiltered({ ...NO_FILTER, outcome: 'ok' })]).toEqual([
      true,
      false,
    ]);
  });
});
