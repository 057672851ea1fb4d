// In-process token endpoints for the month: they answer the engine's refresh-token grants the way
// Google-like, Atlassian-like and strict short-lived providers do, fail like the month says, and know
// which access tokens are really valid (the provider's clock, not ours, decides).
import * as oauth from 'oauth4webapi';
import type { RefreshGrant } from '../../utils/engine/refresher';
import type { TokenSet } from '../../utils/oauth/client';
import type { ConnectionSpec, Month, Outage } from './month';
import type { Random } from '../sim/prng';
import type { VirtualClock } from '../sim/virtual-clock';

/** One connection's grant as the provider sees it. */
interface GrantState {
  spec: ConnectionSpec;
  /** This connection's own stream: its k-th request fails or not whatever the others do. */
  random: Random;
  refreshToken: string;
  /** Retired refresh tokens and when they stop being accepted (the reuse leeway). */
  retired: Map<string, number>;
  /** When the provider revoked the grant (reuse outside the leeway), if it did. */
  revokedAt: number | null;
  serial: number;
  /** The latest access token and when it dies, in our time. */
  accessToken: string;
  validUntil: number;
}

/** What the providers saw during the month. */
export interface ProviderCounters {
  /** Token requests received (every attempt, failed or not). */
  requests: number;
  /** Requests that returned new tokens. */
  refreshes: number;
  /** Requests failed by the 5 % transient failure rate. */
  transientFailures: number;
  /** Requests failed by an outage. */
  outageFailures: number;
  /** A retired refresh token came back within the leeway (accepted, but a sign of a lost response). */
  reuseWithinLeeway: number;
  /** A retired or unknown refresh token came back outside any leeway: the grant is revoked. */
  reuseErrors: number;
}

/** A success or a failure of one connection's token request, for recovery times. */
export interface RequestRecord {
  at: number;
  ok: boolean;
}

/** The emulated providers of one strategy's month. */
export interface Providers {
  /** The refresh-token grant the engine calls instead of HTTP. */
  grant: RefreshGrant;
  /** The tokens a consent gave before the month began. */
  initialTokens(spec: ConnectionSpec): { tokens: TokenSet; refreshToken: string };
  /** Whether the provider accepts `accessToken` at `at` (our time). */
  isValid(accessToken: string | undefined, at: number): boolean;
  /** Requests so far for one connection (to tell whether a caller waited on the network). */
  requestsFor(connectionId: string): number;
  /** Connections whose grant the provider revoked (refresh token reuse outside the leeway). */
  lostConnections(): string[];
  /** When the provider revoked a connection's grant, or null. */
  revokedAt(connectionId: string): number | null;
  /** Every request per connection, in order. */
  log(connectionId: string): readonly RequestRecord[];
  counters: ProviderCounters;
}

/** How long the token endpoint takes to answer (ms of virtual time). */
const LATENCY_MS = { min: 80, max: 400 };

