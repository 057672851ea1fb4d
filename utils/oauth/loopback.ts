/** Whether a URL points at this machine; only such URLs may use plain http. */
export function isLoopback(url: string | URL): boolean {
  const { hostname } = typeof url === 'string' ? new URL(url) : url;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** Rejects non-https URLs except on loopback, with a message a person can act on. */
export function assertSecureUrl(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${what} is not a valid URL: "${url}".`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && isLoopback(parsed)) return parsed;
  throw new Error(
    `${what} must use https:// (plain http is allowed only for 127.0.0.1 and localhost).`,
  );
}
