import type { ProviderKind } from '../model';

// Granted versus requested scopes (RFC 6749 §3.3, §5.1): a provider may grant fewer than asked — Google
// lets people untick scopes, Atlassian replaces a grant's scopes on re-consent. Pure.

/** Google answers short OpenID scope names with their long URLs. */
const GOOGLE_ALIASES: Readonly<Record<string, string>> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

/**
 * The requested scopes a token response's `scope` does not list, or undefined when the response names
 * no scope (RFC 6749 §5.1: then the grant is as requested). `offline_access` is left out: whether a
 * refresh token came is checked on its own at connect.
 */
export function missingScopes(
  provider: ProviderKind,
  requested: readonly string[],
  granted: string | undefined,
): string[] | undefined {
  if (granted === undefined) return undefined;
  const have = new Set(granted.split(' ').filter((scope) => scope !== ''));
  return requested.filter((scope) => {
    if (scope === 'offline_access' || have.has(scope)) return false;
    const alias = provider === 'google' && Object.hasOwn(GOOGLE_ALIASES, scope);
    return !(alias && have.has(GOOGLE_ALIASES[scope]!));
  });
}
