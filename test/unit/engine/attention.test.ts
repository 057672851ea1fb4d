import { describe, expect, it } from 'vitest';
import { badgeFor, needsAttention } from '@/utils/engine/attention';

const NOW = 1_000_000;

describe('needsAttention and badgeFor', () => {
  it.each([
    { state: 'healthy' as const, expiresAt: NOW + 1, expected: false },
    { state: 'healthy' as const, expiresAt: NOW, expected: true },
    { state: 'retrying' as const, expiresAt: NOW + 1, expected: true },
    { state: 'needs-reconnect' as const, expiresAt: null, expected: true },
    { state: 'new' as const, expiresAt: null, expected: false },
    { state: 'disabled' as const, expiresAt: null, expected: false },
  ])('$state expiring at $expiresAt → $expected', ({ state, expiresAt, expected }) => {
    expect(needsAttention({ state, expiresAt }, NOW)).toBe(expected);
  });

  it('shows nothing when all is healthy, else the count, red when a reconnect is needed', () => {
    const healthy = { state: 'healthy' as const, expiresAt: NOW + 1000 };
    const retrying = { state: 'retrying' as const, expiresAt: NOW + 1000 };
    const dead = { state: 'needs-reconnect' as const, expiresAt: null };

    expect(badgeFor([healthy, healthy], NOW)).toEqual({ text: '', color: '#b06000' });
    expect(badgeFor([healthy, retrying], NOW)).toEqual({ text: '1', color: '#b06000' });
    expect(badgeFor([retrying, dead], NOW)).toEqual({ text: '2', color: '#c5221f' });
  });
});
