// The hand-rolled timer designs our engine is compared with, as small MV3 extensions in the same simulated
// browser, against the same emulators: a fixed 12-hour interval, a 5-minute poll refreshing tokens that
// expire within 10 minutes, and refreshing only when a caller finds the token expired. Each keeps its tokens
// in storage (they survive the worker), creates its periodic alarm when the browser starts (the usual
// `runtime.onStartup` pattern; alarms are lost on restart), refreshes one connection at a time with no
// retries and no lock, and, as a fallback, refreshes on demand when a caller's token has less than a
// minute left.
import { classifyTokenError } from '../../utils/oauth/classify';
import type { SimulatedExtension } from '../sim/month-browser';
import { createFakeAlarms } from '../sim/fake-alarms';
import type { ConnectionSpec, Month } from '../sim/month';
import { measureMonth, type StrategyRun } from './outcome';
import { createRandom } from '../sim/prng';
import { createProviders, tokenEndpointOf, type Providers } from '../sim/month-providers';
import { createVirtualClock, type VirtualClock } from '../sim/virtual-clock';

/** What a competing strategy keeps per connection (in `chrome.storage`, so it survives the worker). */
interface HeldToken {
  spec: ConnectionSpec;
  accessToken: string;
  refreshToken: string;
  /** Expiry by our clock: response time + `expires_in`. */
  expiresAt: number;
  /** The provider said `invalid_grant`: only a new consent helps. */
  lost: boolean;
}

/** A competing strategy. */
export interface Strategy {
  name: string;
  /** The periodic alarm's period, or none (refresh on request only). */
  periodMin?: number;
  /** Whether the periodic run refreshes this token. */
  refreshOnTick(token: HeldToken, now: number): boolean;
}

/** Refresh every connection every 12 hours. */
export const FIXED_INTERVAL: Strategy = {
  name: 'Fixed 12 h interval',
  periodMin: 720,
  refreshOnTick: () => true,
};

/** Every 5 minutes, refresh what expires within 10 minutes. */
export const POLLING: Strategy = {
  name: 'Poll every 5 min, 10 min threshold',
  periodMin: 5,
  refreshOnTick: (token, now) => token.expiresAt - now < 10 * 60_000,
};

/** No background work at all: refresh when a caller needs a token. */
export const ON_REQUEST: Strategy = {
  name: 'Refresh only on request',
  refreshOnTick: () => false,
};

/** The competing strategies, in report order. */
export const COMPETITORS: readonly Strategy[] = [FIXED_INTERVAL, POLLING, ON_REQUEST];

/** A caller needs this much validity, as it asks our engine (`getAccessToken` with 60 s). */
const MIN_VALIDITY_MS = 60_000;

/** Runs the month with a competing strategy. */
export async function runStrategy(month: Month, strategy: Strategy): Promise<StrategyRun> {
  const clock = createVirtualClock(month.start);
  const alarms = createFakeAlarms(clock);
  const providers = createProviders(month, clock, createRandom(month.seed).fork('providers'));
  const store = new Map<string, HeldToken>();
  for (const spec of month.connections) {
    const { tokens, refreshToken } = providers.initialTokens(spec);
    store.set(spec.id, {
      spec,
      accessToken: tokens.accessToken,
      refreshToken,
      expiresAt: spec.issuedAt + tokens.lifetime.lifetimeSec * 1000,
      lost: false,
    });
  }
  const refresh = refresherFor(providers, clock);
  const extension: SimulatedExtension = {
    async start(cause) {
      // onStartup creates the alarm (re-creating resets its timer); a cold start for an event does not.
      if (cause === 'browser-start' && strategy.periodMin !== undefined) {
        await alarms.create('refresh', { periodInMinutes: strategy.periodMin });
      }
    },
    async onAlarm() {
      for (const token of store.values()) {
        if (!token.lost && strategy.refreshOnTick(token, clock.now())) await refresh(token);
      }
    },
    async onCall(call) {
      const token = store.get(call.connectionId)!;
      if (token.lost) return { ok: false };
      if (token.expiresAt - clock.now() >= MIN_VALIDITY_MS) {
        return { ok: true, accessToken: token.accessToken };
      }
      return (await refresh(token)) ? { ok: true, accessToken: token.accessToken } : { ok: false };
    },
    stop: () => undefined,
  };
  const run = await measureMonth({
    name: strategy.name,
    month,
    clock,
    alarms,
    providers,
    extension,
  });
  run.givenUp = [...store.values()].filter((token) => token.lost).length;
  return run;
}

/** One token request, no retry, no lock: what the timer designs do. Returns whether it succeeded. */
function refresherFor(providers: Providers, clock: VirtualClock) {
  return async (token: HeldToken): Promise<boolean> => {
    try {
      const tokens = await providers.grant(
        {
          endpoints: {
            authorization: 'https://provider.bench/authorize',
            token: tokenEndpointOf(token.spec),
          },
          clientId: 'bench-client',
        },
        token.refreshToken,
        {},
      );
      token.accessToken = tokens.accessToken;
      token.refreshToken = tokens.refreshToken ?? token.refreshToken;
      token.expiresAt = clock.now() + tokens.lifetime.lifetimeSec * 1000;
      return true;
    } catch (error) {
      if (classifyTokenError(error).kind !== 'transient') token.lost = true;
      return false;
    }
  };
}
