import * as oauth from 'oauth4webapi';
import type { Endpoints } from '../model';
import { httpOptions, type RequestOptions } from './http';
import { NotBearerError } from './classify';
import { accountFromClaims } from './identity';
import { MAX_LIFETIME_SEC, resolveLifetime, type Lifetime } from './lifetime';
import { salvageRefreshResponse } from './salvage';
import { assertSecureUrl } from './loopback';

export { discover } from './discovery';
export type { RequestOptions } from './http';

/** Who we are at which authorization server. */
export interface ClientTarget {
  endpoints: Endpoints;
  clientId: string;
  clientSecret?: string;
}

/** The useful part of a token response. `expires_in` is resolved against a default when missing. */
export interface TokenSet {
  accessToken: string;
  /** Absent when the provider did not rotate: keep the old one. */
  refreshToken?: string;
  lifetime: Lifetime;
  scope?: string;
  /** E-mail or name from the ID token, when there is one (claims validated by oauth4webapi). */
  account?: string;
  /** The validated ID token's `sub`: userinfo must answer for the same subject. */
  subject?: string;
  /** The refresh token's own remaining life, when the provider says (`refresh_token_expires_in`). */
  refreshTokenLifetimeSec?: number;
}

/** State kept between sending the user to consent and the redirect back. */
export interface PendingAuthorization {
  url: string;
  state: string;
  codeVerifier: string;
  nonce?: string;
  redirectUri: string;
}

/** Builds the authorization URL with PKCE S256, `state` and (for OpenID) `nonce`. */
export async function startAuthorization(
  target: ClientTarget,
  request: { redirectUri: string; scopes: string[]; extraParams?: Record<string, string> },
): Promise<PendingAuthorization> {
  const url = assertSecureUrl(target.endpoints.authorization, 'Authorization endpoint');
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = request.scopes.includes('openid') ? oauth.generateRandomNonce() : undefined;
  const params = new URLSearchParams({
    ...request.extraParams,
    client_id: target.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    scope: request.scopes.join(' '),
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  if (nonce) params.set('nonce', nonce);
  url.search = params.toString();
  return {
    url: url.href,
    state,
    codeVerifier,
    redirectUri: request.redirectUri,
    ...(nonce ? { nonce } : {}),
  };
}

/** Validates the redirect (state, error) and exchanges the code for tokens. */
export async function finishAuthorization(
  target: ClientTarget,
  pending: PendingAuthorization,
  callbackUrl: string,
  options: RequestOptions = {},
): Promise<TokenSet> {
  const as = authorizationServer(target.endpoints);
  const client = { client_id: target.clientId };
  const params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth(target),
    params,
    pending.redirectUri,
    pending.codeVerifier,
    tokenRequestOptions(target.endpoints, options),
  );
  // A new grant's refresh token must not vanish with a response that fails validation (see refresh).
  const copy = response.clone();
  try {
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce ?? oauth.expectNoNonce,
    });
    return toTokenSet(result);
  } catch (error) {
    if (!copy.ok) throw error;
    // Usable tokens are kept without the identity an unvalidated ID token would give.
    return salvageRefreshResponse(await copy.json().catch(() => undefined), error);
  }
}

/** Exchanges a refresh token for a new access token (and maybe a rotated refresh token). */
export async function refreshAccessToken(
  target: ClientTarget,
  refreshToken: string,
  options: RequestOptions = {},
): Promise<TokenSet> {
  const as = authorizationServer(target.endpoints);
  const client = { client_id: target.clientId };
  const response = await oauth.refreshTokenGrantRequest(
    as,
    client,
    clientAuth(target),
    refreshToken,
    tokenRequestOptions(target.endpoints, options),
  );
  // Kept before validation reads the body: a 2xx answer may carry a rotated refresh token we must not drop.
  const copy = response.clone();
  try {
    return toTokenSet(await oauth.processRefreshTokenResponse(as, client, response));
  } catch (error) {
    if (!copy.ok) throw error;
    return salvageRefreshResponse(await copy.json().catch(() => undefined), error);
  }
}

/** Revokes a token (RFC 7009) when the server has a revocation endpoint; returns whether it did. */
export async function revokeToken(
  target: ClientTarget,
  token: string,
  options: RequestOptions = {},
): Promise<boolean> {
  if (!target.endpoints.revocation) return false;
  const as = authorizationServer(target.endpoints);
  const response = await oauth.revocationRequest(
    as,
    { client_id: target.clientId },
    clientAuth(target),
    token,
    httpOptions(new URL(target.endpoints.revocation), options),
  );
  await oauth.processRevocationResponse(response);
  return true;
}

function authorizationServer(endpoints: Endpoints): oauth.AuthorizationServer {
  assertSecureUrl(endpoints.token, 'Token endpoint');
  return {
    // Hand-entered endpoints have no issuer; the token endpoint's origin stands in for it.
    issuer: endpoints.issuer ?? new URL(endpoints.token).origin,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    ...(endpoints.revocation ? { revocation_endpoint: endpoints.revocation } : {}),
  };
}

function clientAuth(target: ClientTarget): oauth.ClientAuth {
  return target.clientSecret ? oauth.ClientSecretPost(target.clientSecret) : oauth.None();
}

function tokenRequestOptions(endpoints: Endpoints, options: RequestOptions) {
  return httpOptions(new URL(endpoints.token), options, endpoints.tokenRequestFormat ?? 'form');
}

function toTokenSet(result: oauth.TokenEndpointResponse): TokenSet {
  // oauth4webapi accepts `dpop` too; a DPoP-bound token is useless to callers sending it as Bearer.
  if (result.token_type !== 'bearer') throw new NotBearerError(result.token_type);
  const claims = oauth.getValidatedIdTokenClaims(result);
  const account = accountFromClaims(claims);
  const refreshTokenLifetimeSec = refreshTokenLifetime(result);
  return {
    accessToken: result.access_token,
    lifetime: resolveLifetime(result.expires_in),
    ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
    ...(result.scope !== undefined ? { scope: result.scope } : {}),
    ...(account ? { account } : {}),
    ...(claims?.sub ? { subject: claims.sub } : {}),
    ...(refreshTokenLifetimeSec === undefined ? {} : { refreshTokenLifetimeSec }),
  };
}

/**
 * Google's `refresh_token_expires_in` (time-limited access) or Keycloak's `refresh_expires_in`, in
 * seconds; undefined when absent, zero (Keycloak's "no limit") or not a sane number.
 */
function refreshTokenLifetime(result: oauth.TokenEndpointResponse): number | undefined {
  for (const name of ['refresh_token_expires_in', 'refresh_expires_in']) {
    const raw = result[name];
    const value = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 1) {
      return Math.min(Math.floor(value), MAX_LIFETIME_SEC * 5);
    }
  }
  return undefined;
}
