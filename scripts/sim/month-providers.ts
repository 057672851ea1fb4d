// In-process token endpoints for the month: the simulations' one token server (scripts/sim/token-server.ts,
// also behind the fault simulator) answers the engine's refresh-token grants the way Google-like,
// Atlassian-like and strict short-lived providers do; the month adds its outages and failures, and asks
// the server which access tokens are really valid (the provider's clock, not ours, decides). Every
// unexpired access token issued is accepted, except those an Atlassian-like rotation retires 10 minutes on.
// Connections of one provider share its token endpoint, as real ones do: a grant finds its server by the
// refresh token it presents.
import * as oauth from 'oauth4webapi';
import type { RefreshGrant } from '../../utils/engine/refresher';
import type { TokenSet } from '../../utils/oauth/client';
import { createTokenServer, type TokenServer } from './token-server';
import type { ConnectionSpec, Month, Outage } from './month';
import type { Random } from './prng';
import type { VirtualClock } from './virtual-clock';

/** One connection's provider: the shared token server (scripts/sim) plus the month's failures. */
interface Emulated {
  spec: ConnectionSpec;
  /** This connection's own stream: its k-th request fails or not whatever the others do. */
  random: Random;
  server: TokenServer;
  /** Reuses of the server already counted. */
  reusesCounted: number;
  /** The first tokens, from the consent before the month. */
  initial: { accessToken: string; refreshToken: string };
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
  const emulated = new Map<string, Emulated>();
  const byEndpoint = new Map<string, Emulated[]>();
  const logs = new Map<string, RequestRecord[]>();
  const perConnection = new Map<string, number>();
  const tokenOwner = new Map<string, Emulated>();
  const counters: ProviderCounters = {
    requests: 0,
    refreshes: 0,
    transientFailures: 0,
    outageFailures: 0,
    reuseWithinLeeway: 0,
    reuseErrors: 0,
  };

  for (const spec of month.connections) {
    const server = createTokenServer(spec.id, spec.profile, spec.profile.lifetimeSec);
    const initial = server.seed(spec.issuedAt);
    const state: Emulated = {
      spec,
      random: random.fork(spec.id),
      server,
      reusesCounted: 0,
      initial,
    };
    tokenOwner.set(initial.accessToken, state);
    emulated.set(spec.id, state);
    const endpoint = tokenEndpointOf(spec);
    byEndpoint.set(endpoint, [...(byEndpoint.get(endpoint) ?? []), state]);
    logs.set(spec.id, []);
    perConnection.set(spec.id, 0);
  }

  function outageAt(spec: ConnectionSpec, at: number): Outage | undefined {
    return month.outages.find((o) => at >= o.from && at < o.to && o.affects(spec));
  }

  /** Decides the answer at the moment the request arrives; the caller then waits the latency. */
  function answer(state: Emulated, refreshToken: string, at: number): TokenSet | Error {
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
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
    const reply = state.server.handle(state.server.endpoints.token, form, at);
    const reuses = state.server.reuses();
    for (; state.reusesCounted < reuses.length; state.reusesCounted += 1) {
      if (reuses[state.reusesCounted]!.withinLeeway) counters.reuseWithinLeeway += 1;
      else counters.reuseErrors += 1;
    }
    const body = reply.body as { access_token?: string; error_description?: string };
    if (reply.status !== 200 || !body.access_token) {
      return invalidGrant(body.error_description ?? 'The refresh token is not accepted.');
    }
    counters.refreshes += 1;
    tokenOwner.set(body.access_token, state);
    return tokenSet(body.access_token, reply.refreshToken, spec.profile.lifetimeSec);
  }

  const grant: RefreshGrant = async (target, refreshToken) => {
    const servers = byEndpoint.get(target.endpoints.token);
    if (!servers) throw new TypeError(`No emulator at ${target.endpoints.token}`);
    // The provider knows which grant a refresh token belongs to; the month has no unknown ones.
    const state = servers.find((s) => s.server.refreshToken(refreshToken) !== undefined);
    if (!state) throw invalidGrant('Unknown refresh token.');
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

  /** When the provider revoked a connection's grant for a reused refresh token, or null. */
  const lostAt = (state: Emulated) =>
    state.server.families().find((f) => f.revokedBecause === 'reuse')?.revokedAt ?? null;

  return {
    grant,
    initialTokens(spec) {
      const { accessToken, refreshToken } = emulated.get(spec.id)!.initial;
      return {
        tokens: tokenSet(accessToken, refreshToken, spec.profile.lifetimeSec),
        refreshToken,
      };
    },
    isValid(accessToken, at) {
      if (accessToken === undefined) return false;
      const state = tokenOwner.get(accessToken);
      // The resource server checks expiry on its own clock, which may run ahead of (or behind) ours;
      // every unexpired token of a live grant is accepted, as real providers do.
      return state !== undefined && state.server.isValid(accessToken, at + state.spec.skewMs);
    },
    requestsFor: (connectionId) => perConnection.get(connectionId) ?? 0,
    lostConnections: () =>
      [...emulated.values()].filter((s) => lostAt(s) !== null).map((s) => s.spec.id),
    revokedAt: (connectionId) => {
      const state = emulated.get(connectionId);
      return state ? lostAt(state) : null;
    },
    log: (connectionId) => logs.get(connectionId) ?? [],
    counters,
  };
}

/** A connection's token endpoint: its provider's, shared with every other connection to it. */
export function tokenEndpointOf(spec: Pick<ConnectionSpec, 'profile'>): string {
  return `https://${spec.profile.host}/token`;
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
