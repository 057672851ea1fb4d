import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import type { ProviderKind } from '@/utils/model';
import { classifyTokenError, NotBearerError } from '@/utils/oauth/classify';
import { describeConnectFailure, describeForProvider } from '@/utils/oauth/provider-errors';
import { UnusableTokenResponseError } from '@/utils/oauth/salvage';

/** What the provider's token endpoint would have answered, as oauth4webapi throws it. */
function bodyError(status: number, body: { error: string } & Record<string, string>) {
  return new oauth.ResponseBodyError('server responded with an error in the response body', {
    cause: body,
    response: new Response(JSON.stringify(body), { status }),
  });
}

function httpError(status: number) {
  return new oauth.OperationProcessingError('"response" is not a conform Token Endpoint response', {
    cause: new Response('Unauthorized', { status }),
    code: oauth.RESPONSE_IS_NOT_CONFORM,
  });
}

describe('describeForProvider', () => {
  it.each<{ name: string; kind: ProviderKind; error: unknown; expected: object; says: RegExp }>([
    {
      name: 'Atlassian: unknown or invalid refresh token',
      kind: 'jira',
      error: bodyError(403, {
        error: 'invalid_grant',
        error_description: 'Unknown or invalid refresh token.',
      }),
      expected: { kind: 'permanent', code: 'invalid_grant', status: 403 },
      says: /unused for 90 days, is older than 365 days.*Reconnect\.$/,
    },
    {
      name: 'Google: a Workspace admin restricted the app (admin_policy_enforced)',
      kind: 'google',
      error: bodyError(400, { error: 'admin_policy_enforced' }),
      expected: { kind: 'permanent', code: 'admin_policy_enforced' },
      says: /administrator does not allow this app.*Admin console/,
    },
    {
      name: 'Atlassian: access_denied on a wrong secret',
      kind: 'jira',
      error: bodyError(401, { error: 'access_denied', error_description: 'Unauthorized' }),
      expected: { kind: 'configuration', code: 'access_denied' },
      says: /^Atlassian rejected the app credentials: check the client secret/,
    },
    {
      name: 'Atlassian: a bare 401',
      kind: 'jira',
      error: httpError(401),
      expected: { kind: 'configuration', code: 'http_401' },
      says: /check the client secret/,
    },
    {
      name: 'Google: invalid_rapt',
      kind: 'google',
      error: bodyError(400, {
        error: 'invalid_grant',
        error_description: 'reauth related error (invalid_rapt)',
        error_subtype: 'invalid_rapt',
      }),
      expected: { kind: 'permanent', code: 'invalid_rapt' },
      says: /^Google requires you to sign in again/,
    },
    {
      name: 'Google: invalid_grant',
      kind: 'google',
      error: bodyError(400, {
        error: 'invalid_grant',
        error_description: 'Token has been expired or revoked.',
      }),
      expected: { kind: 'permanent', code: 'invalid_grant' },
      says: /revoked, unused for six months, issued to an app in Testing more than 7 days ago/,
    },
    {
      name: 'Google: client_secret is missing',
      kind: 'google',
      error: bodyError(400, {
        error: 'invalid_request',
        error_description: 'client_secret is missing.',
      }),
      expected: { kind: 'configuration', code: 'client_secret_missing' },
      says: /^Google needs the client secret/,
    },
    {
      name: 'Google: invalid_client',
      kind: 'google',
      error: bodyError(401, { error: 'invalid_client', error_description: 'Unauthorized' }),
      expected: { kind: 'configuration', code: 'invalid_client' },
      says: /Google Cloud Console → Credentials/,
    },
  ])('$name', ({ kind, error, expected, says }) => {
    const classified = classifyTokenError(error);

    const actual = describeForProvider(kind, classified, error);

    expect(actual).toMatchObject(expected);
    expect(actual.message).toMatch(says);
  });

  it.each<{ name: string; kind: ProviderKind; error: unknown }>([
    {
      name: 'a custom provider',
      kind: 'custom',
      error: bodyError(400, { error: 'invalid_grant' }),
    },
    { name: 'a Jira outage', kind: 'jira', error: httpError(503) },
    { name: 'a Google network error', kind: 'google', error: new TypeError('fetch failed') },
    {
      name: 'Google access_denied (no Atlassian rule)',
      kind: 'google',
      error: bodyError(403, { error: 'access_denied' }),
    },
  ])('leaves $name as classified', ({ kind, error }) => {
    const classified = classifyTokenError(error);

    const actual = describeForProvider(kind, classified, error);

    expect(actual).toBe(classified);
  });
});

describe('describeConnectFailure', () => {
  it('says access was declined when the person pressed Cancel', () => {
    const error = new oauth.AuthorizationResponseError(
      'authorization response from the server is an error',
      {
        cause: new URLSearchParams({ error: 'access_denied' }),
      },
    );

    const actual = describeConnectFailure('google', error);

    expect(actual).toBe("Access was declined in the provider's window.");
  });

  it("uses the provider's configuration advice for a wrong secret at the code exchange", () => {
    const error = bodyError(401, { error: 'access_denied', error_description: 'Unauthorized' });

    const actual = describeConnectFailure('jira', error);

    expect(actual).toMatch(/^Atlassian rejected the app credentials/);
  });

  it("tells a Google Workspace user their admin must allow the app, from the consent's error", () => {
    const error = new oauth.AuthorizationResponseError('authorization error', {
      cause: new URLSearchParams({ error: 'admin_policy_enforced' }),
    });

    const actual = describeConnectFailure('google', error);

    expect(actual).toMatch(/^Your organisation's Google Workspace administrator does not allow/);
  });

  it('refuses a DPoP-bound token at connect with what to change', () => {
    const error = new UnusableTokenResponseError(new NotBearerError('dpop'), undefined);

    const actual = describeConnectFailure('custom', error);

    expect(actual).toMatch(/"dpop" token, not a Bearer token.*Bearer tokens only/);
  });

  it('never shows a provider code outside the OAuth character set or over 64 characters', () => {
    const odd = [`<script>${'x'.repeat(10)}`, 'a'.repeat(65)];

    const actual = odd.map((code) =>
      describeConnectFailure('custom', bodyError(400, { error: code })),
    );

    expect(actual).toEqual([
      expect.not.stringContaining('<script>'),
      expect.not.stringContaining('a'.repeat(65)),
    ]);
  });

  it("quotes the provider's own words for a refused code", () => {
    const error = bodyError(400, { error: 'invalid_grant', error_description: 'Bad Request' });

    const actual = describeConnectFailure('google', error);

    expect(actual).toBe('The provider refused to issue tokens (invalid_grant): Bad Request.');
  });
});
