import { describe, expect, it, vi } from 'vitest';
import {
  authorizeParams,
  lookupIdentity,
  manualRevocationHint,
  resolveSetup,
} from '@/utils/oauth/providers';
import { GOOGLE_PRESET, JIRA_PRESET, presetOf, presetScopes } from '@/utils/providers';

const DRIVE = 'https://www.googleapis.com/auth/drive.readonly';
const tokens = { accessToken: 'at', lifetime: { lifetimeSec: 3600, assumed: false } };

function jsonFetch(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status }));
}

describe('provider presets', () => {
  it('sends Atlassian the API audience and consent prompt, as JSON, with the secret', () => {
    const actual = JIRA_PRESET;

    expect(actual.authorizeParams).toEqual({ audience: 'api.atlassian.com', prompt: 'consent' });
    expect(actual.endpoints).toEqual({
      authorization: 'https://auth.atlassian.com/authorize',
      token: 'https://auth.atlassian.com/oauth/token',
      resources: 'https://api.atlassian.com/oauth/token/accessible-resources',
      tokenRequestFormat: 'json',
    });
    expect(actual.clientSecretRequired).toBe(true);
    expect(actual.refreshTokenLifetime).toEqual({ idleDays: 90, absoluteDays: 365 });
  });

  it('asks Google for offline access with consent, form-encoded, revocable', () => {
    const actual = GOOGLE_PRESET;

    expect(actual.authorizeParams).toEqual({ access_type: 'offline', prompt: 'consent' });
    expect(actual.endpoints.token).toBe('https://oauth2.googleapis.com/token');
    expect(actual.endpoints.revocation).toBe('https://oauth2.googleapis.com/revoke');
    expect(actual.endpoints.tokenRequestFormat).toBeUndefined();
    expect(actual.testingRefreshTokenLifetime).toEqual({ absoluteDays: 7 });
  });

  it('has no preset for a custom provider', () => {
    expect(presetOf('custom')).toBeUndefined();
    expect(authorizeParams({ provider: 'custom', scopes: ['openid'] })).toEqual({});
    expect(manualRevocationHint('custom')).toBeUndefined();
  });

  it('asks a custom provider for consent with offline_access (OpenID Connect Core §11), unless told not to', () => {
    const offline = { provider: 'custom' as const, scopes: ['openid', 'offline_access'] };

    expect(authorizeParams(offline)).toEqual({ prompt: 'consent' });
    expect(authorizeParams({ ...offline, promptConsent: false })).toEqual({});
    expect(authorizeParams({ provider: 'jira', scopes: ['offline_access'] })).toEqual({
      audience: 'api.atlassian.com',
      prompt: 'consent',
    });
  });

  it.each([
    { scopes: [], expected: ['read:jira-work', 'read:jira-user', 'offline_access'] },
    { scopes: ['write:jira-work'], expected: ['write:jira-work', 'offline_access'] },
    { scopes: ['offline_access', 'read:me'], expected: ['offline_access', 'read:me'] },
  ])('Jira scopes $scopes → $expected', ({ scopes, expected }) => {
    const actual = presetScopes(JIRA_PRESET, scopes);

    expect(actual).toEqual(expected);
  });
});

