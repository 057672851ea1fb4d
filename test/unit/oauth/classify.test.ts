import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { classifyTokenError, NotBearerError, parseRetryAfter } from '@/utils/oauth/classify';
import { refreshAccessToken } from '@/utils/oauth/client';
import { UnusableTokenResponseError } from '@/utils/oauth/salvage';

/** What the real refresh path throws for a token endpoint answering `response`. */
async function thrownFor(response: Response): Promise<unknown> {
  const target = {
    endpoints: { authorization: 'https://as.test/auth', token: 'https://as.test/token' },
    clientId: 'cid',
    clientSecret: 'wrong',
  };
  try {
    await refreshAccessToken(target, 'rt-old', { fetch: async () => response });
  } catch (error) {
    return error;
  }
  throw new Error('the refresh did not fail');
}

function oauthError(status: number, error: string, headers: Record<string, string> = {}) {
  const response = new Response(JSON.stringify({ error }), { status, headers });
  return new oauth.ResponseBodyError('server responded with an error in the response body', {
    cause: { error },
    response,
  });
}

function httpError(status: number, headers: Record<string, string> = {}) {
  return new oauth.OperationProcessingError('"response" is not a conform Token Endpoint response', {
    cause: new Response('<html>oops</html>', { status, headers }),
    code: oauth.RESPONSE_IS_NOT_CONFORM,
  });
}

describe('classifyTokenError', () => {
  it.each([
    {
      name: 'invalid_grant',
      error: oauthError(400, 'invalid_grant'),
      kind: 'permanent',
      code: 'invalid_grant',
    },
    {
      name: 'invalid_scope',
      error: oauthError(400, 'invalid_scope'),
      kind: 'permanent',
      code: 'invalid_scope',
    },
    {
      name: 'invalid_client',
      error: oauthError(401, 'invalid_client'),
      kind: 'configuration',
      code: 'invalid_client',
    },
    {
      name: 'unauthorized_client',
      error: oauthError(400, 'unauthorized_client'),
      kind: 'configuration',
      code: 'unauthorized_client',
    },
    {
      name: 'temporarily_unavailable',
      error: oauthError(503, 'temporarily_unavailable'),
      kind: 'transient',
      code: 'temporarily_unavailable',
    },
    { name: 'HTTP 502 HTML page', error: httpError(502), kind: 'transient', code: 'http_502' },
    { name: 'HTTP 429', error: httpError(429), kind: 'transient', code: 'http_429' },
    { name: 'HTTP 404', error: httpError(404), kind: 'configuration', code: 'http_404' },
    {
      name: 'network error',
      error: new TypeError('fetch failed'),
      kind: 'transient',
      code: 'network',
    },
    {
      name: 'timeout',
      error: new DOMException('signal timed out', 'TimeoutError'),
      kind: 'transient',
      code: 'timeout',
    },
    {
      name: '200 without access_token',
      error: new oauth.OperationProcessingError(
        '"response" body "access_token" property must be a string',
        { code: oauth.INVALID_RESPONSE },
      ),
      kind: 'transient',
      code: 'invalid_response',
    },
  ])('$name is $kind ($code)', ({ error, kind, code }) => {
    const actual = classifyTokenError(error);

    expect(actual).toMatchObject({ kind, code });
  });

  it('tells the user to check the client secret for invalid_client, not to reconnect', () => {
    const actual = classifyTokenError(oauthError(401, 'invalid_client'));

    expect(actual.message).toMatch(/check the client ID and client secret/);
  });

  it('never matches an error code against the prototype (toString, constructor, __proto__)', () => {
    const codes = ['toString', 'constructor', '__proto__', 'hasOwnProperty'];

    const actual = codes.map((code) =>
      classifyTokenError(
        new oauth.ResponseBodyError('error', {
          cause: { error: code },
          response: Response.json({ error: code }, { status: 400 }),
        }),
      ),
    );

    for (const classified of actual) {
      expect(typeof classified.message).toBe('string');
      expect(classified.kind).toBe('transient');
    }
  });

  it.each([
    {
      name: '401 with WWW-Authenticate: Basic (a wrong client secret)',
      response: () =>
        Response.json(
          { error: 'invalid_client' },
          { status: 401, headers: { 'www-authenticate': 'Basic realm="token"' } },
        ),
      kind: 'configuration',
      code: 'invalid_client',
    },
    {
      name: '400 with a challenge naming invalid_grant',
      response: () =>
        new Response('', {
          status: 400,
          headers: { 'www-authenticate': 'Bearer error="invalid_grant"' },
        }),
      kind: 'permanent',
      code: 'invalid_grant',
    },
    {
      name: '503 with a challenge and Retry-After',
      response: () =>
        new Response('', {
          status: 503,
          headers: { 'www-authenticate': 'Basic realm="x"', 'retry-after': '60' },
        }),
      kind: 'transient',
      code: 'http_503',
    },
    {
      name: 'a 200 with a DPoP-bound token',
      response: () =>
        Response.json({ access_token: 'at-new', token_type: 'DPoP', expires_in: 300 }),
      kind: 'configuration',
      code: 'not_bearer',
    },
    {
      name: 'a 200 with a MAC token',
      response: () => Response.json({ access_token: 'at-new', token_type: 'mac', expires_in: 300 }),
      kind: 'configuration',
      code: 'not_bearer',
    },
  ])('through the real refresh path, $name is $kind ($code)', async ({ response, kind, code }) => {
    const actual = classifyTokenError(await thrownFor(response()));

    expect(actual).toMatchObject({ kind, code });
    expect(actual.message).not.toMatch(/wrong|at-new|rt-old/);
  });

  it('keeps the rotated refresh token of a 200 with a non-Bearer token for the caller to store', async () => {
    const error = await thrownFor(
      Response.json({
        access_token: 'at-new',
        token_type: 'DPoP',
        refresh_token: 'rt-rotated',
        expires_in: 300,
      }),
    );

    expect(error).toBeInstanceOf(UnusableTokenResponseError);
    expect((error as UnusableTokenResponseError).refreshToken).toBe('rt-rotated');
    expect((error as UnusableTokenResponseError).cause).toBeInstanceOf(NotBearerError);
  });

  it('carries Retry-After from a 429', () => {
    const actual = classifyTokenError(httpError(429, { 'retry-after': '120' }));

    expect(actual.retryAfterSec).toBe(120);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    { input: '30', expected: 30 },
    { input: 'Sun, 22 Nov 2026 12:01:00 GMT', expected: 60 },
    { input: 'soon', expected: undefined },
    { input: null, expected: undefined },
  ])('"$input" is $expected s', ({ input, expected }) => {
    const actual = parseRetryAfter(input, Date.UTC(2026, 10, 22, 12, 0, 0));

    expect(actual).toBe(expected);
  });
});

describe("the provider's own words", () => {
  it('are kept apart from our sentence, redacted, never appended to it', () => {
    const body = {
      error: 'invalid_grant',
      error_description: 'grant request is invalid token=abcdefghijklmnopqrstuvwxyz0123456789',
    };
    const error = new oauth.ResponseBodyError(
      'server responded with an error in the response body',
      {
        cause: body,
        response: new Response(JSON.stringify(body), { status: 400 }),
      },
    );

    const actual = classifyTokenError(error);

    expect(actual.message).toBe(
      'The provider no longer accepts the refresh token (invalid_grant): reconnect.',
    );
    expect(actual.detail).toMatch(/^grant request is invalid /);
    expect(actual.detail).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
  });
});
