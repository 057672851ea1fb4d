import * as oauth from 'oauth4webapi';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers } from '@/utils/background/handlers';
import type { Services } from '@/utils/background/services';
import { EDIT_RECONNECT, MANAGED_REFUSAL } from '@/utils/engine/lifecycle';
import type { Connection } from '@/utils/model';
import type { RefreshGrant } from '@/utils/engine/refresher';
import { getConnection } from '@/utils/store/connections';
import {
  markConnected,
  offlineServices,
  recordingRevocations,
} from '../../support/offline-services';

const RIGHT = 'the-right-client-secret';
const WRONG = 'a-wrong-client-secret';

/** What a provider answers a refresh with the wrong client secret. */
function invalidClient(): oauth.ResponseBodyError {
  const body = { error: 'invalid_client', error_description: 'client authentication failed' };
  return new oauth.ResponseBodyError('server responded with an error in the response body', {
    cause: body,
    response: new Response(JSON.stringify(body), { status: 401 }),
  });
}

/** A token endpoint that accepts the right client secret only, and rotates refresh tokens. */
function checkingGrant() {
  const seen: (string | undefined)[] = [];
  let serial = 1;
  const grant: RefreshGrant = async (target, refreshToken) => {
    seen.push(target.clientSecret);
    if (target.clientSecret !== RIGHT) throw invalidClient();
    if (refreshToken !== `rt-${serial}`) throw new Error(`stale refresh token ${refreshToken}`);
    serial += 1;
    return {
      accessToken: `at-${serial}`,
      refreshToken: `rt-${serial}`,
      lifetime: { lifetimeSec: 3600, assumed: false },
    };
  };
  return { grant, seen };
}

async function setup(policy?: unknown) {
  const { sent: revoked, requestOptions } = recordingRevocations();
  const checking = checkingGrant();
  const services = await offlineServices({
    grant: checking.grant,
    ...(policy ? { readPolicy: async () => policy } : {}),
    requestOptions,
  });
  if (policy) await services.applyPolicy();
  return { services, handlers: createHandlers(services), revoked, seen: checking.seen };
}

/** Adds a custom connection by hand-typed endpoints (no network) and makes it look connected. */
async function addConnected(services: Services, secret: string): Promise<Connection> {
  const added = await createHandlers(services).addConnection({
    provider: 'custom',
    label: 'Work',
    clientId: 'cid',
    clientSecret: secret,
    authorizationEndpoint: 'https://as.test/auth',
    tokenEndpoint: 'https://as.test/token',
    revocationEndpoint: 'https://as.test/revoke',
    scopes: ['openid', 'offline_access'],
  });
  if (!added.ok) throw new Error(added.error.message);
  const connected = await markConnected(services, added.value.id);
  await services.db.add('history', {
    connectionId: connected.id,
    at: services.clock.now(),
    kind: 'connected',
    ok: true,
  });
  return connected;
}

