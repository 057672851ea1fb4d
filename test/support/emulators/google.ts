// A Google OAuth 2.0 / OpenID Connect emulator on loopback, behaving as Google documents it for web
// server apps: consent at /o/oauth2/v2/auth (a refresh token only with access_type=offline, and again
// only with prompt=consent), a token endpoint taking form bodies and requiring the client secret
// ("client_secret is missing."), an RS256 id_token carrying the e-mail, refresh tokens that do not
// rotate, invalid_grant / invalid_rapt, the revoke endpoint, userinfo and discovery metadata.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Endpoints } from '../../../utils/model';
import { DEMO_REDIRECT_URI } from '../auth-server';
import {
  bearerToken,
  errorPage,
  mediaType,
  pkceMatches,
  randomToken,
  readBody,
  redirect,
  sendHtml,
  sendJson,
  startLoopbackServer,
} from './http';
import { consentDesk } from './consent-desk';

/** The Web application client registered at the emulator by default. */
export const GOOGLE_CLIENT = {
  id: '1234567890-web.apps.googleusercontent.test',
  secret: 'GOCSPX-emulator-secret',
} as const;

/** The account that signs in. */
export const GOOGLE_ACCOUNT = { sub: '109876543210', email: 'demo@gmail.test' } as const;

/** Options of the emulator; all optional. */
export interface GoogleEmulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  /** Access token lifetime; Google's is 3599 s. */
  accessTokenTtlSec?: number;
  /** Scopes the person unticks on Google's granular consent screen: granted without them. */
  untickedScopes?: string[];
  /**
   * Time-limited access (Google's "access for a period"): the grant ends this many seconds after
   * consent, and every token response says how long is left in `refresh_token_expires_in`.
   */
  timeLimitedAccessSec?: number;
  now?: () => number;
}

/** Google answers the short OpenID scope names with these URLs in a token response's `scope`. */
const GOOGLE_SCOPE_URLS: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

/** A token endpoint request as the emulator saw it. */
export interface GoogleTokenRequest {
  grantType: string;
  contentType: string;
  withSecret: boolean;
  status: number;
  error?: string;
}

/** What the emulator saw. */
export interface GoogleRecords {
  authorizeRequests: Record<string, string>[];
  tokenRequests: GoogleTokenRequest[];
  refreshSuccesses: number;
  /** Calls to /revoke: whether the token was known and which kind it was. */
  revocations: { kind: 'refresh_token' | 'access_token' | 'unknown'; status: number }[];
  userinfoRequests: number;
}

/** A running emulator. */
export interface GoogleEmulator {
  origin: string;
  /** Endpoints (with the issuer) to point a Google connection at (the test-only override). */
  endpoints: Endpoints;
  records: GoogleRecords;
  /** The next refresh answers invalid_grant with subtype invalid_rapt (Workspace re-authentication). */
  requireReauthentication(): void;
  /** Revokes every grant, as the user would from their Google account page. */
  revokeAllGrants(): void;
  close(): Promise<void>;
}

interface Grant {
  scope: string;
  nonce?: string;
  revoked: boolean;
  /** Time-limited access: when the grant ends (epoch ms). */
  endsAt?: number;
}

