// The network between the simulated worker and the token servers: latency on the virtual clock, the
// faults the injector picks, and the two facts the invariants need — which refresh requests were in flight
// at once for a connection, and which refresh tokens actually reached the engine (and which worker).
import type { Random } from './prng';
import type { TokenServer } from './token-server';
import type { VirtualClock } from './virtual-clock';
import { never, type WorkerGeneration } from './worker-context';
import type { FaultInjector, NetworkFault } from './faults';

/** The engine's request timeout in the simulation (its default). */
export const REQUEST_TIMEOUT_MS = 15_000;

/** What the network saw that breaks an invariant. */
export interface NetworkViolation {
  at: number;
  invariant: 'single-flight';
  detail: string;
}

/** The simulated network. */
export interface Network {
  /** The `fetch` a worker generation uses (oauth4webapi calls it with a URL string and an init). */
  fetchFor(worker: WorkerGeneration): (url: string, init: RequestInit) => Promise<Response>;
  /** A worker died: its requests are no longer waited for. */
  forget(worker: WorkerGeneration): void;
  readonly violations: NetworkViolation[];
  /** Tokens the engine tried to give back (revocation requests sent, whatever became of them). */
  readonly givenBack: ReadonlySet<string>;
  /** Token and revocation requests that reached a server. */
  readonly requests: number;
}

/** What the network needs. */
export interface NetworkDeps {
  /** Prints what happens (CHAOS_TRACE). */
  trace?: (what: string) => void;
  clock: VirtualClock;
  random: Random;
  faults: FaultInjector;
  /** The server behind a URL's origin. */
  serverAt(url: string): TokenServer | undefined;
  /** Kills `worker` (the browser dies with a request's answer on its way). */
  kill(worker: WorkerGeneration): void;
}

/** Builds the network. */
export function createNetwork(deps: NetworkDeps): Network {
  const { clock, random, faults } = deps;
  const violations: NetworkViolation[] = [];
  // Refresh requests a live worker is waiting for, per token server.
  const waiting = new Map<TokenServer, Set<{ worker: WorkerGeneration }>>();
  let requests = 0;
  const givenBack = new Set<string>();

  /** Waits on the virtual clock; a dead worker's wait never ends. */
  const sleep = (worker: WorkerGeneration, ms: number) =>
    new Promise<void>((resolve) => clock.setTimer(() => !worker.dead && resolve(), ms));

  function startWaiting(server: TokenServer, worker: WorkerGeneration): () => void {
    const set = waiting.get(server) ?? new Set<{ worker: WorkerGeneration }>();
    waiting.set(server, set);
    if ([...set].some((entry) => !entry.worker.dead)) {
      violations.push({
        at: clock.now(),
        invariant: 'single-flight',
        detail: `two refresh requests in flight at ${server.endpoints.token}`,
      });
    }
    const entry = { worker };
    set.add(entry);
    return () => set.delete(entry);
  }

  function fetchFor(worker: WorkerGeneration) {
    return async (url: string, init: RequestInit): Promise<Response> => {
      if (worker.dead) return never();
      const server = deps.serverAt(url);
      const latency = random.int(40, 400);
      if (!server) {
        await sleep(worker, latency);
        throw new TypeError('fetch failed');
      }
      if ((init.method ?? 'GET') === 'GET') {
        await sleep(worker, latency);
        if (new URL(url).pathname === '/.well-known/openid-configuration') {
          return Response.json(server.metadata());
        }
        return new Response('Not found', { status: 404 });
      }
      const form =
        init.body instanceof URLSearchParams ? init.body : new URLSearchParams(String(init.body));
      if (url === server.endpoints.revocation) givenBack.add(form.get('token') ?? '');
      const fault = faults.network();
      if (fault === 'refused') {
        await sleep(worker, latency);
        throw new TypeError('fetch failed');
      }
      const unprocessed = answerWithoutProcessing(fault);
      if (unprocessed) {
        await sleep(worker, latency);
        return unprocessed;
      }
      requests += 1;
      const refresh = form.get('grant_type') === 'refresh_token';
      const done = refresh ? startWaiting(server, worker) : () => true;
      try {
        const answer = server.handle(url, form, clock.now());
        deps.trace?.(
          `worker ${worker.id}: ${answer.grantType} at ${server.issuer} → ${answer.status}${answer.refreshToken ? ` ${server.refreshToken(answer.refreshToken)!.family}.${server.refreshToken(answer.refreshToken)!.index}` : ''}${fault ? ` (${fault})` : ''}`,
        );
        if (fault === 'killed-in-flight') {
          deps.kill(worker);
          return await never();
        }
        if (fault === 'lost') {
          await sleep(worker, latency);
          throw new TypeError('fetch failed');
        }
        if (fault === 'slow') {
          await sleep(worker, REQUEST_TIMEOUT_MS);
          throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
        }
        await sleep(worker, latency);
        const body =
          fault === 'odd-200' && answer.status === 200 && answer.refreshToken
            ? oddBody(answer.body as Record<string, unknown>, random, answer.grantType)
            : answer.body;
        // The answer reached the engine: from here on, dropping its refresh token would be our fault.
        if (answer.refreshToken) {
          server.refreshToken(answer.refreshToken)!.delivered = {
            worker: worker.id,
            at: clock.now(),
          };
        }
        return Response.json(body, { status: answer.status, headers: answer.headers ?? {} });
      } finally {
        done();
      }
    };
  }

  return {
    fetchFor,
    forget(worker) {
      for (const set of waiting.values()) {
        for (const entry of set) if (entry.worker === worker) set.delete(entry);
      }
    },
    violations,
    givenBack,
    get requests() {
      return requests;
    },
  };
}

/** Answers a server gives without doing anything: overloaded, rate-limited, broken. */
function answerWithoutProcessing(fault: NetworkFault | undefined): Response | undefined {
  if (fault === 'http-503') return new Response('Service Unavailable', { status: 503 });
  if (fault === 'http-429') {
    return Response.json({ error: 'slow_down' }, { status: 429, headers: { 'retry-after': '5' } });
  }
  if (fault === 'html-500') {
    return new Response('<html><body>Internal error</body></html>', {
      status: 500,
      headers: { 'content-type': 'text/html' },
    });
  }
  return undefined;
}

/** A 200 body that fails full validation in one of the ways real servers get wrong, refresh token kept. */
function oddBody(
  body: Record<string, unknown>,
  random: Random,
  grantType: string,
): Record<string, unknown> {
  const variants: ((b: Record<string, unknown>) => Record<string, unknown>)[] = [
    (b) => ({ ...b, token_type: 'mac' }),
    (b) => ({ ...b, access_token: undefined }),
    (b) => ({ ...b, scope: 42 }),
    (b) => ({ ...b, id_token: 'not.a.jwt' }),
  ];
  // A lifetime the engine cannot read: after a consent it has no better guess than its default, and a
  // shorter real lifetime would make it hand out dead tokens — the provider's fault, not a finding.
  if (grantType === 'refresh_token') {
    variants.push(
      (b) => ({ ...b, expires_in: -30 }),
      (b) => ({ ...b, expires_in: 'soon' }),
    );
  }
  return variants[random.int(0, variants.length - 1)]!(body);
}
