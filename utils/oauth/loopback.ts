import { isLoopback } from '../host-origins';

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

/**
 * Loopback endpoints only for a provider that is itself on this machine: metadata from an internet
 * issuer (or a hand-entered internet token endpoint) naming 127.0.0.1 or localhost would point the
 * extension at this machine's local services.
 */
export function assertLoopbackOnlyForLoopback(endpoints: {
  issuer?: string | undefined;
  authorization: string;
  token: string;
  revocation?: string | undefined;
  userinfo?: string | undefined;
}): void {
  const anchor = endpoints.issuer ?? endpoints.token;
  if (isLoopback(anchor)) return;
  const local = [endpoints.authorization, endpoints.token, endpoints.revocation, endpoints.userinfo]
    .filter((url): url is string => typeof url === 'string')
    .find((url) => isLoopback(url));
  if (local) {
    throw new Error(
      `The provider at ${new URL(anchor).origin} names an endpoint on this machine (${new URL(local).origin}): ` +
        'loopback endpoints are accepted only from a provider that is itself on this machine.',
    );
  }
}
