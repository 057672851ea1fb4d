import { describe, expect, it } from 'vitest';
import { buildMonth, DEFAULT_MONTH, type Month } from '@/scripts/sim/month';
import { GOOGLE_LIKE } from '@/scripts/sim/token-server';
import { lifetimesElapsed, recoveries } from '@/scripts/bench/outcome';
import { createRandom } from '@/scripts/sim/prng';
import { createProviders, tokenEndpointOf } from '@/scripts/sim/month-providers';
import { createVirtualClock } from '@/scripts/sim/virtual-clock';

const HOUR = 3_600_000;

/** One Google-like connection for one day, an outage from 08:00 to 09:00, no random failures. */
function oneConnectionDay(): Month {
  const base = buildMonth({ ...DEFAULT_MONTH, days: 1, mix: [{ profile: GOOGLE_LIKE, count: 1 }] });
  return {
    ...base,
    restarts: [],
    calls: [],
    transientFailureRate: 0,
    outages: [
      {
        from: base.start + HOUR,
        to: base.start + 2 * HOUR,
        affects: () => true,
        failure: 'http_503',
        label: 'test outage',
      },
    ],
  };
}

describe('lifetimesElapsed', () => {
  it('counts token lifetimes only while the browser runs (16 h of a day with an 8 h night)', () => {
    const month = oneConnectionDay();

    const actual = lifetimesElapsed(month);

    expect(actual).toBe(16);
  });
});

describe('recoveries', () => {
  it('measures from the end of an outage to the next successful refresh of a connection it hit', async () => {
    const month = oneConnectionDay();
    const clock = createVirtualClock(month.start);
    const providers = createProviders(month, clock, createRandom(1));
    const spec = month.connections[0]!;
    const target = {
      endpoints: { authorization: 'https://a.test', token: tokenEndpointOf(spec) },
      clientId: 'c',
    };
    const { refreshToken } = providers.initialTokens(spec);
    const attempt = async (at: number) => {
      clock.advanceTo(at);
      const pending = providers.grant(target, refreshToken, {}).catch((error: unknown) => error);
      clock.fireNextTimer();
      return pending;
    };

    const during = await attempt(month.start + 1.5 * HOUR);
    const after = await attempt(month.start + 2 * HOUR + 5 * 60_000);

    expect(during).toBeInstanceOf(Error);
    expect(after).toMatchObject({ lifetime: { lifetimeSec: 3600 } });
    expect(recoveries(month, providers)).toEqual([
      {
        label: 'test outage',
        affected: 1,
        medianMs: 5 * 60_000,
        maxMs: 5 * 60_000,
        neverRecovered: 0,
        busiestHourRequests: 2,
      },
    ]);
  });
});
