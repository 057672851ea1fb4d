import type { ValidConnectionInput } from '../connection-input';
import type { Connection, Endpoints, ProviderKind, RefreshTokenLifetime } from '../model';
import { presetLifetime, presetOf, presetScopes, PROVIDER_PRESETS } from '../providers';
import type { TokenSet } from './client';
import { discover } from './discovery';
import type { RequestOptions } from './http';
import { accountFromSites, fetchSites, fetchUserInfoAccount, type Identity } from './identity';
import { assertLoopbackOnlyForLoopback, assertSecureUrl } from './loopback';

/** How a new connection talks to its provider, resolved from what the person entered. */
export interface ConnectionSetup {
  endpoints: Endpoints;
  scopes: string[];
  refreshTokenLifetime?: RefreshTokenLifetime;
}

/**
 * The endpoints, scopes and refresh-token rules of a new connection: a preset's own, or for a
 * custom provider discovered from its issuer or taken as typed. Throws a sentence for the person.
 */
export async function resolveSetup(
  input: ValidConnectionInput,
  options: RequestOptions = {},
): Promise<ConnectionSetup> {
  if (input.provider === 'custom') {
    return { endpoints: await customEndpoints(input, options), scopes: input.scopes };
  }
  const preset = PROVIDER_PRESETS[input.provider];
  const scopes = presetScopes(preset, input.scopes);
  const testing = input.provider === 'google' && input.testingMode === true;
  return {
    endpoints: { ...preset.endpoints },
    scopes,
    refreshTokenLifetime: presetLifetime(preset, scopes, testing),
  };
}

/**
 * Extra authorization request parameters: a preset's own; for a custom provider asking for
 * `offline_access`, `prompt=consent` — OpenID Connect Core §11 lets a server ignore `offline_access`
 * unless consent is prompted, and then no refresh token is issued (unless the connection opts out).
 */
export function authorizeParams(
  connection: Pick<Connection, 'provider' | 'scopes'> & { promptConsent?: boolean | undefined },
): Record<string, string> {
  const preset = presetOf(connection.provider);
  if (preset) return { ...preset.authorizeParams };
  const offline = connection.scopes.includes('offline_access');
  return offline && connection.promptConsent !== false ? { prompt: 'consent' } : {};
}

/** What to tell the person when the provider cannot revoke, or undefined when it can. */
export function manualRevocationHint(kind: ProviderKind): string | undefined {
  return presetOf(kind)?.manualRevocation?.text;
}

/**
 * Who the new tokens belong to: Atlassian's sites (names, URLs, cloud ids) where the provider lists
 * them, else the ID token's e-mail, else the userinfo endpoint's. Best effort: a failed lookup
 * yields nothing rather than failing a connect that already succeeded.
 */
export async function lookupIdentity(
  target: { endpoints: Endpoints; clientId: string },
  tokens: TokenSet,
  options: RequestOptions = {},
): Promise<Identity> {
  try {
    if (target.endpoints.resources) {
      const sites = await fetchSites(target.endpoints.resources, tokens.accessToken, options);
      const account = accountFromSites(sites);
      return { sites, ...(account ? { account } : {}) };
    }
    if (tokens.account) return { account: tokens.account };
    const account = await fetchUserInfoAccount(
      target.endpoints,
      target.clientId,
      tokens.accessToken,
      options,
      tokens.subject,
    );
    return account ? { account } : {};
  } catch {
    return {};
  }
}

async function customEndpoints(
  input: Extract<ValidConnectionInput, { provider: 'custom' }>,
  options: RequestOptions,
): Promise<Endpoints> {
  const revocation = input.revocationEndpoint;
  if (revocation) assertSecureUrl(revocation, 'Revocation endpoint');
  if (input.issuer) {
    const discovered = await discover(input.issuer, options);
    const endpoints = revocation ? { ...discovered, revocation } : discovered;
    assertLoopbackOnlyForLoopback(endpoints);
    return endpoints;
  }
  if (!input.authorizationEndpoint || !input.tokenEndpoint) {
    throw new Error(
      'Enter an issuer URL for discovery, or both the authorization and token endpoints.',
    );
  }
  assertSecureUrl(input.authorizationEndpoint, 'Authorization endpoint');
  assertSecureUrl(input.tokenEndpoint, 'Token endpoint');
  const endpoints = {
    authorization: input.authorizationEndpoint,
    token: input.tokenEndpoint,
    ...(revocation ? { revocation } : {}),
  };
  assertLoopbackOnlyForLoopback(endpoints);
  return endpoints;
}
