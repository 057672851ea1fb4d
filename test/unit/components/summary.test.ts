import { describe, expect, it } from 'vitest';
import type { ShownState } from '@/utils/model';
import { badgeFor, needsAttention, type AttentionInput } from '@/utils/attention';
import { summarize, summaryTone } from '@/components/summary';
import { NOW } from './fixtures';

const FRESH = NOW + 60_000;
const EXPIRED = NOW - 1;

describe('summarize', () => {
  it.each<{ states: ShownState[]; expected: string }>([
    { states: [], expected: 'No connections yet' },
    { states: ['healthy'], expected: 'Your connection is healthy' },
    { states: ['healthy', 'healthy', 'healthy'], expected: 'All 3 connections healthy' },
    { states: ['healthy', 'refreshing'], expected: 'All 2 connections healthy' },
    { states: ['healthy', 'needs-reconnect'], expected: '1 needs attention' },
    {
      states: ['retrying', 'needs-reconnect', 'healthy'],
      expected: '1 needs attention · 1 retrying',
    },
    { states: ['retrying', 'healthy'], expected: '1 healthy · 1 retrying' },
    { states: ['healthy', 'new'], expected: '1 healthy · 1 not connected' },
    { states: ['new'], expected: '1 not connected' },
  ])('$states → $expected', ({ states, expected }) => {
    const input = states.map((state) => ({ state, expiresAt: FRESH }));

    const actual = summarize(input, NOW);

    expect(actual).toBe(expected);
  });

  it('counts a retrying connection as needing attention once its token is at risk', () => {
    const calm = { state: 'retrying' as const, expiresAt: FRESH, nextRefreshAt: NOW + 30_000 };
    const atRisk = { ...calm, nextRefreshAt: FRESH + 1 };

    expect([summarize([calm], NOW), summaryTone([calm], NOW)]).toEqual(['1 retrying', 'retrying']);
    expect([summarize([atRisk], NOW), summaryTone([atRisk], NOW)]).toEqual([
      '1 needs attention',
      'attention',
    ]);
  });

  it('counts a healthy connection whose token has expired as needing attention', () => {
    const input = [{ state: 'healthy' as const, expiresAt: EXPIRED }];

    expect(summarize(input, NOW)).toBe('1 needs attention');
  });
});

describe('needsAttention', () => {
  const cases: { input: AttentionInput; expected: boolean }[] = [
    { input: { state: 'new', expiresAt: null }, expected: false },
    { input: { state: 'healthy', expiresAt: FRESH }, expected: false },
    { input: { state: 'healthy', expiresAt: EXPIRED }, expected: true },
    { input: { state: 'refreshing', expiresAt: FRESH }, expected: false },
    { input: { state: 'retrying', expiresAt: FRESH, nextRefreshAt: NOW + 1000 }, expected: false },
    { input: { state: 'retrying', expiresAt: FRESH, nextRefreshAt: FRESH }, expected: true },
    { input: { state: 'needs-reconnect', expiresAt: null }, expected: true },
  ];

  it.each(cases)('$input.state (expires $input.expiresAt) → $expected', ({ input, expected }) => {
    expect(needsAttention(input, NOW)).toBe(expected);
  });

  it('agrees with the toolbar badge, so the popup and the badge count the same', () => {
    const input = cases.map((c) => c.input);

    const popupCount = input.filter((c) => needsAttention(c, NOW)).length;
    const badge = badgeFor(input, NOW);

    expect(badge.text).toBe(String(popupCount));
  });
});
