// An OAuth 2.0 authorization server as the simulations need it: consent with PKCE, a token endpoint for
// authorization codes and refresh tokens, and revocation — with the three behaviours real providers have
// for refresh tokens (rotating with strict reuse detection, rotating with a reuse leeway, not rotating),
// as the three providers both simulations drive (Google-like, Atlassian-like, 5-minute tokens).
// Pure logic on the simulation's time: latency, faults and delivery are the network layer's business.
// It remembers every refresh token it issued and what became of it, so a simulation can tell a grant
// lost by the provider's design (a response that never arrived) from one we threw away.
import { createHash } from 'node:crypto';

/** How a provider treats refresh tokens. */
export interface RefreshPolicy {
  /** Shown in reports. */
  name: string;
  /** Each refresh issues a new refresh token and retires the old one. */
  rotating: boolean;
  /** How long a retired refresh token is still accepted (Atlassian: 10 minutes); 0 = reuse revokes at once. */
  reuseLeewayMs: number;
  /** Access tokens a rotation replaced stop working this long after it (Atlassian: about 10 minutes). */
  retireAccessTokensAfterMs?: number;
}

/** A provider of the simulations: its refresh-token policy, its tokens' lifetime and its token host. */
export interface ProviderProfile extends RefreshPolicy {
  lifetimeSec: number;
  /** The host of its token endpoint: every connection to one provider shares it, and its outages. */
  host: string;
}

/** Google: 1 h access tokens, the refresh token never changes. */
export const GOOGLE_LIKE: ProviderProfile = {
  name: 'Google-like (1 h, non-rotating)',
  lifetimeSec: 3600,
  rotating: false,
  reuseLeewayMs: 0,
  host: 'google-like.provider.bench',
};

/**
 * Atlassian: 1 h access tokens, rotating refresh tokens, reuse accepted for 10 minutes; the access tokens a
 * rotation replaced are revoked about 10 minutes after it.
 */
export const ATLASSIAN_LIKE: ProviderProfile = {
  name: 'Atlassian-like (1 h, rotating, 10 min leeway)',
  lifetimeSec: 3600,
  rotating: true,
  reuseLeewayMs: 10 * 60_000,
  retireAccessTokensAfterMs: 10 * 60_000,
  host: 'atlassian-like.provider.bench',
};

/** A strict short-lived provider (oidc-provider, Okta, Auth0, the demo server): any reuse revokes the grant. */
export const SHORT_LIVED: ProviderProfile = {
  name: '5-minute tokens (rotating, no leeway)',
  lifetimeSec: 300,
  rotating: true,
  reuseLeewayMs: 0,
  host: 'short-lived.provider.bench',
};

/** A refresh token the server issued, and its fate. */
export interface IssuedRefreshToken {
  value: string;
  /** The grant (one consent) it belongs to. */
  family: number;
  /** Its place in the family's rotation chain (0 = from the consent). */
  index: number;
  issuedAt: number;
  /** When a rotation replaced it. */
  retiredAt?: number;
  /** The refresh token that replaced it. */
  successor?: string;
  /** Set by the network layer when the response carrying it reached the client. */
  delivered?: { worker: number; at: number };
}

/** A grant: one consent and the chain of refresh tokens rotated from it. */
export interface Family {
  id: number;
  /** The refresh token the consent issued. */
  first: string;
  /** The refresh token the server accepts now. */
  current: string;
  revokedAt: number | null;
  revokedBecause?: 'reuse' | 'revocation';
}

/** A retired refresh token presented again. */
export interface Reuse {
  at: number;
  token: IssuedRefreshToken;
  /** Accepted because it came back within the leeway. */
  withinLeeway: boolean;
}

/** An HTTP answer of the server. */
export interface ServerAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The refresh token this answer carries, if any. */
  refreshToken?: string;
  /** `refresh_token`, `authorization_code`, `revocation` or `unknown`. */
  grantType: string;
  /** Whether the request changed the server's state (rotated, issued or revoked). */
  processed: boolean;
}

