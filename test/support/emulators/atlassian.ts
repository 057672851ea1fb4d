// An Atlassian OAuth 2.0 (3LO) emulator on loopback, behaving as Atlassian documents it: consent at
// /authorize (audience, prompt=consent), a token endpoint that takes JSON only and requires the client
// secret, 1 h access tokens (the ones a rotation replaced end about 10 minutes later), rotating refresh
// tokens (only with offline_access) with a reuse leeway after which the whole token family is revoked,
// 90-day inactivity and 365-day absolute expiry, and /oauth/token/accessible-resources. Records what happened so tests can assert on it, and can hold a
// processed token answer back (the crash tests' fault).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Endpoints, Site } from '../../../utils/model';
import { DEMO_REDIRECT_URI } from '../auth-server';
import {
  bearerToken,
  cancellableSleeps,
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
import { answerUrl, consentDesk } from './consent-desk';

/** The client registered at the emulator by default. */
export const ATLASSIAN_CLIENT = { id: 'jira-client-id', secret: 'jira-client-secret' } as const;

/** The site the default grant reaches. */
export const ATLASSIAN_SITE: Site = {
  id: '1324a887-45db-1bf4-1e99-ef0ff456d421',
  name: 'acme',
  url: 'https://acme.atlassian.net',
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of the emulator; all optional. */
export interface AtlassianEmulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  /** Access token lifetime; Atlassian's is 3600 s. */
  accessTokenTtlSec?: number;
  /** How long a rotated refresh token is still accepted (Atlassian: reported as 10 minutes). */
  reuseLeewaySec?: number;
  /**
   * How long the access tokens a rotation replaced keep working (Atlassian: about 10 minutes after the
   * refresh, not until their own expiry).
   */
  retireAccessTokensAfterSec?: number;
  idleDays?: number;
  absoluteDays?: number;
  sites?: Site[];
  /** The emulator's clock (epoch ms); tests move it to exercise expiry. */
  now?: () => number;
}

/** A token endpoint request as the emulator saw it. */
export interface AtlassianTokenRequest {
  grantType: string;
  contentType: string;
  /** Whether a client secret was present (never its value). */
  withSecret: boolean;
  status: number;
  error?: string;
}

/**
 * A fault on the next token requests (`times` of them, else until cleared): the emulator processes the
 * request in full (rotating the refresh token), records it in `faultedRequests`, then holds the answer
 * back for `ms` — the window in which a client that dies loses the new refresh token.
 */
export interface AtlassianTokenFault {
  kind: 'process-then-hold';
  ms: number;
  times?: number;
}

/** A retired (rotated) refresh token presented again. */
export interface AtlassianReuse {
  /** Seconds since that token was rotated out. */
  afterSec: number;
  /** Whether it came inside the reuse leeway (accepted) or after it (the family was revoked). */
  withinLeeway: boolean;
}

/** What the emulator saw. */
export interface AtlassianRecords {
  /** Query parameters of every authorization request. */
  authorizeRequests: Record<string, string>[];
  tokenRequests: AtlassianTokenRequest[];
  refreshSuccesses: number;
  /** Refresh tokens retired by rotation (counted when the request is processed, before any answer). */
  refreshTokensRotated: number;
  /** Every retired refresh token presented again, inside the leeway or after it. */
  reuses: AtlassianReuse[];
  /** Token requests whose processed answer a fault held back, recorded as the hold begins. */
  faultedRequests: { kind: AtlassianTokenFault['kind']; grantType: string }[];
  /** Rotated refresh tokens presented again inside the leeway (accepted). */
  reusedWithinLeeway: number;
  /** Token families revoked because an old refresh token came back after the leeway. */
  familiesRevoked: number;
  /** Calls to accessible-resources, and how many had a valid token. */
  resourceRequests: { ok: boolean }[];
}

/** A running emulator. */
export interface AtlassianEmulator {
  origin: string;
  /** Endpoints to point a Jira connection at (the test-only override). */
  endpoints: Endpoints;
  records: AtlassianRecords;
  /** The refresh token the family currently accepts without reuse, per family. */
  currentRefreshTokens(): string[];
  /** Applies `fault` to the next token requests (null clears it). */
  setFault(fault: AtlassianTokenFault | null): void;
  close(): Promise<void>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge?: string;
  expiresAt: number;
}
interface Family {
  startedAt: number;
  scope: string;
  revoked: boolean;
  current: string;
}
interface RefreshTokenRecord {
  family: Family;
  issuedAt: number;
  rotatedAt?: number;
}

/** Starts the emulator on 127.0.0.1. */
export async function startAtlassianEmulator(
  options: AtlassianEmulatorOptions = {},
): Promise<AtlassianEmulator> {
  const clientId = options.clientId ?? ATLASSIAN_CLIENT.id;
  const clientSecret = options.clientSecret ?? ATLASSIAN_CLIENT.secret;
  const redirectUri = options.redirectUri ?? DEMO_REDIRECT_URI;
  const ttlSec = options.accessTokenTtlSec ?? 3600;
  const leewayMs = (options.reuseLeewaySec ?? 600) * 1000;
  const retireAfterMs = (options.retireAccessTokensAfterSec ?? 600) * 1000;
  const idleMs = (options.idleDays ?? 90) * DAY_MS;
  const absoluteMs = (options.absoluteDays ?? 365) * DAY_MS;
  const sites = options.sites ?? [ATLASSIAN_SITE];
  const now = options.now ?? Date.now;

  const records: AtlassianRecords = {
    authorizeRequests: [],
    tokenRequests: [],
    refreshSuccesses: 0,
    refreshTokensRotated: 0,
    reuses: [],
    faultedRequests: [],
    reusedWithinLeeway: 0,
    familiesRevoked: 0,
    resourceRequests: [],
  };
  const desk = consentDesk(redirectUri);
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const accessTokens = new Map<string, { family: Family | undefined; expiresAt: number }>();

  /** After a rotation, the family's earlier access tokens die `retireAfterMs` later (sooner if they expire). */
  function retireAccessTokens(family: Family): void {
    for (const token of accessTokens.values()) {
      if (token.family === family)
        token.expiresAt = Math.min(token.expiresAt, now() + retireAfterMs);
    }
  }
  const families: Family[] = [];
  let fault: { fault: AtlassianTokenFault; remaining: number } | null = null;
  const { sleep, cancelAll } = cancellableSleeps();

  function authorize(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const params = url.searchParams;
    records.authorizeRequests.push(Object.fromEntries(params));
    if (params.get('client_id') !== clientId || params.get('redirect_uri') !== redirectUri) {
      sendHtml(response, 400, errorPage('Invalid client_id or redirect_uri (callback URL).'));
      return;
    }
    const back = answerUrl(redirectUri, params);
    const problem =
      params.get('response_type') !== 'code'
        ? 'unsupported_response_type'
        : params.get('audience') !== 'api.atlassian.com'
          ? 'invalid_request'
          : undefined;
    if (problem) {
      back.searchParams.set('error', problem);
      redirect(response, back.href);
      return;
    }
    desk.show(response, params, {
      title: 'Token Keeper is requesting access to your Atlassian account',
      account: 'demo@atlassian.test',
      action: '/authorize/decision',
      approveLabel: 'Accept',
    });
  }

  async function decide(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const approved = await desk.decide(request, response);
    if (!approved) return;
    const { params, back } = approved;
    const code = randomToken('code');
    const challenge = params.get('code_challenge');
    codes.set(code, {
      clientId,
      redirectUri,
      scope: params.get('scope') ?? '',
      ...(challenge ? { codeChallenge: challenge } : {}),
      expiresAt: now() + 60_000,
    });
    back.searchParams.set('code', code);
    redirect(response, back.href);
  }

  function issue(family: Family | undefined, scope: string) {
    const accessToken = randomToken('atl-at');
    accessTokens.set(accessToken, { family, expiresAt: now() + ttlSec * 1000 });
    let refreshToken: string | undefined;
    if (family) {
      refreshToken = randomToken('atl-rt');
      refreshTokens.set(refreshToken, { family, issuedAt: now() });
      family.current = refreshToken;
    }
    return {
      access_token: accessToken,
      expires_in: ttlSec,
      token_type: 'Bearer',
      scope,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const contentType = mediaType(request);
    const raw = await readBody(request);
    const active = fault;
    if (active) {
      active.remaining -= 1;
      if (active.remaining <= 0) fault = null;
    }
    const answer = async (status: number, body: Record<string, unknown>, grantType: string) => {
      records.tokenRequests.push({
        grantType,
        contentType,
        withSecret: typeof parsed?.['client_secret'] === 'string',
        status,
        ...(typeof body['error'] === 'string' ? { error: body['error'] } : {}),
      });
      if (active) {
        records.faultedRequests.push({ kind: active.fault.kind, grantType });
        await sleep(active.fault.ms);
        // The client may have gone meanwhile (a stopped service worker): nobody is left to answer.
        if (request.socket.destroyed) return;
      }
      sendJson(request, response, status, body);
    };
    let parsed: Record<string, unknown> | undefined;
    if (contentType === 'application/json') {
      try {
        parsed = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
    }
    if (!parsed || typeof parsed !== 'object') {
      // Atlassian's token endpoint reads JSON bodies; a form body finds none of its fields.
      await answer(
        400,
        { error: 'invalid_request', error_description: 'Request body must be JSON.' },
        'unknown',
      );
      return;
    }
    const grantType = String(parsed['grant_type'] ?? 'unknown');
    if (parsed['client_id'] !== clientId || parsed['client_secret'] !== clientSecret) {
      await answer(401, { error: 'access_denied', error_description: 'Unauthorized' }, grantType);
      return;
    }
    if (grantType === 'authorization_code') {
      const code = codes.get(String(parsed['code'] ?? ''));
      codes.delete(String(parsed['code'] ?? ''));
      const valid =
        code &&
        code.expiresAt > now() &&
        parsed['redirect_uri'] === code.redirectUri &&
        (!code.codeChallenge ||
          pkceMatches(parsed['code_verifier'] as string | undefined, code.codeChallenge));
      if (!valid) {
        await answer(
          403,
          { error: 'invalid_grant', error_description: 'Invalid authorization code' },
          grantType,
        );
        return;
      }
      const offline = code.scope.split(' ').includes('offline_access');
      let family: Family | undefined;
      if (offline) {
        family = { startedAt: now(), scope: code.scope, revoked: false, current: '' };
        families.push(family);
      }
      await answer(200, issue(family, code.scope), grantType);
      return;
    }
    if (grantType === 'refresh_token') {
      const presented = String(parsed['refresh_token'] ?? '');
      const record = refreshTokens.get(presented);
      const invalid = {
        error: 'invalid_grant',
        error_description: 'Unknown or invalid refresh token.',
      };
      if (!record || record.family.revoked) {
        await answer(403, invalid, grantType);
        return;
      }
      const { family } = record;
      const expired = now() - family.startedAt > absoluteMs || now() - record.issuedAt > idleMs;
      if (expired) {
        await answer(403, invalid, grantType);
        return;
      }
      if (record.rotatedAt !== undefined) {
        const withinLeeway = now() - record.rotatedAt <= leewayMs;
        records.reuses.push({ afterSec: (now() - record.rotatedAt) / 1000, withinLeeway });
        if (!withinLeeway) {
          // Reuse after the leeway looks like theft: every token of the family dies.
          family.revoked = true;
          records.familiesRevoked += 1;
          await answer(403, invalid, grantType);
          return;
        }
        records.reusedWithinLeeway += 1;
      } else {
        record.rotatedAt = now();
        records.refreshTokensRotated += 1;
      }
      records.refreshSuccesses += 1;
      retireAccessTokens(family);
      await answer(200, issue(family, family.scope), grantType);
      return;
    }
    await answer(400, { error: 'unsupported_grant_type' }, grantType);
  }

  function resources(request: IncomingMessage, response: ServerResponse): void {
    const token = accessTokens.get(bearerToken(request) ?? '');
    const ok = Boolean(token && token.expiresAt > now() && !token.family?.revoked);
    records.resourceRequests.push({ ok });
    if (!ok) {
      sendJson(request, response, 401, { code: 401, message: 'Unauthorized' });
      return;
    }
    sendJson(
      request,
      response,
      200,
      sites.map((site) => ({
        ...site,
        scopes: ['read:jira-work', 'read:jira-user'],
        avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png',
      })),
    );
  }

  const server = await startLoopbackServer(options.port ?? 0, async (request, response, url) => {
    const route = `${request.method} ${url.pathname}`;
    if (route === 'GET /authorize') return authorize(request, response, url);
    if (route === 'POST /authorize/decision') return decide(request, response);
    if (route === 'POST /oauth/token') return token(request, response);
    if (route === 'GET /oauth/token/accessible-resources') return resources(request, response);
    return false;
  });

  return {
    origin: server.origin,
    endpoints: {
      authorization: `${server.origin}/authorize`,
      token: `${server.origin}/oauth/token`,
      resources: `${server.origin}/oauth/token/accessible-resources`,
      tokenRequestFormat: 'json',
    },
    records,
    currentRefreshTokens: () => families.filter((f) => !f.revoked).map((f) => f.current),
    setFault(next) {
      fault = next ? { fault: next, remaining: next.times ?? Number.POSITIVE_INFINITY } : null;
    },
    async close() {
      fault = null;
      cancelAll();
      await server.close();
    },
  };
}