/** Builds the emulators for `month` on `clock`; `random` seeds each connection's latencies and failures. */
export function createProviders(month: Month, clock: VirtualClock, random: Random): Providers {
  const states = new Map<string, GrantState>();
  const byEndpoint = new Map<string, GrantState>();
  const logs = new Map<string, RequestRecord[]>();
  const perConnection = new Map<string, number>();
  const tokenOwner = new Map<string, GrantState>();
  const counters: ProviderCounters = {
    requests: 0,
    refreshes: 0,
    transientFailures: 0,
    outageFailures: 0,
    reuseWithinLeeway: 0,
    reuseErrors: 0,
  };

  for (const spec of month.connections) {
    const state: GrantState = {
      spec,
      random: random.fork(spec.id),
      refreshToken: `rt-${spec.id}-0`,
      retired: new Map(),
      revokedAt: null,
      serial: 0,
      accessToken: '',
      validUntil: 0,
    };
    issueAccessToken(state, spec.issuedAt);
    states.set(spec.id, state);
    byEndpoint.set(tokenEndpointOf(spec.id), state);
    logs.set(spec.id, []);
    perConnection.set(spec.id, 0);
  }

  function issueAccessToken(state: GrantState, at: number): void {
    state.serial += 1;
    tokenOwner.delete(state.accessToken);
    state.accessToken = `at-${state.spec.id}-${state.serial}`;
    // The resource server checks expiry on its own clock, which may run ahead of (or behind) ours.
    state.validUntil = at + state.spec.profile.lifetimeSec * 1000 - state.spec.skewMs;
    tokenOwner.set(state.accessToken, state);
  }

  function outageAt(spec: ConnectionSpec, at: number): Outage | undefined {
    return month.outages.find((o) => at >= o.from && at < o.to && o.affects(spec));
  }

  /** Decides the answer at the moment the request arrives; the caller then waits the latency. */
  function answer(state: GrantState, refreshToken: string, at: number): TokenSet | Error {
    const spec = state.spec;
    const outage = outageAt(spec, at);
    if (outage) {
      counters.outageFailures += 1;
      return outage.failure === 'network' ? networkError() : unavailable();
    }
    if (state.random.chance(month.transientFailureRate)) {
      counters.transientFailures += 1;
      return state.random.chance(0.5) ? networkError() : unavailable();
    }
    if (state.revokedAt !== null) return invalidGrant('The refresh token was revoked.');
    if (refreshToken !== state.refreshToken) {
      const acceptedUntil = state.retired.get(refreshToken);
      if (acceptedUntil === undefined || at >= acceptedUntil) {
        // Atlassian-style reuse detection: a stale token revokes the whole family.
        counters.reuseErrors += 1;
        state.revokedAt = at;
        return invalidGrant('Refresh token reuse detected: the grant was revoked.');
      }
      counters.reuseWithinLeeway += 1;
    }
    counters.refreshes += 1;
    issueAccessToken(state, at);
    if (!spec.profile.rotating) {
      return tokenSet(state.accessToken, undefined, spec.profile.lifetimeSec);
    }
    state.retired.set(state.refreshToken, at + spec.profile.reuseLeewayMs);
    state.refreshToken = `rt-${spec.id}-${state.serial}`;
    return tokenSet(state.accessToken, state.refreshToken, spec.profile.lifetimeSec);
  }

  const grant: RefreshGrant = async (target, refreshToken) => {
    const state = byEndpoint.get(target.endpoints.token);
    if (!state) throw new TypeError(`No emulator at ${target.endpoints.token}`);
    const at = clock.now();
    const latencyMs = Math.round(state.random.between(LATENCY_MS.min, LATENCY_MS.max));
    counters.requests += 1;
    perConnection.set(state.spec.id, (perConnection.get(state.spec.id) ?? 0) + 1);
    const result = answer(state, refreshToken, at);
    logs.get(state.spec.id)!.push({ at, ok: !(result instanceof Error) });
    await clock.sleep(latencyMs);
    if (result instanceof Error) throw result;
    return result;
  };

  return {
    grant,
    initialTokens(spec) {
      const state = states.get(spec.id)!;
      return {
        tokens: tokenSet(state.accessToken, state.refreshToken, spec.profile.lifetimeSec),
        refreshToken: state.refreshToken,
      };
    },
    isValid(accessToken, at) {
      if (accessToken === undefined) return false;
      const state = tokenOwner.get(accessToken);
      // Only the latest access token is tracked; an older one would still be valid at most until its
      // own expiry, but no caller is ever handed one once a new token is stored.
      return state !== undefined && at < state.validUntil;
    },
    requestsFor: (connectionId) => perConnection.get(connectionId) ?? 0,
    lostConnections: () =>
      [...states.values()].filter((s) => s.revokedAt !== null).map((s) => s.spec.id),
    revokedAt: (connectionId) => states.get(connectionId)?.revokedAt ?? null,
    log: (connectionId) => logs.get(connectionId) ?? [],
    counters,
  };
}

/** Each connection has its own token endpoint URL, so a grant can be routed to its emulator. */
export function tokenEndpointOf(connectionId: string): string {
  return `https://${connectionId}.provider.bench/token`;
}

function tokenSet(accessToken: string, refreshToken: string | undefined, lifetimeSec: number) {
  return {
    accessToken,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    lifetime: { lifetimeSec, assumed: false },
  } satisfies TokenSet;
}

/** What fetch throws when the network is down. */
function networkError(): Error {
  return new TypeError('fetch failed');
}

/** What oauth4webapi throws for an HTTP 503 from the token endpoint. */
function unavailable(): Error {
  return new oauth.OperationProcessingError('unexpected HTTP status code', {
    cause: new Response('Service Unavailable', { status: 503 }),
  });
}

/** What oauth4webapi throws for an OAuth `invalid_grant` error body. */
function invalidGrant(description: string): Error {
  return new oauth.ResponseBodyError('server responded with an error in the response body', {
    cause: { error: 'invalid_grant', error_description: description },
    response: new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400 }),
  });
}