/** One provider instance (the simulations give every connection its own). */
export interface TokenServer {
  readonly policy: RefreshPolicy;
  readonly lifetimeSec: number;
  readonly issuer: string;
  readonly endpoints: { authorization: string; token: string; revocation: string };
  /** The discovery document (`/.well-known/openid-configuration`). */
  metadata(): Record<string, unknown>;
  /** The person approves the consent page at `authorizeUrl`: returns the redirect with the code. */
  consent(authorizeUrl: string, at: number): string;
  /** A grant consented before the simulation began: its first access and refresh tokens. */
  seed(at: number): { accessToken: string; refreshToken: string };
  /** Answers a POST to the token or revocation endpoint at `at`. */
  handle(url: string, form: URLSearchParams, at: number): ServerAnswer;
  /** Whether a resource server would accept `accessToken` at `at`. */
  isValid(accessToken: string, at: number): boolean;
  /** What the server knows of a refresh token it issued. */
  refreshToken(value: string): IssuedRefreshToken | undefined;
  /** When the server issued an access token (simulation time), if it did. */
  issuedAt(accessToken: string): number | undefined;
  /** The family an access token belongs to, if the server issued it. */
  familyOfAccessToken(value: string): Family | undefined;
  families(): readonly Family[];
  reuses(): readonly Reuse[];
  /** Every token value issued (to scan storage and history for leaks). */
  issuedValues(): string[];
}