describe('editing a connection', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('renames without touching the grant, and records the edit', async () => {
    const { services, handlers } = await setup();
    const before = await addConnected(services, RIGHT);

    const result = await handlers.editConnection({
      connectionId: before.id,
      changes: { label: 'Work Jira' },
    });

    const after = (await getConnection(services.db, before.id))!;
    const secrets = await services.refresher.secrets.read(before.id);
    expect(result).toMatchObject({ ok: true, value: { reconnect: false } });
    expect([after.label, after.state, after.expiresAt]).toEqual([
      'Work Jira',
      'healthy',
      before.expiresAt,
    ]);
    expect(secrets.ok && secrets.record?.refreshToken).toBe('rt-1');
    expect((await services.db.getAll('history')).map((e) => e.kind)).toEqual([
      'connected',
      'edited',
    ]);
  });

  it('fixes a wrong client secret: retried at once, healthy again, same grant, history kept', async () => {
    const { services, handlers, seen } = await setup();
    const before = await addConnected(services, WRONG);
    const failed = await services.refresher.refresh(before.id, 'manual');
    const stuck = (await getConnection(services.db, before.id))!;

    const result = await handlers.editConnection({
      connectionId: before.id,
      changes: { clientSecret: RIGHT },
    });

    const after = (await getConnection(services.db, before.id))!;
    const secrets = await services.refresher.secrets.read(before.id);
    expect(failed).toMatchObject({ ok: false, error: { code: 'invalid_client' } });
    expect([stuck.state, stuck.failure?.kind]).toEqual(['needs-reconnect', 'configuration']);
    expect(result).toMatchObject({
      ok: true,
      value: { reconnect: false, retried: { ok: true, refreshed: true } },
    });
    expect([after.state, after.failure]).toEqual(['healthy', null]);
    expect(seen).toEqual([WRONG, RIGHT]);
    expect(secrets.ok && secrets.record).toMatchObject({
      clientSecret: RIGHT,
      refreshToken: 'rt-2',
      accessToken: 'at-2',
    });
    expect((await services.db.getAll('history')).map((e) => e.kind)).toEqual([
      'connected',
      'refresh-failed',
      'needs-reconnect',
      'edited',
      'refreshed',
      'recovered',
    ]);
    expect(JSON.stringify(await services.db.getAll('history'))).not.toContain(RIGHT);
  });

  it('uses a new secret of a healthy connection from the next refresh, without reconnecting', async () => {
    const { services, handlers, seen } = await setup();
    const before = await addConnected(services, RIGHT);

    const result = await handlers.editConnection({
      connectionId: before.id,
      changes: { clientSecret: WRONG },
    });

    const after = (await getConnection(services.db, before.id))!;
    expect(result).toMatchObject({ ok: true, value: { reconnect: false } });
    expect(result.ok && result.value.retried).toBeUndefined();
    expect(seen).toEqual([]);
    expect([after.state, after.nextRefreshAt]).toEqual(['healthy', before.nextRefreshAt]);
  });

  it('leads to Reconnect when the scopes change: old grant revoked, tokens gone, secret and history kept', async () => {
    const { services, handlers, revoked } = await setup();
    const before = await addConnected(services, RIGHT);

    const result = await handlers.editConnection({
      connectionId: before.id,
      changes: { scopes: ['openid', 'offline_access', 'email'] },
    });

    const after = (await getConnection(services.db, before.id))!;
    const secrets = await services.refresher.secrets.read(before.id);
    expect(result).toMatchObject({ ok: true, value: { reconnect: true } });
    expect(after).toMatchObject({
      state: 'needs-reconnect',
      scopes: ['openid', 'offline_access', 'email'],
      expiresAt: null,
      failure: { kind: 'permanent', lastError: EDIT_RECONNECT },
    });
    expect(after.nextRefreshAt).toBeUndefined();
    expect(revoked).toEqual([expect.stringMatching(/^https:\/\/as\.test\/revoke .*token=rt-1/)]);
    expect(secrets.ok && secrets.record).toEqual({ connectionId: before.id, clientSecret: RIGHT });
    expect((await services.db.getAll('history')).map((e) => e.kind)).toEqual([
      'connected',
      'edited',
      'needs-reconnect',
    ]);
  });

  it('refuses a managed connection in the worker', async () => {
    const { services, handlers } = await setup({
      connections: [
        {
          id: 'idp',
          provider: 'custom',
          label: 'Acme',
          clientId: 'tk',
          authorizationEndpoint: 'https://idp.acme.test/auth',
          tokenEndpoint: 'https://idp.acme.test/token',
          scopes: ['openid'],
        },
      ],
    });

    const result = await handlers.editConnection({
      connectionId: 'managed:idp',
      changes: { label: 'Mine now' },
    });

    expect(result).toEqual({ ok: false, error: MANAGED_REFUSAL });
    expect((await getConnection(services.db, 'managed:idp'))?.label).toBe('Acme');
  });

  it('refuses unknown fields, and endpoints of a built-in provider', async () => {
    const { services, handlers } = await setup();
    const added = await handlers.addConnection({
      provider: 'jira',
      label: 'Jira',
      clientId: 'cid',
      clientSecret: RIGHT,
      scopes: [],
    });
    const id = added.ok ? added.value.id : '';

    const unknown = await handlers.editConnection({
      connectionId: id,
      changes: { state: 'healthy' },
    });
    const endpoints = await handlers.editConnection({
      connectionId: id,
      changes: { tokenEndpoint: 'https://evil.test/token' },
    });

    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(endpoints).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((await getConnection(services.db, id))?.endpoints.token).toBe(
      'https://auth.atlassian.com/oauth/token',
    );
  });
});