describe('resolveSetup', () => {
  it("takes a preset's endpoints and lifetime rules, never the page's", async () => {
    const input = {
      provider: 'jira' as const,
      label: 'Jira',
      clientId: 'cid',
      clientSecret: 's',
      scopes: ['read:jira-work'],
    };

    const actual = await resolveSetup(input);

    expect(actual).toEqual({
      endpoints: JIRA_PRESET.endpoints,
      scopes: ['read:jira-work', 'offline_access'],
      refreshTokenLifetime: { idleDays: 90, absoluteDays: 365 },
    });
    expect(actual.endpoints).not.toBe(JIRA_PRESET.endpoints);
  });

  it.each([
    { testingMode: true, scopes: [DRIVE], expected: { absoluteDays: 7 } },
    { testingMode: false, scopes: [DRIVE], expected: { idleDays: 180 } },
    { testingMode: true, scopes: [], expected: { idleDays: 180 } },
  ])(
    'Google (testing $testingMode, scopes $scopes) lives $expected',
    async ({ testingMode, scopes, expected }) => {
      const input = {
        provider: 'google' as const,
        label: 'G',
        clientId: 'cid',
        clientSecret: 's',
        scopes,
        testingMode,
      };

      const actual = await resolveSetup(input);

      expect(actual.refreshTokenLifetime).toEqual(expected);
    },
  );

  it('gives Google its default scopes when none are entered', async () => {
    const input = {
      provider: 'google' as const,
      label: 'G',
      clientId: 'c',
      clientSecret: 's',
      scopes: [],
    };

    const actual = await resolveSetup(input);

    expect(actual.scopes).toEqual(['openid', 'email']);
  });

  it('takes hand-entered endpoints of a custom provider, with no lifetime rules', async () => {
    const input = {
      provider: 'custom' as const,
      label: 'C',
      clientId: 'cid',
      scopes: ['openid'],
      authorizationEndpoint: 'https://as.test/auth',
      tokenEndpoint: 'https://as.test/token',
    };

    const actual = await resolveSetup(input);

    expect(actual).toEqual({
      endpoints: { authorization: 'https://as.test/auth', token: 'https://as.test/token' },
      scopes: ['openid'],
    });
  });

  it.each([
    {
      name: 'hand-entered: an internet token endpoint with a loopback authorization endpoint',
      input: {
        authorizationEndpoint: 'http://127.0.0.1:8080/auth',
        tokenEndpoint: 'https://as.test/token',
      },
    },
    {
      name: "an internet issuer whose metadata names this machine's token endpoint",
      input: { issuer: 'https://as.test' },
    },
  ])(
    'refuses loopback endpoints from a provider that is not on this machine: $name',
    async ({ input }) => {
      const metadata = {
        issuer: 'https://as.test',
        authorization_endpoint: 'https://as.test/auth',
        token_endpoint: 'http://localhost:6379/token',
      };
      const fetch = vi.fn(async () => Response.json(metadata));

      const actual = resolveSetup(
        { provider: 'custom' as const, label: 'C', clientId: 'cid', scopes: [], ...input },
        { fetch },
      );

      await expect(actual).rejects.toThrow(/names an endpoint on this machine/);
    },
  );

  it('accepts loopback endpoints from a loopback provider (the demo, local servers)', async () => {
    const input = {
      provider: 'custom' as const,
      label: 'C',
      clientId: 'cid',
      scopes: [],
      authorizationEndpoint: 'http://127.0.0.1:9555/auth',
      tokenEndpoint: 'http://localhost:9555/token',
    };

    const actual = await resolveSetup(input);

    expect(actual.endpoints.token).toBe('http://localhost:9555/token');
  });

  it('asks for an issuer or both endpoints', async () => {
    const input = {
      provider: 'custom' as const,
      label: 'C',
      clientId: 'cid',
      scopes: [],
      tokenEndpoint: 'https://as.test/token',
    };

    const actual = resolveSetup(input);

    await expect(actual).rejects.toThrow(
      'Enter an issuer URL for discovery, or both the authorization and token endpoints.',
    );
  });
});

describe('lookupIdentity', () => {
  const jira = { endpoints: JIRA_PRESET.endpoints, clientId: 'cid' };

  it('lists Atlassian sites once each, with the bearer token, and names the account after them', async () => {
    const site = { id: 'cloud-1', name: 'acme', url: 'https://acme.atlassian.net' };
    const fetch = jsonFetch(200, [
      { ...site, scopes: ['read:jira-work'], avatarUrl: 'https://a.test/x.png' },
      { ...site, scopes: ['read:servicedesk-request'] },
      { id: 'cloud-2', name: '', url: 'https://beta.atlassian.net' },
    ]);

    const actual = await lookupIdentity(jira, tokens, { fetch });

    expect(actual).toEqual({
      account: 'acme, beta.atlassian.net',
      sites: [site, { id: 'cloud-2', name: '', url: 'https://beta.atlassian.net' }],
    });
    expect(fetch).toHaveBeenCalledWith(
      'https://api.atlassian.com/oauth/token/accessible-resources',
      expect.objectContaining({ headers: expect.objectContaining({ authorization: 'Bearer at' }) }),
    );
  });

  it.each([
    { name: 'an error status', fetch: jsonFetch(401, { code: 401 }) },
    { name: 'a malformed list', fetch: jsonFetch(200, [{ id: 1, url: 'not a url' }]) },
    { name: 'a network failure', fetch: vi.fn(async () => Promise.reject(new TypeError('x'))) },
  ])('yields no identity (and no failure) on $name', async ({ fetch }) => {
    const actual = await lookupIdentity(jira, tokens, { fetch });

    expect(actual).toEqual({});
  });

  it("prefers the ID token's e-mail and asks userinfo only without one", async () => {
    const google = { endpoints: GOOGLE_PRESET.endpoints, clientId: 'cid' };
    const fetch = vi.fn(
      async () =>
        new Response(JSON.stringify({ sub: '1', email: 'ada@gmail.test' }), {
          headers: { 'content-type': 'application/json' },
        }),
    );

    const fromIdToken = await lookupIdentity(
      google,
      { ...tokens, account: 'id@gmail.test' },
      { fetch },
    );
    const fromUserinfo = await lookupIdentity(google, tokens, { fetch });

    expect(fromIdToken).toEqual({ account: 'id@gmail.test' });
    expect(fromUserinfo).toEqual({ account: 'ada@gmail.test' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("takes nothing from userinfo that answers for another subject than the ID token's", async () => {
    const google = { endpoints: GOOGLE_PRESET.endpoints, clientId: 'cid' };
    const fetch = vi.fn(async () => Response.json({ sub: 'someone-else', email: 'eve@test' }));

    const actual = await lookupIdentity(google, { ...tokens, subject: 'ada-sub' }, { fetch });

    expect(actual).toEqual({});
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
