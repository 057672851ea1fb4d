// The local authorization server must behave like the real providers the product faces — rotation with reuse
// detection above all — or the tests built on it prove nothing.
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  DEMO_CLIENT_ID,
  confidentialClient,
  demoPublicClient,
  startAuthServer,
  type AuthServerHandle,
  type TokenFault,
} from '../support/auth-server.ts';
import { discoverAuthServer, insecure, obtainTokens } from '../support/headless-consent.ts';

const ACCESS_TOKEN_TTL_SEC = 90;
const client: oauth.Client = { client_id: DEMO_CLIENT_ID };

let server: AuthServerHandle;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  server = await startAuthServer({
    accessTokenTtlSec: ACCESS_TOKEN_TTL_SEC,
    clients: [demoPublicClient(), confidentialClient()],
  });
  as = await discoverAuthServer(server);
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.setFault(null);
  server.resetRecords();
});

async function refresh(refreshToken: string): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.refreshTokenGrantRequest(
    as,
    client,
    oauth.None(),
    refreshToken,
    insecure,
  );
  return oauth.processRefreshTokenResponse(as, client, response);
}

/** The OAuth error code a failed refresh was rejected with (or 'none' if it succeeded). */
async function refreshError(refreshToken: string): Promise<string> {
  try {
    await refresh(refreshToken);
    return 'none';
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) return error.error;
    throw error;
  }
}

/** The access_token of a token endpoint body, if it is JSON and has one. */
function accessTokenIn(body: string): unknown {
  try {
    return (JSON.parse(body) as Record<string, unknown>).access_token;
  } catch {
    return undefined;
  }
}

