import { describe, expect, it } from 'vitest';
import {
  alertFor,
  badgeFor,
  needsAttention,
  PERSISTENT_FAILURE_MS,
} from '@/utils/engine/attention';
import type { Connection, FailureInfo } from '@/utils/model';

const NOW = 1_000_000;

function failing(failure: Partial<FailureInfo>, overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'c1',
    provider: 'custom',
    label: 'Work Jira',
    clientId: 'client',
    hasClientSecret: false,
    scopes: ['openid'],
    endpoints: { authorization: 'https://as.test/auth', token: 'https://as.test/token' },
    state: 'retrying',
    expiresAt: NOW - 1,
    lifetimeSec: 3600,
    lastRefreshAt: NOW - 3_600_000,
    inFlightSince: null,
    failure: {
      failedAt: NOW - 60_000,
      attempt: 4,
      lastError: { code: 'network', message: 'The token endpoint could not be reached.' },
      kind: 'transient',
      ...failure,
    },
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

describe('needsAttention and badgeFor', () => {
  it.each([
    { state: 'healthy' as const, expiresAt: NOW + 1, expected: false },
    { state: 'healthy' as const, expiresAt: NOW, expected: true },
    { state: 'needs-reconnect' as const, expiresAt: null, expected: true },
    { state: 'new' as const, expiresAt: null, expected: false },
  ])('$state expiring at $expiresAt → $expected', ({ state, expiresAt, expected }) => {
    expect(needsAttention({ state, expiresAt }, NOW)).toBe(expected);
  });

  it.each([
    {
      name: 'valid, next attempt well before expiry',
      expiresAt: NOW + 43_000,
      next: NOW + 30_000,
      expected: false,
    },
    {
      name: 'valid, next attempt at expiry',
      expiresAt: NOW + 43_000,
      next: NOW + 43_000,
      expected: true,
    },
    {
      name: 'valid, next attempt after expiry',
      expiresAt: NOW + 43_000,
      next: NOW + 60_000,
      expected: true,
    },
    { name: 'expired', expiresAt: NOW, next: NOW + 30_000, expected: true },
    { name: 'no token', expiresAt: null, next: NOW + 30_000, expected: true },
  ])('retrying, $name → needs attention: $expected', ({ expiresAt, next, expected }) => {
    const input = { state: 'retrying' as const, expiresAt, nextRefreshAt: next };

    const actual = needsAttention(input, NOW);

    expect(actual).toBe(expected);
  });

  it('shows nothing while nothing is at risk, else the count, red when a reconnect is needed', () => {
    const healthy = { state: 'healthy' as const, expiresAt: NOW + 1000 };
    const calm = {
      state: 'retrying' as const,
      expiresAt: NOW + 43_000,
      nextRefreshAt: NOW + 30_000,
    };
    const atRisk = {
      state: 'retrying' as const,
      expiresAt: NOW + 1000,
      nextRefreshAt: NOW + 30_000,
    };
    const dead = { state: 'needs-reconnect' as const, expiresAt: null };

    expect(badgeFor([healthy, healthy], NOW)).toEqual({ text: '', color: '#b06000' });
    expect(badgeFor([healthy, calm], NOW)).toEqual({ text: '', color: '#b06000' });
    expect(badgeFor([healthy, atRisk], NOW)).toEqual({ text: '1', color: '#b06000' });
    expect(badgeFor([atRisk, dead, calm], NOW)).toEqual({ text: '2', color: '#c5221f' });
  });
});

describe('alertFor', () => {
  const REASON = 'The token endpoint could not be reached.';

  it.each([
    {
      name: 'a permanent failure: reconnect, with the reason',
      input: failing({ kind: 'permanent', attempt: 1 }),
      expected: {
        titleKey: 'alertNeedsReconnectTitle',
        titleArgs: ['Work Jira'],
        messageKey: 'alertReason',
        messageArgs: [REASON],
        actions: ['reconnect'],
      },
    },
    {
      name: 'a configuration error: open the settings',
      input: failing({ kind: 'configuration', attempt: 1 }),
      expected: {
        titleKey: 'alertConfigurationTitle',
        titleArgs: ['Work Jira'],
        messageKey: 'alertReason',
        messageArgs: [REASON],
        actions: ['open'],
      },
    },
    {
      name: 'transient failures with the token expired: the attempts and the reason',
      input: failing({ attempt: 4 }),
      expected: {
        titleKey: 'alertTokenExpiredTitle',
        titleArgs: ['Work Jira'],
        messageKey: 'alertRefreshKeepsFailing',
        messageArgs: ['4', REASON],
        actions: ['retry', 'reconnect'],
      },
    },
    {
      name: 'one transient failure before the token expires: said in the singular',
      input: failing({ attempt: 1 }, { expiresAt: NOW + 60_000, nextRefreshAt: NOW + 120_000 }),
      expected: {
        titleKey: 'alertTokenExpiringTitle',
        titleArgs: ['Work Jira'],
        messageKey: 'alertRefreshFailedOnce',
        messageArgs: [REASON],
        actions: ['retry', 'reconnect'],
      },
    },
    {
      name: 'an unknown code failing for an hour while the token is still valid: told, retries go on',
      input: failing(
        {
          attempt: 6,
          failedAt: NOW - PERSISTENT_FAILURE_MS,
          lastError: { code: 'server_quirk', message: REASON },
        },
        { expiresAt: NOW + 20 * 3_600_000, nextRefreshAt: NOW + 900_000 },
      ),
      expected: {
        titleKey: 'alertKeepsFailingTitle',
        titleArgs: ['Work Jira'],
        messageKey: 'alertRefreshKeepsFailing',
        messageArgs: ['6', REASON],
        actions: ['retry', 'reconnect'],
      },
    },
  ])('$name', ({ input, expected }) => {
    const actual = alertFor(input, NOW);

    expect(actual).toEqual(expected);
  });

  it.each([
    { name: 'already notified', input: failing({ notifiedAt: NOW - 1 }), quiet: 0 },
    { name: 'quick retries not yet spent', input: failing({ attempt: 3 }), quiet: 3 },
    {
      name: 'the next attempt comes before the token expires',
      input: failing({}, { expiresAt: NOW + 600_000, nextRefreshAt: NOW + 60_000 }),
      quiet: 0,
    },
    {
      name: 'a streak just short of the hour, the token still valid',
      input: failing(
        { attempt: 6, failedAt: NOW - PERSISTENT_FAILURE_MS + 1 },
        { expiresAt: NOW + 20 * 3_600_000, nextRefreshAt: NOW + 900_000 },
      ),
      quiet: 0,
    },
  ])('stays quiet: $name', ({ input, quiet }) => {
    const actual = alertFor(input, NOW, quiet);

    expect(actual).toBeUndefined();
  });
});
