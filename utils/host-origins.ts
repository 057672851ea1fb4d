import type { Endpoints } from './model';

// Which host permissions a connection needs (pure): the options page asks for them before adding or
// connecting, the worker gives them back when no connection needs them any more (docs/security.md).

/**
 * Whether a URL points at this machine; only such URLs may use plain http. Here, not in utils/oauth, so
 * the pages' host permissions and the worker's https rule share one list (pages never import utils/oauth).
 */
export function isLoopback(url: string | URL): boolean {
  const { hostname } = typeof url === 'string' ? new URL(url) : url;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** Match patterns for the https origins among `urls`; loopback is the manifest's, bad URLs are skipped. */
export function originPatterns(urls: readonly (string | undefined)[]): string[] {
  const patterns = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      continue;
    }
    if (parsed.protocol !== 'https:' || isLoopback(parsed)) continue;
    patterns.add(`https://${parsed.hostname}/*`);
  }
  return [...patterns];
}

/** Every URL the worker may call for a connection with these endpoints. */
export function endpointUrls(endpoints: Endpoints): string[] {
  return [
    endpoints.issuer,
    endpoints.authorization,
    endpoints.token,
    endpoints.revocation,
    endpoints.userinfo,
    endpoints.resources,
  ].filter((url): url is string => typeof url === 'string');
}

/**
 * The origins a removed connection used that no remaining connection needs and the manifest does not
 * require (those cannot be removed): what to give back to the browser.
 */
export function unneededOrigins(
  removed: Endpoints,
  remaining: readonly Endpoints[],
  required: readonly string[],
): string[] {
  const kept = new Set([...originPatterns(remaining.flatMap(endpointUrls)), ...required]);
  return originPatterns(endpointUrls(removed)).filter((pattern) => !kept.has(pattern));
}
