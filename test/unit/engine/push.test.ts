import { describe, expect, it } from 'vitest';
import { accessView, allowedFor, pushEvents } from '@/utils/engine/push';
import type { Connection } from '@/utils/model';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const T0 = Date.UTC(2026, 10, 22, 12);

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'jira',
    provider: 'jira',
    label: 'Work Jira',
    clientId: 'client',
    hasClientSecret: true,
    allowedExtensions: [A],
    scopes: ['read:jira-work', 'offline_access'],
    endpoints: { authorization: 'https://as.test/auth', token: 'https://as.test/token' },
    state: 'healthy',
    expiresAt: T0 + 3_600_000,
    lifetimeSec: 3600,
    lastRefreshAt: T0,
    inFlightSince: null,
    failure: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const events = (before: Connection[], after: Connection[]) =>
  pushEvents(accessView(before), accessView(after));

describe('pushEvents', () => {
  it('tells only the extensions allowed the connection that its token was refreshed', () => {
    const before = [connection(), connection({ id: 'mail', allowedExtensions: [B] })];
    const after = [connection({ expiresAt: T0 + 7_200_000 }), before[1]!];

    const actual = events(before, after);

    expect(actual).toEqual([
      {
        extensionId: A,
        event: { type: 'tokenRefreshed', connectionId: 'jira', expiresAt: T0 + 7_200_000 },
      },
    ]);
  });

  it('says nothing when only the schedule or an in-flight marker moved', () => {
    const before = [connection()];
    const after = [connection({ nextRefreshAt: T0 + 60_000, inFlightSince: T0 })];

    expect(events(before, after)).toEqual([]);
  });

  it('says once that the grant needs a reconnect, then that a reconnect brought a token', () => {
    const healthy = connection();
    const broken = connection({ state: 'needs-reconnect' });
    const reconnected = connection({ expiresAt: T0 + 9_000_000 });

    const actual = [
      ...events([healthy], [broken]),
      ...events([broken], [broken]),
      ...events([broken], [reconnected]),
    ].map((a) => a.event.type);

    expect(actual).toEqual(['needsReconnect', 'tokenRefreshed']);
  });

  it('says revoked on a disconnect and on a removal', () => {
    const disconnected = connection({ state: 'new', expiresAt: null, lifetimeSec: null });

    const actual = [...events([connection()], [disconnected]), ...events([connection()], [])];

    expect(actual).toEqual([
      { extensionId: A, event: { type: 'revoked', connectionId: 'jira' } },
      { extensionId: A, event: { type: 'revoked', connectionId: 'jira' } },
    ]);
  });

  it('tells an extension taken off the list, and nothing more of that connection', () => {
    const before = [connection({ allowedExtensions: [A, B] })];
    const after = [connection({ allowedExtensions: [B], expiresAt: T0 + 7_200_000 })];

    const actual = events(before, after);

    expect(actual).toEqual([
      { extensionId: A, event: { type: 'accessRemoved', connectionId: 'jira' } },
      {
        extensionId: B,
        event: { type: 'tokenRefreshed', connectionId: 'jira', expiresAt: T0 + 7_200_000 },
      },
    ]);
  });

  it('tells a newly allowed extension nothing of the past', () => {
    const before = [connection({ allowedExtensions: [] })];
    const after = [connection({ allowedExtensions: [B], expiresAt: T0 + 7_200_000 })];

    expect(events(before, after)).toEqual([]);
  });
});

describe('allowedFor', () => {
  it('lists only the connections allowed to that extension, without tokens or other extensions', () => {
    const view = accessView([
      connection(),
      connection({ id: 'mail', provider: 'google', allowedExtensions: [B] }),
    ]);

    const actual = allowedFor(view, A);

    expect(actual).toEqual([
      {
        connectionId: 'jira',
        provider: 'jira',
        label: 'Work Jira',
        expiresAt: T0 + 3_600_000,
        needsReconnect: false,
      },
    ]);
  });
});
