import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '@/utils/model';
import { needsAttention, summarize } from '@/components/summary';

describe('summarize', () => {
  it.each<{ states: ConnectionState[]; expected: string }>([
    { states: [], expected: 'No connections yet' },
    { states: ['healthy'], expected: 'Your connection is healthy' },
    { states: ['healthy', 'healthy'], expected: 'All 2 connections healthy' },
    { states: ['healthy', 'refreshing'], expected: 'All 2 connections healthy' },
    { states: ['healthy', 'needs-reconnect'], expected: '1 needs attention' },
    { states: ['retrying', 'new', 'healthy'], expected: '2 need attention' },
    { states: ['healthy', 'disabled'], expected: '1 healthy, 1 disabled' },
    { states: ['disabled'], expected: 'Your connection is disabled' },
    { states: ['disabled', 'disabled'], expected: 'All 2 connections disabled' },
  ])('$states → $expected', ({ states, expected }) => {
    const input = states.map((state) => ({ state }));

    const actual = summarize(input);

    expect(actual).toBe(expected);
  });
});

describe('needsAttention', () => {
  it.each<{ state: ConnectionState; expected: boolean }>([
    { state: 'new', expected: true },
    { state: 'healthy', expected: false },
    { state: 'refreshing', expected: false },
    { state: 'retrying', expected: true },
    { state: 'needs-reconnect', expected: true },
    { state: 'disabled', expected: false },
  ])('$state → $expected', ({ state, expected }) => {
    const actual = needsAttention(state);

    expect(actual).toBe(expected);
  });
});