/** Starts the emulator on 127.0.0.1. */
export async function startGoogleEmulator(
  options: GoogleEmulatorOptions = {},
): Promise<GoogleEmulator> {
  const clientId = options.clientId ?? GOOGLE_CLIENT.id;
  const clientSecret = options.clientSecret ?? GOOGLE_CLIENT.secret;
  const redirectUri = options.redirectUri ?? DEMO_REDIRECT_URI;
  const ttlSec = options.accessTokenTtlSec ?? 3599;
  const now = options.now ?? Date.now;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const records: GoogleRecords = {
    authorizeRequests: [],
    tokenRequests: [],
    refreshSuccesses: 0,
    revocations: [],
    userinfoRequests: 0,
  };
  const desk = consentDesk(redirectUri);
  const codes = new Map<
    string,
    { grant: Grant; codeChallenge?: string; offline: boolean; expiresAt: number }
  >();
  const refreshTokens = new Map<string, Grant>();
  const accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  const grants: Grant[] = [];
  let offlineGrantedBefore = false;
  let reauthenticate = false;
  let origin = '';

  function authorize(response: ServerResponse, url: URL): void {
    const params = url.searchParams;
    records.authorizeRequests.push(Object.fromEntries(params));
    if (params.get('client_id') !== clientId) {
      sendHtml(
        response,
        401,
        errorPage('Error 401: invalid_client. The OAuth client was not found.'),
      );
      return;
    }
    if (params.get('redirect_uri') !== redirectUri) {
      sendHtml(response, 400, errorPage('Error 400: redirect_uri_mismatch.'));
      return;
    }
    desk.show(response, params, {
      title: 'Sign in with Google: Token Keeper wants access to your Google Account',
      account: GOOGLE_ACCOUNT.email,
      action: '/o/oauth2/v2/decision',
      approveLabel: 'Allow',
    });
  }

  async function decide(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const approved = await desk.decide(request, response);
    if (!approved) return;
    const { params, back } = approved;
    // Google issues a refresh token for offline access on the first consent, and after that only
    // when prompt=consent asks again.
    const offline =
      params.get('access_type') === 'offline' &&
      (!offlineGrantedBefore || (params.get('prompt') ?? '').split(' ').includes('consent'));
    const nonce = params.get('nonce');
    const unticked = new Set(options.untickedScopes ?? []);
    const grant: Grant = {
      scope: (params.get('scope') ?? '')
        .split(' ')
        .filter((scope) => scope !== '' && !unticked.has(scope))
        .join(' '),
      revoked: false,
      ...(nonce ? { nonce } : {}),
      ...(options.timeLimitedAccessSec === undefined
        ? {}
        : { endsAt: now() + options.timeLimitedAccessSec * 1000 }),
    };
    const code = `4/${randomToken('code')}`;
    const challenge = params.get('code_challenge');
    codes.set(code, {
      grant,
      offline,
      ...(challenge ? { codeChallenge: challenge } : {}),
      expiresAt: now() + 60_000,
    });
    back.searchParams.set('code', code);
    back.searchParams.set('scope', grant.scope);
    back.searchParams.set('iss', origin);
    redirect(response, back.href);
  }

  function idToken(grant: Grant): string {
    const issuedAt = Math.floor(now() / 1000);
    const header = { alg: 'RS256', kid: 'emulator', typ: 'JWT' };
    const payload = {
      iss: origin,
      azp: clientId,
      aud: clientId,
      sub: GOOGLE_ACCOUNT.sub,
      email: GOOGLE_ACCOUNT.email,
      email_verified: true,
      iat: issuedAt,
      exp: issuedAt + 3600,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
    };
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const input = `${encode(header)}.${encode(payload)}`;
    return `${input}.${sign('sha256', Buffer.from(input), privateKey as KeyObject).toString('base64url')}`;
  }

  function tokens(grant: Grant, withRefresh: boolean) {
    const accessToken = `ya29.${randomToken('at')}`;
    accessTokens.set(accessToken, { grant, expiresAt: now() + ttlSec * 1000 });
    let refreshToken: string | undefined;
    if (withRefresh) {
      refreshToken = `1//${randomToken('rt')}`;
      refreshTokens.set(refreshToken, grant);
    }
    return {
      access_token: accessToken,
      expires_in: ttlSec,
      scope: grant.scope
        .split(' ')
        .map((scope) => GOOGLE_SCOPE_URLS[scope] ?? scope)
        .join(' '),
      token_type: 'Bearer',
      ...(grant.endsAt === undefined
        ? {}
        : { refresh_token_expires_in: Math.floor((grant.endsAt - now()) / 1000) }),
      ...(grant.scope.split(' ').includes('openid') ? { id_token: idToken(grant) } : {}),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const contentType = mediaType(request);
    const raw = await readBody(request);
    const form =
      contentType === 'application/x-www-form-urlencoded' ? new URLSearchParams(raw) : undefined;
    const grantType = form?.get('grant_type') ?? 'unknown';
    const answer = (status: number, body: Record<string, unknown>) => {
      records.tokenRequests.push({
        grantType,
        contentType,
        withSecret: Boolean(form?.get('client_secret')),
        status,
        ...(typeof body['error'] === 'string' ? { error: body['error'] } : {}),
      });
      sendJson(request, response, status, body);
    };
    if (!form) {
      answer(400, {
        error: 'invalid_request',
        error_description: 'Required parameter is missing: grant_type',
      });
      return;
    }
    if (form.get('client_id') !== clientId) {
      answer(401, {
        error: 'invalid_client',
        error_description: 'The OAuth client was not found.',
      });
      return;
    }
    if (!form.get('client_secret')) {
      answer(400, { error: 'invalid_request', error_description: 'client_secret is missing.' });
      return;
    }
    if (form.get('client_secret') !== clientSecret) {
      answer(401, { error: 'invalid_client', error_description: 'Unauthorized' });
      return;
    }
    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const valid =
        code &&
        code.expiresAt > now() &&
        form.get('redirect_uri') === redirectUri &&
        (!code.codeChallenge ||
          pkceMatches(form.get('code_verifier') ?? undefined, code.codeChallenge));
      if (!valid) {
        answer(400, { error: 'invalid_grant', error_description: 'Bad Request' });
        return;
      }
      grants.push(code.grant);
      if (code.offline) offlineGrantedBefore = true;
      answer(200, tokens(code.grant, code.offline));
      return;
    }
    if (grantType === 'refresh_token') {
      const grant = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant || grant.revoked || (grant.endsAt !== undefined && grant.endsAt <= now())) {
        answer(400, {
          error: 'invalid_grant',
          error_description: 'Token has been expired or revoked.',
        });
        return;
      }
      if (reauthenticate) {
        reauthenticate = false;
        answer(400, {
          error: 'invalid_grant',
          error_description: 'reauth related error (invalid_rapt)',
          error_uri: 'https://support.google.com/a/answer/9368756',
          error_subtype: 'invalid_rapt',
        });
        return;
      }
      records.refreshSuccesses += 1;
      // Google refresh tokens do not rotate: the response carries no refresh_token.
      answer(200, tokens(grant, false));
      return;
    }
    answer(400, {
      error: 'unsupported_grant_type',
      error_description: `Invalid grant_type: ${grantType}`,
    });
  }

  async function revoke(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<void> {
    const body =
      mediaType(request) === 'application/x-www-form-urlencoded'
        ? new URLSearchParams(await readBody(request))
        : new URLSearchParams();
    const value = body.get('token') ?? url.searchParams.get('token') ?? '';
    const refresh = refreshTokens.get(value);
    const access = accessTokens.get(value);
    const grant = refresh ?? access?.grant;
    if (!grant || grant.revoked) {
      records.revocations.push({ kind: 'unknown', status: 400 });
      sendJson(request, response, 400, {
        error: 'invalid_token',
        error_description: 'Token expired or revoked',
      });
      return;
    }
    // Revoking either token of a grant ends the whole grant.
    grant.revoked = true;
    records.revocations.push({ kind: refresh ? 'refresh_token' : 'access_token', status: 200 });
    sendJson(request, response, 200, {});
  }

  function userinfo(request: IncomingMessage, response: ServerResponse): void {
    records.userinfoRequests += 1;
    const access = accessTokens.get(bearerToken(request) ?? '');
    if (!access || access.expiresAt <= now() || access.grant.revoked) {
      sendJson(request, response, 401, {
        error: 'invalid_request',
        error_description: 'Invalid Credentials',
      });
      return;
    }
    sendJson(request, response, 200, {
      sub: GOOGLE_ACCOUNT.sub,
      email: GOOGLE_ACCOUNT.email,
      email_verified: true,
    });
  }

  function metadata(request: IncomingMessage, response: ServerResponse): void {
    sendJson(request, response, 200, {
      issuer: origin,
      authorization_endpoint: `${origin}/o/oauth2/v2/auth`,
      token_endpoint: `${origin}/token`,
      userinfo_endpoint: `${origin}/v1/userinfo`,
      revocation_endpoint: `${origin}/revoke`,
      jwks_uri: `${origin}/oauth2/v3/certs`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    });
  }

  const server = await startLoopbackServer(options.port ?? 0, async (request, response, url) => {
    const route = `${request.method} ${url.pathname}`;
    if (route === 'GET /o/oauth2/v2/auth') return authorize(response, url);
    if (route === 'POST /o/oauth2/v2/decision') return decide(request, response);
    if (route === 'POST /token') return token(request, response);
    if (route === 'POST /revoke') return revoke(request, response, url);
    if (route === 'GET /v1/userinfo') return userinfo(request, response);
    if (route === 'GET /.well-known/openid-configuration') return metadata(request, response);
    if (route === 'GET /oauth2/v3/certs') {
      sendJson(request, response, 200, {
        keys: [
          { ...publicKey.export({ format: 'jwk' }), kid: 'emulator', alg: 'RS256', use: 'sig' },
        ],
      });
      return;
    }
    return false;
  });
  origin = server.origin;

  return {
    origin,
    endpoints: {
      issuer: origin,
      authorization: `${origin}/o/oauth2/v2/auth`,
      token: `${origin}/token`,
      revocation: `${origin}/revoke`,
      userinfo: `${origin}/v1/userinfo`,
    },
    records,
    requireReauthentication: () => {
      reauthenticate = true;
    },
    revokeAllGrants: () => {
      for (const grant of grants) grant.revoked = true;
    },
    close: server.close,
  };
}
