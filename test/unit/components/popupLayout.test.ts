import { describe, expect, it } from 'vitest';
import { isCalm, popupLayout, ROWS_FROM } from '@/components/popupLayout';
import type { ConnectionStatus } from '@/utils/model';
import { makeConnection, makeRevokedConnection, NOW } from './fixtures';

const failure: ConnectionStatus['failure'] = {
  failedAt: NOW,
  attempt: 1,
  kind: 'transient',
  lastError: { code: 'http_503', message: 'The token endpoint answered 503.' },
};

describe('popupLayout', () => {
  it.each<{ name: string; overrides: Partial<ConnectionStatus>; calm: boolean }>([
    { name: 'healthy', overrides: {}, calm: true },
    { name: 'refreshing on schedule', overrides: { state: 'refreshing' }, calm: true },
    {
      name: 'Jira sites and a distant refresh-token limit',
      overrides: {
        sites: [{ id: 's', url: 'https://x.atlassian.net', name: 'x' }],
        reconnectBy: {
          at: NOW + 90 * 86_400_000,
          warnFrom: NOW + 60 * 86_400_000,
          reason: 'age',
          limitDays: 365,
        },
      },
      calm: true,
    },
    {
      name: 'a refresh-token limit inside its warning',
      overrides: {
        reconnectBy: { at: NOW + 5 * 86_400_000, warnFrom: NOW - 1, reason: 'age', limitDays: 365 },
      },
      calm: false,
    },
    { name: 'retrying with a valid token', overrides: { state: 'retrying', failure }, calm: false },
    { name: 'healthy with a failure still shown', overrides: { failure }, calm: false },
    { name: 'expired', overrides: { expiresAt: NOW - 1 }, calm: false },
    { name: 'no token', overrides: { expiresAt: null }, calm: false },
    { name: 'an assumed lifetime', overrides: { lifetimeAssumed: true }, calm: false },
    { name: 'missing scopes', overrides: { missingScopes: ['email'] }, calm: false },
    { name: 'not connected', overrides: { state: 'new', expiresAt: null }, calm: false },
  ])('a connection $name is calm: $calm', ({ overrides, calm }) => {
    expect(isCalm(makeConnection(overrides), NOW)).toBe(calm);
  });

  it(`draws rows only from ${ROWS_FROM} connections on, after every card, each group in order`, () => {
    const connections = [
      makeConnection({ id: 'a' }),
      makeConnection({ id: 'new', state: 'new', expiresAt: null }),
      makeConnection({ id: 'b' }),
      makeConnection({ id: 'retry', state: 'retrying', failure, nextRefreshAt: NOW + 30_000 }),
      makeRevokedConnection({ id: 'revoked' }),
      makeConnection({ id: 'c' }),
    ];
    const shown = (list: ConnectionStatus[]) =>
      popupLayout(list, NOW).map(
        ({ connection, row }) => `${row ? 'row' : 'card'}:${connection.id}`,
      );

    expect(shown(connections)).toEqual([
      'card:revoked',
      'card:retry',
      'card:new',
      'row:a',
      'row:b',
      'row:c',
    ]);
    expect(shown(connections.slice(0, ROWS_FROM - 1))).toEqual([
      'card:revoked',
      'card:retry',
      'card:a',
      'card:new',
      'card:b',
    ]);
  });
});
