import * as oauth from 'oauth4webapi';
import { isLoopback } from '../host-origins';

/** Network options for every request to the authorization server. */
export interface RequestOptions {
  /** Abort a request after this long (ms). */
  timeoutMs?: number;
  /** Replaces `fetch` (benchmarks, emulators). */
  fetch?: typeof fetch;
}

/** How a token endpoint wants its request body: RFC 6749 form encoding, or JSON (Atlassian). */
export type TokenRequestFormat = 'form' | 'json';

/** A `fetch` as oauth4webapi calls it through `customFetch`. */
type CustomFetch = (url: string, init: RequestInit) => Promise<Response>;

const DEFAULT_TIMEOUT_MS = 15_000;

/** oauth4webapi options for one request: timeout, loopback-only http, and the body format. */
export function httpOptions(
  url: URL,
  options: RequestOptions,
  format: TokenRequestFormat = 'form',
) {
  const base: CustomFetch = options.fetch ?? ((u, i) => fetch(u, i));
  const timed = timedFetch(format === 'json' ? jsonBodyFetch(base) : base, options.timeoutMs);
  return {
    // oauth4webapi refuses http: everywhere; we allow it for loopback only (local and demo servers).
    ...(isLoopback(url) ? { [oauth.allowInsecureRequests]: true } : {}),
    [oauth.customFetch]: timed,
  };
}

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Bounds a request, body included, by `timeoutMs`, then stops the timer. The body is read within the
 * bound, so no stream is left tied to a signal that fires later: a timeout that outlived its request
 * surfaced as an unhandled rejection (a 429 whose body nobody read).
 */
export function timedFetch(base: CustomFetch, timeoutMs = DEFAULT_TIMEOUT_MS): CustomFetch {
  return async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('The request took too long.', 'TimeoutError')),
      timeoutMs,
    );
    try {
      const response = await base(url, { ...init, signal: controller.signal });
      const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Wraps `fetch` so oauth4webapi's form-encoded token request goes out as the same fields in a JSON
 * body (Atlassian's token endpoint takes JSON only). oauth4webapi still builds the request and
 * validates the response, so only the encoding differs.
 */
export function jsonBodyFetch(base: CustomFetch): CustomFetch {
  return async (url, init) => {
    if (!(init.body instanceof URLSearchParams)) return base(url, init);
    const headers = new Headers(init.headers);
    headers.set('content-type', 'application/json');
    const response = await base(url, {
      ...init,
      headers,
      body: JSON.stringify(Object.fromEntries(init.body)),
    });
    return withBearerTokenType(response);
  };
}

/**
 * Atlassian documents token responses without `token_type`; oauth4webapi requires it. Its tokens
 * are bearer tokens, so a successful JSON response without one is completed rather than rejected.
 */
async function withBearerTokenType(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return response;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'token_type' in body) {
    return response;
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify({ ...body, token_type: 'bearer' }), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