/** Builds a server for `name` (part of its URLs and token values). */
export function createTokenServer(
  name: string,
  policy: RefreshPolicy,
  lifetimeSec: number,
): TokenServer {
  const base = `https://${name}.as.sim`;
  const endpoints = {
    authorization: `${base}/authorize`,
    token: `${base}/token`,
    revocation: `${base}/revoke`,
  };
  const codes = new Map<string, { challenge: string; redirectUri: string; used: boolean }>();
  const refreshTokens = new Map<string, IssuedRefreshToken>();
  const accessTokens = new Map<string, { family: Family; issuedAt: number; expiresAt: number }>();
  const families: Family[] = [];
  const reuses: Reuse[] = [];
  let serial = 0;

  const next = (kind: string) => `sim-${kind}-${name}-${(serial += 1)}`;

  function issueAccessToken(family: Family, at: number): string {
    const value = next('at');
    accessTokens.set(value, { family, issuedAt: at, expiresAt: at + lifetimeSec * 1000 });
    return value;
  }

  function issueRefreshToken(family: Family, index: number, at: number): IssuedRefreshToken {
    const token: IssuedRefreshToken = { value: next('rt'), family: family.id, index, issuedAt: at };
    refreshTokens.set(token.value, token);
    family.current = token.value;
    return token;
  }

  function tokens(family: Family, at: number, refreshToken?: string): ServerAnswer {
    return {
      status: 200,
      body: {
        access_token: issueAccessToken(family, at),
        token_type: 'Bearer',
        expires_in: lifetimeSec,
        ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      },
      ...(refreshToken === undefined ? {} : { refreshToken }),
      grantType: 'refresh_token',
      processed: true,
    };
  }

  const invalidGrant = (grantType: string, description: string, processed = false) => ({
    status: 400,
    body: { error: 'invalid_grant', error_description: description },
    grantType,
    processed,
  });

  function rotate(family: Family, presented: IssuedRefreshToken, at: number): ServerAnswer {
    const retireAfter = policy.retireAccessTokensAfterMs;
    if (retireAfter !== undefined) {
      for (const token of accessTokens.values()) {
        if (token.family === family) token.expiresAt = Math.min(token.expiresAt, at + retireAfter);
      }
    }
    const current = refreshTokens.get(family.current)!;
    const successor = issueRefreshToken(family, current.index + 1, at);
    current.retiredAt = at;
    current.successor = successor.value;
    if (presented !== current && presented.successor === undefined) {
      presented.successor = successor.value;
    }
    return tokens(family, at, successor.value);
  }

  function refresh(form: URLSearchParams, at: number): ServerAnswer {
    const token = refreshTokens.get(form.get('refresh_token') ?? '');
    if (!token) return invalidGrant('refresh_token', 'Unknown refresh token.');
    const family = families[token.family]!;
    if (family.revokedAt !== null) return invalidGrant('refresh_token', 'The grant was revoked.');
    if (!policy.rotating) return tokens(family, at);
    if (token.value === family.current) return rotate(family, token, at);
    const withinLeeway =
      token.retiredAt !== undefined && at < token.retiredAt + policy.reuseLeewayMs;
    reuses.push({ at, token, withinLeeway });
    if (withinLeeway) return rotate(family, token, at);
    family.revokedAt = at;
    family.revokedBecause = 'reuse';
    return invalidGrant('refresh_token', 'Refresh token reuse: the grant was revoked.', true);
  }

  function newFamily(at: number): { family: Family; refreshToken: IssuedRefreshToken } {
    const family: Family = { id: families.length, first: '', current: '', revokedAt: null };
    families.push(family);
    const refreshToken = issueRefreshToken(family, 0, at);
    family.first = refreshToken.value;
    return { family, refreshToken };
  }

  function exchangeCode(form: URLSearchParams, at: number): ServerAnswer {
    const code = codes.get(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!code || code.used || code.challenge !== challenge) {
      return invalidGrant('authorization_code', 'Unknown, used or unverified code.');
    }
    code.used = true;
    const { family, refreshToken } = newFamily(at);
    return { ...tokens(family, at, refreshToken.value), grantType: 'authorization_code' };
  }

  function revoke(form: URLSearchParams, at: number): ServerAnswer {
    const value = form.get('token') ?? '';
    const family =
      families[refreshTokens.get(value)?.family ?? -1] ?? accessTokens.get(value)?.family;
    if (family && family.revokedAt === null) {
      family.revokedAt = at;
      family.revokedBecause = 'revocation';
    }
    // RFC 7009: 200 whether or not the token was known.
    return { status: 200, body: {}, grantType: 'revocation', processed: family !== undefined };
  }

  return {
    policy,
    lifetimeSec,
    issuer: base,
    endpoints,
    metadata: () => ({
      issuer: base,
      authorization_endpoint: endpoints.authorization,
      token_endpoint: endpoints.token,
      revocation_endpoint: endpoints.revocation,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
    }),
    consent(authorizeUrl) {
      const url = new URL(authorizeUrl);
      const code = next('code');
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      codes.set(code, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        redirectUri,
        used: false,
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return back.href;
    },
    seed(at) {
      const { family, refreshToken } = newFamily(at);
      return { accessToken: issueAccessToken(family, at), refreshToken: refreshToken.value };
    },
    handle(url, form, at) {
      if (url === endpoints.revocation) return revoke(form, at);
      const grantType = form.get('grant_type') ?? 'unknown';
      if (grantType === 'refresh_token') return refresh(form, at);
      if (grantType === 'authorization_code') return exchangeCode(form, at);
      return {
        status: 400,
        body: { error: 'unsupported_grant_type' },
        grantType: 'unknown',
        processed: false,
      };
    },
    isValid(accessToken, at) {
      const issued = accessTokens.get(accessToken);
      return issued !== undefined && issued.family.revokedAt === null && at < issued.expiresAt;
    },
    refreshToken: (value) => refreshTokens.get(value),
    familyOfAccessToken: (value) => accessTokens.get(value)?.family,
    issuedAt: (value) => accessTokens.get(value)?.issuedAt,
    families: () => families,
    reuses: () => reuses,
    issuedValues: () => [...refreshTokens.keys(), ...accessTokens.keys()],
  };
}
