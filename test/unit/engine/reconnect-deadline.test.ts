import { describe, expect, it } from 'vitest';
import { reconnectDeadline } from '@/utils/engine/reconnect-deadline';
import type { Connection } from '@/utils/model';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

function connection(overrides: Partial<Connection>) {
  return {
    state: 'healthy' as const,
    lastRefreshAt: T0,
    grantStartedAt: T0,
    refreshTokenLifetime: { idleDays: 90, absoluteDays: 365 },
    ...overrides,
  };
}

describe('reconnectDeadline', () => {
  it("takes the provider's own stated end (refresh_token_expires_in) when it comes first", () => {
    const input = connection({ refreshTokenExpiry: { at: T0 + 3 * DAY, limitSec: 3 * 86_400 } });

    const actual = reconnectDeadline(input);

    expect(actual).toEqual({
      at: T0 + 3 * DAY,
      reason: 'provider',
      limitDays: 3,
      warnFrom: T0 + 1.5 * DAY,
    });
  });

  it('warns from a stated end for a provider with no known preset rules (custom)', () => {
    const input = connection({
      refreshTokenLifetime: undefined,
      refreshTokenExpiry: { at: T0 + 30 * DAY, limitSec: 30 * 86_400 },
    });

    const actual = reconnectDeadline(input);

    expect(actual).toMatchObject({ reason: 'provider', warnFrom: T0 + 16 * DAY });
  });

  it('counts inactivity from the last token response while that comes first', () => {
    const input = connection({ lastRefreshAt: T0 + 100 * DAY });

    const actual = reconnectDeadline(input);

    expect(actual).toEqual({
      at: T0 + 190 * DAY,
      reason: 'inactivity',
      limitDays: 90,
      warnFrom: T0 + 176 * DAY,
    });
  });

  it('switches to the absolute age once refreshes keep the inactivity limit away', () => {
    const input = connection({ lastRefreshAt: T0 + 300 * DAY });

    const actual = reconnectDeadline(input);

    expect(actual).toEqual({
      at: T0 + 365 * DAY,
      reason: 'age',
      limitDays: 365,
      warnFrom: T0 + 351 * DAY,
    });
  });

  it("warns from half-way through a short life (Google's 7 days in Testing)", () => {
    const input = connection({ refreshTokenLifetime: { absoluteDays: 7 } });

    const actual = reconnectDeadline(input);

    expect(actual).toEqual({
      at: T0 + 7 * DAY,
      reason: 'age',
      limitDays: 7,
      warnFrom: T0 + 3.5 * DAY,
    });
  });

  it.each([
    { name: 'no known limits', input: connection({ refreshTokenLifetime: undefined }) },
    {
      name: 'a connection never connected',
      input: connection({ state: 'new', lastRefreshAt: null }),
    },
    {
      name: 'an absolute limit without a grant start (connected before tracking)',
      input: connection({ refreshTokenLifetime: { absoluteDays: 7 }, grantStartedAt: undefined }),
    },
  ])('has no deadline for $name', ({ input }) => {
    const actual = reconnectDeadline(input);

    expect(actual).toBeUndefined();
  });
});
