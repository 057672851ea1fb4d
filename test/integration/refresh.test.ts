import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers } from '@/utils/background/handlers';
import type { Services } from '@/utils/background/services';
import { revokeToken } from '@/utils/oauth/client';
import { queryHistory } from '@/utils/store/history';
import { DEMO_CLIENT_ID, startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { connectedServices } from '../support/connected-services';

// The real engine (store, vault, refresher, oauth4webapi) against a real oidc-provider on loopback:
// no mocked fetch. Only the consent window is replaced by walking the dev login/consent pages.
describe('refresh path against oidc-provider', () => {
  let server: AuthServerHandle;
  let services: Services;
  let connectionId: string;

  beforeAll(async () => {
    server = await startAuthServer({ accessTokenTtlSec: 60 });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(async () => {
    fakeBrowser.reset();
    server.setFault(null);
    ({ services, connectionId } = await connectedServices(server));
    server.resetRecords();
  });

  function lastIssued(kind: 'refresh_token' | 'access_token'): string | undefined {
    return server.records.issuedTokens.filter((token) => token.kind === kind).at(-1)?.value;
  }

  it('connects with PKCE and discovery, learning the account and the token lifetime', async () => {
    const snapshot = await services.snapshot();

    expect(snapshot.connections[0]).toMatchObject({
      state: 'healthy',
      account: 'ada@demo.test',
      lifetimeSec: 60,
      endpoints: { issuer: server.issuer, token: `${server.issuer}/token` },
    });
    expect(await fakeBrowser.alarms.get('refresh')).toBeDefined();
  });

  it('stores the rotated refresh token so the next refresh uses it (no reuse at the server)', async () => {
    const first = await services.refresher.refresh(connectionId, 'manual');
    const second = await services.refresher.refresh(connectionId, 'manual');

    const secrets = await services.refresher.readSecrets(connectionId);
    expect(first.ok && second.ok).toBe(true);
    expect(server.records.refreshSuccesses).toBe(2);
    expect(server.records.refreshTokenReuse).toBe(0);
    expect(secrets?.refreshToken).toBe(lastIssued('refresh_token'));
    expect(secrets?.accessToken).toBe(lastIssued('access_token'));
  });

  it('sends one token request for ten concurrent refreshes', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => services.refresher.refresh(connectionId, 'manual')),
    );

    expect(server.records.tokenRequests['refresh_token']).toBe(1);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(server.records.refreshTokenReuse).toBe(0);
  });

  it('retries quickly after a 503 with the same refresh token still working', async () => {
    server.setFault({ kind: 'status', status: 503, times: 1 });

    const outcome = await services.refresher.refresh(connectionId, 'manual');

    const history = await queryHistory(services.db, { connectionId, limit: 10 });
    expect(outcome).toMatchObject({ ok: true, refreshed: true });
    expect(server.records.tokenRequests['refresh_token']).toBe(2);
    expect(server.records.refreshTokenReuse).toBe(0);
    expect(history.events.map((event) => event.kind)).toEqual(
      expect.arrayContaining(['refresh-failed', 'retry-scheduled', 'refreshed', 'recovered']),
    );
  });

  it('marks needs-reconnect when the grant was revoked at the provider', async () => {
    const secrets = await services.refresher.readSecrets(connectionId);
    const connection = (await services.snapshot()).connections[0]!;
    await revokeToken(
      { endpoints: connection.endpoints, clientId: DEMO_CLIENT_ID },
      secrets!.refreshToken!,
    );

    const outcome = await services.refresher.refresh(connectionId, 'manual');

    expect(outcome).toMatchObject({
      ok: false,
      state: 'needs-reconnect',
      error: { code: 'invalid_grant' },
    });
    expect((await services.snapshot()).connections[0]?.nextRefreshAt).toBeNull();
  });

  it('disconnects by revoking at the provider and deleting the tokens', async () => {
    const outcome = await services.lifecycle.disconnect(connectionId);

    expect(outcome.ok).toBe(true);
    expect(server.records.revocations).toEqual([
      expect.objectContaining({ status: 200, tokenKind: 'RefreshToken' }),
    ]);
    expect(await services.refresher.readSecrets(connectionId)).toBeUndefined();
    expect((await services.snapshot()).connections[0]?.state).toBe('new');
  });

  it('answers getAccessToken with a token valid long enough, refreshing only when needed', async () => {
    const handlers = createHandlers(services);

    const cached = await handlers.getAccessToken({ connectionId, minValiditySeconds: 20 });
    // More than a refresh of this 60 s token could give: capped at half its lifetime, so no request.
    const greedy = await handlers.getAccessToken({ connectionId, minValiditySeconds: 120 });
    const requestsAfterCached = server.records.tokenRequests['refresh_token'] ?? 0;
    await services.db.put('connections', {
      ...(await services.db.get('connections', connectionId))!,
      expiresAt: Date.now() + 10_000,
      updatedAt: Date.now() - 60_000,
    });
    const needed = await handlers.getAccessToken({ connectionId, minValiditySeconds: 20 });

    expect(cached).toMatchObject({ ok: true, value: { accessToken: expect.any(String) } });
    expect(greedy).toEqual(cached);
    expect(requestsAfterCached).toBe(0);
    expect(needed).toMatchObject({ ok: true, value: { accessToken: lastIssued('access_token') } });
    expect(server.records.tokenRequests['refresh_token']).toBe(1);
    expect(JSON.stringify(needed)).not.toContain(lastIssued('refresh_token')!);
    await expect(handlers.getAccessToken({ connectionId, minValiditySeconds: -1 })).rejects.toThrow(
      /^Invalid request/,
    );
  });

  it('keeps no issued token in clear anywhere in IndexedDB', async () => {
    await services.refresher.refresh(connectionId, 'manual');

    const raw = await Promise.all(
      (['connections', 'secrets', 'history', 'settings'] as const).map((store) =>
        services.db.getAll(store),
      ),
    );
    const dump = JSON.stringify(raw, (_key, value: unknown) =>
      value instanceof ArrayBuffer || ArrayBuffer.isView(value)
        ? Buffer.from(value instanceof ArrayBuffer ? value : value.buffer).toString('latin1')
        : value,
    );
    const leaked = server.tokenValues().filter((token) => dump.includes(token));
    expect(server.tokenValues().length).toBeGreaterThan(0);
    expect(leaked).toEqual([]);
  });
});