async function postToken(body: Record<string, string>): Promise<Response> {
  return fetch(as.token_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
}

describe('local authorization server', () => {
  it('publishes discovery metadata for its own loopback issuer', async () => {
    const response = await fetch(`${server.issuer}/.well-known/openid-configuration`);

    const metadata = (await response.json()) as Record<string, unknown>;
    expect(server.issuer).toBe(`http://127.0.0.1:${server.port}`);
    expect(metadata.issuer).toBe(server.issuer);
    expect(metadata.token_endpoint).toBe(`${server.issuer}/token`);
    expect(metadata.revocation_endpoint).toBe(`${server.issuer}/token/revocation`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']),
    );
  });

  it('completes the authorization code + PKCE flow headlessly', async () => {
    const tokens = await obtainTokens(server, { login: 'alice' });

    expect(tokens.accessToken).toMatch(/^[\w-]{20,}$/);
    expect(tokens.refreshToken).toMatch(/^[\w-]{20,}$/);
    expect(tokens.expiresIn).toBe(ACCESS_TOKEN_TTL_SEC);
    const idClaims = JSON.parse(
      Buffer.from(tokens.idToken!.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(idClaims).toMatchObject({ sub: 'alice', email: 'alice@demo.test', aud: DEMO_CLIENT_ID });
    expect(server.records.tokenRequests).toEqual({ authorization_code: 1 });
    expect(server.tokenValues()).toEqual([tokens.accessToken, tokens.refreshToken, tokens.idToken]);
  });

  it('follows OpenID Connect §11: no refresh token for offline_access without prompt=consent', async () => {
    const tokens = await obtainTokens(server, { prompt: '', allowNoRefreshToken: true });

    expect(tokens.accessToken).toMatch(/^[\w-]{20,}$/);
    expect(tokens.refreshToken).toBe('');
    expect(tokens.scope?.split(' ')).not.toContain('offline_access');
  });

  it('issues tokens to a confidential client that sends its secret', async () => {
    const { client_id: clientId, client_secret: clientSecret } = confidentialClient();

    const tokens = await obtainTokens(server, { clientId, clientSecret });

    expect(tokens.refreshToken).toMatch(/^[\w-]{20,}$/);
    expect(server.records.grantErrors).toEqual([]);
  });

  it('rotates the refresh token on every refresh', async () => {
    const seeded = await obtainTokens(server);

    const refreshed = await refresh(seeded.refreshToken);

    expect(refreshed.refresh_token).toMatch(/^[\w-]{20,}$/);
    expect(refreshed.refresh_token).not.toBe(seeded.refreshToken);
    expect(refreshed.access_token).not.toBe(seeded.accessToken);
    expect(refreshed.expires_in).toBe(ACCESS_TOKEN_TTL_SEC);
    expect(server.records.refreshSuccesses).toBe(1);
    expect(server.records.refreshTokensRotated).toBe(1);
    expect(server.tokenValues()).toContain(refreshed.refresh_token);
  });

  it('revokes the whole grant when a rotated refresh token is reused', async () => {
    const seeded = await obtainTokens(server);
    const rotated = await refresh(seeded.refreshToken);

    const reuseError = await refreshError(seeded.refreshToken);
    const successorError = await refreshError(rotated.refresh_token!);

    expect(reuseError).toBe('invalid_grant');
    expect(successorError).toBe('invalid_grant');
    expect(server.records.refreshTokenReuse).toBe(1);
    expect(server.records.revokedGrants).toEqual([
      { grantId: expect.any(String), reason: 'refresh-token-reuse' },
    ]);
    expect(server.records.refreshErrors).toEqual([
      expect.objectContaining({ error: 'invalid_grant', detail: 'refresh token already used' }),
      expect.objectContaining({ error: 'invalid_grant', detail: 'refresh token not found' }),
    ]);
  });

  it('answers one token request with an injected 503, then recovers', async () => {
    const seeded = await obtainTokens(server);
    server.resetRecords();
    server.setFault({ kind: 'status', status: 503, times: 1 });

    const faulted = await postToken({
      grant_type: 'refresh_token',
      refresh_token: seeded.refreshToken,
      client_id: DEMO_CLIENT_ID,
    });
    const recovered = await refresh(seeded.refreshToken);

    expect(faulted.status).toBe(503);
    expect(recovered.access_token).toMatch(/^[\w-]{20,}$/);
    expect(server.records.tokenRequests).toEqual({ refresh_token: 2 });
    expect(server.records.faultedRequests).toEqual([
      { kind: 'status', grantType: 'refresh_token' },
    ]);
    expect(server.records.refreshSuccesses).toBe(1);
  });

  it.each<[TokenFault, number, string]>([
    [{ kind: 'html' }, 502, 'text/html'],
    [{ kind: 'html', status: 200 }, 200, 'text/html'],
    [{ kind: 'malformed-json' }, 200, 'application/json'],
    [{ kind: 'missing-access-token' }, 200, 'application/json'],
    [{ kind: 'status', status: 429, headers: { 'retry-after': '7' } }, 429, 'text/plain'],
  ])('injects %o as HTTP %i %s without a usable access token', async (fault, status, type) => {
    server.setFault({ ...fault, times: 1 });

    const response = await postToken({ grant_type: 'refresh_token', refresh_token: 'x' });

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain(type);
    expect(accessTokenIn(await response.text())).toBeUndefined();
    if (fault.kind === 'status') expect(response.headers.get('retry-after')).toBe('7');
  });

  it('drops the connection for a reset', async () => {
    server.setFault({ kind: 'reset', times: 1 });

    const request = postToken({ grant_type: 'refresh_token', refresh_token: 'x' });

    await expect(request).rejects.toThrow(/fetch failed/);
    expect(server.records.faultedRequests).toEqual([{ kind: 'reset', grantType: 'refresh_token' }]);
  });

  it('never answers a hung request and drops it after the given time', async () => {
    server.setFault({ kind: 'hang', ms: 300, times: 1 });
    const started = Date.now();

    const request = postToken({ grant_type: 'refresh_token', refresh_token: 'x' });

    await expect(request).rejects.toThrow(/fetch failed/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('lets a delayed request through late, so the grant still happens', async () => {
    const seeded = await obtainTokens(server);
    server.setFault({ kind: 'delay', ms: 200, times: 1 });
    const started = Date.now();

    const refreshed = await refresh(seeded.refreshToken);

    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(refreshed.refresh_token).not.toBe(seeded.refreshToken);
    expect(server.records.faultedRequests).toEqual([{ kind: 'delay', grantType: 'refresh_token' }]);
  });

  it('processes a held request in full, then answers late (the rotated token exists only in that answer)', async () => {
    const seeded = await obtainTokens(server);
    server.resetRecords();
    server.setFault({ kind: 'process-then-hold', ms: 300, times: 1 });
    const started = Date.now();

    const late = refresh(seeded.refreshToken);
    let answered = false;
    void late.then(() => (answered = true));
    await server.waitFor((records) => records.faultedRequests.length === 1, 5_000);
    const answeredWhenProcessed = answered;
    const rotatedBeforeAnswer = server.records.refreshTokensRotated;
    const refreshed = await late;

    expect(answeredWhenProcessed).toBe(false);
    expect(rotatedBeforeAnswer).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(refreshed.refresh_token).not.toBe(seeded.refreshToken);
    expect(server.records.faultedRequests).toEqual([
      { kind: 'process-then-hold', grantType: 'refresh_token' },
    ]);
    expect(server.records.refreshSuccesses).toBe(1);
  });

  it('records revocation, which kills the refresh token and its grant', async () => {
    const seeded = await obtainTokens(server);

    const response = await oauth.revocationRequest(as, client, oauth.None(), seeded.refreshToken, {
      ...insecure,
      additionalParameters: { token_type_hint: 'refresh_token' },
    });
    await oauth.processRevocationResponse(response);

    expect(server.records.revocations).toEqual([
      { tokenTypeHint: 'refresh_token', tokenKind: 'RefreshToken', status: 200 },
    ]);
    expect(server.records.revokedGrants).toEqual([
      { grantId: expect.any(String), reason: 'revocation' },
    ]);
    expect(server.records.refreshTokenReuse).toBe(0);
    expect(await refreshError(seeded.refreshToken)).toBe('invalid_grant');
  });
});
