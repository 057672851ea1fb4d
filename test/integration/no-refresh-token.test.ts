import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Services } from '@/utils/background/services';
import { DEMO_CLIENT_ID, startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { consentAsAda, demoServices } from '../support/connected-services';

// oidc-provider follows OpenID Connect Core §11: offline_access (and so a refresh token) only with
// prompt=consent. A connect that yields no refresh token must fail at once, saying what to change.
describe('a connect that yields no refresh token', () => {
  let server: AuthServerHandle;
  let services: Services;
  const authorizeUrls: URL[] = [];

  beforeAll(async () => {
    server = await startAuthServer({ accessTokenTtlSec: 300 });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(async () => {
    fakeBrowser.reset();
    authorizeUrls.length = 0;
    services = await demoServices({
      authorize: (url) => {
        authorizeUrls.push(new URL(url));
        return consentAsAda(url);
      },
    });
    server.resetRecords();
  });

  async function connect(input: { scopes: string[]; promptConsent?: boolean }) {
    const added = await services.lifecycle.add({
      provider: 'custom',
      label: 'Local',
      clientId: DEMO_CLIENT_ID,
      issuer: server.issuer,
      ...input,
    });
    if (!added.ok) throw new Error(added.error.message);
    return { id: added.value.id, outcome: await services.lifecycle.connect(added.value.id) };
  }

  it('asks for consent with offline_access by default, and so gets a refresh token', async () => {
    const { outcome } = await connect({ scopes: ['openid', 'offline_access'] });

    expect(outcome.ok).toBe(true);
    expect(authorizeUrls[0]?.searchParams.get('prompt')).toBe('consent');
    expect(server.records.issuedTokens.map((token) => token.kind)).toContain('refresh_token');
  });

  it('fails at connect, says what to change, revokes the access token and stores nothing', async () => {
    const { id, outcome } = await connect({
      scopes: ['openid', 'offline_access'],
      promptConsent: false,
    });

    expect(authorizeUrls[0]?.searchParams.has('prompt')).toBe(false);
    expect(server.records.issuedTokens.map((token) => token.kind)).not.toContain('refresh_token');
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'no_refresh_token', message: expect.stringContaining('offline_access') },
    });
    expect(server.records.revocations).toEqual([
      expect.objectContaining({ tokenKind: 'AccessToken', status: 200 }),
    ]);
    expect(await services.refresher.readSecrets(id)).toBeUndefined();
    const snapshot = await services.snapshot();
    expect(snapshot.connections[0]).toMatchObject({ state: 'new', expiresAt: null });
  });

  it('fails the same way when offline_access is not asked for at all', async () => {
    const { outcome } = await connect({ scopes: ['openid', 'email'] });

    expect(authorizeUrls[0]?.searchParams.has('prompt')).toBe(false);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'no_refresh_token' } });
  });
});
