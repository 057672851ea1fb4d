import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { EVENTS_PORT } from '@/client/token-keeper-client';
import { createHandlers } from '@/utils/background/handlers';
import type { Services } from '@/utils/background/services';
import { SWEEP_ALARM } from '@/utils/engine/scheduler';
import type { HistoryEvent } from '@/utils/model';
import { DEFAULT_SETTINGS } from '@/utils/settings';
import { getConnection } from '@/utils/store/connections';
import {
  markConnected,
  offlineServices,
  recordingRevocations,
} from '../../support/offline-services';

const CALLER = 'abcdefghijklmnopabcdefghijklmnop';
const SECRET = 'policy-client-secret-value';
const entry = {
  id: 'idp',
  label: 'Acme IdP',
  provider: 'custom',
  clientId: 'tk',
  clientSecret: SECRET,
  authorizationEndpoint: 'https://idp.acme.test/auth',
  tokenEndpoint: 'https://idp.acme.test/token',
  revocationEndpoint: 'https://idp.acme.test/revoke',
  scopes: ['openid', 'offline_access'],
};
const ID = 'managed:idp';
/** A connection the person adds of their own, beside the organisation's. */
const OWN = {
  provider: 'custom',
  label: 'Mine',
  clientId: 'x',
  scopes: [],
  authorizationEndpoint: 'https://as.test/a',
  tokenEndpoint: 'https://as.test/t',
};

/** The real services reading a policy the test can change, as Chrome's storage.managed would. */
async function managedServices(initial: unknown) {
  let policy = initial;
  const { sent: revoked, requestOptions } = recordingRevocations();
  const services = await offlineServices({
    readPolicy: async () => policy,
    requestOptions,
    lockIterations: 1_000,
  });
  // As entrypoints/background.ts does on every worker start.
  await services.scheduler.reconcile();
  await services.applyPolicy();
  const set = async (next: unknown) => {
    policy = next;
    await services.applyPolicy();
  };
  return { services, handlers: createHandlers(services), set, revoked };
}

async function events(services: Services): Promise<HistoryEvent[]> {
  return services.db.getAll('history');
}

describe('applying the organisation’s policy', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('adds a managed connection ready for Connect, its secret sealed, its allow-list fixed', async () => {
    const input = { connections: [entry], allowedExtensions: { idp: [CALLER] } };

    const { services } = await managedServices(input);

    const stored = await getConnection(services.db, ID);
    const secrets = await services.refresher.secrets.read(ID);
    const snapshot = await services.snapshot();
    expect(stored).toMatchObject({
      state: 'new',
      label: 'Acme IdP',
      clientId: 'tk',
      hasClientSecret: true,
      allowedExtensions: [CALLER],
      endpoints: { revocation: 'https://idp.acme.test/revoke' },
      managed: { policyId: 'idp', source: { clientId: 'tk' } },
    });
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(secrets).toMatchObject({ ok: true, record: { clientSecret: SECRET } });
    expect(snapshot.connections).toMatchObject([{ id: ID, managed: true }]);
    expect(JSON.stringify(snapshot)).not.toContain(SECRET);
    expect((await events(services)).map((e) => [e.kind, e.caller])).toEqual([
      ['policy-added', undefined],
      ['access-granted', CALLER],
    ]);
  });

  it('refuses, in the worker, to remove a managed connection or change its allow-list', async () => {
    const { services, handlers } = await managedServices({ connections: [entry] });

    const removed = await handlers.removeConnection({ connectionId: ID });
    const allowed = await handlers.setExternalAccess({ connectionId: ID, allowed: [CALLER] });

    expect(removed).toMatchObject({ ok: false, error: { code: 'managed' } });
    expect(allowed).toMatchObject({ ok: false, error: { code: 'managed' } });
    expect((await getConnection(services.db, ID))?.allowedExtensions).toBeUndefined();
  });

  it('honours the policy’s allow-list for requests and events, and its removal ends them', async () => {
    const { services, set } = await managedServices({
      connections: [entry],
      allowedExtensions: { idp: [CALLER] },
    });
    const received: unknown[] = [];
    let open = true;
    await services.push.attach({
      name: EVENTS_PORT,
      sender: { id: CALLER },
      postMessage: (event) => void received.push(event),
      disconnect: () => void (open = false),
      onDisconnect: { addListener: () => undefined },
    });

    const asked = await services.access.answerExternal(
      { type: 'requestAccess', name: 'Helper', reason: 'Work', connectionId: ID },
      CALLER,
    );
    await set({ connections: [entry] });
    await services.push.check();

    expect(asked).toMatchObject({
      ok: true,
      status: 'allowed',
      connections: [{ connectionId: ID }],
    });
    expect(received).toEqual([
      { type: 'ready', connections: [expect.objectContaining({ connectionId: ID })] },
      { type: 'accessRemoved', connectionId: ID },
      { type: 'notAllowed' },
    ]);
    expect(open).toBe(false);
  });

  it('lets the person disconnect a managed connection: the tokens are theirs', async () => {
    const { services, handlers } = await managedServices({ connections: [entry] });
    await markConnected(services, ID);

    const actual = await handlers.disconnect({ connectionId: ID });

    expect(actual).toEqual({ ok: true, value: undefined });
    expect(await getConnection(services.db, ID)).toMatchObject({ state: 'new' });
  });

  it('requires a passphrase before Connect or a hand-out, and keeps it on (requireLock)', async () => {
    const { services, handlers, set } = await managedServices({
      requireLock: true,
      connections: [entry],
    });
    await markConnected(services, ID);
    const passphrase = 'correct horse battery';

    const connect = await handlers.connect({ connectionId: ID });
    const before = await handlers.getAccessToken({ connectionId: ID });
    await handlers.turnOnLock({ passphrase });
    const after = await handlers.getAccessToken({ connectionId: ID });
    const kept = await handlers.removeLock({ passphrase });
    await set({ connections: [entry] });
    const removed = await handlers.removeLock({ passphrase });

    expect(connect).toMatchObject({ ok: false, error: { code: 'lock_required' } });
    expect(before).toMatchObject({ ok: false, error: { code: 'lock_required' } });
    expect(after).toMatchObject({ ok: true, value: { accessToken: 'at-1' } });
    expect(kept).toMatchObject({ ok: false, error: { code: 'lock_required' } });
    expect(removed).toMatchObject({ ok: true, value: { mode: 'off' } });
  });

  it('refuses to add a connection of the person’s own when the policy turns that off', async () => {
    const { services, handlers, set } = await managedServices({ allowUserConnections: false });

    const refused = await handlers.addConnection(OWN);
    await set({ allowUserConnections: true });
    const accepted = await handlers.addConnection(OWN);

    expect(refused).toMatchObject({ ok: false, error: { code: 'managed' } });
    expect(accepted).toMatchObject({ ok: true });
    expect((await services.snapshot()).connections).toHaveLength(1);
  });

  it('refuses to import set-ups of the person’s own when the policy turns that off', async () => {
    const { services, handlers, set } = await managedServices({ allowUserConnections: false });
    const text = JSON.stringify({ connections: [{ id: 'mine', ...OWN }] });

    const refused = await handlers.importSetups({ text });
    await set({ allowUserConnections: true });
    const accepted = await handlers.importSetups({ text });

    expect(refused).toMatchObject({ ok: false, error: { code: 'managed' } });
    expect(accepted).toMatchObject({ ok: true, value: { added: [{ label: 'Mine' }] } });
    expect((await services.snapshot()).connections.map((c) => c.label)).toEqual(['Mine']);
  });

  it('puts fixed settings in force, refuses changing them, keeps the person’s own underneath', async () => {
    const { services, handlers, set } = await managedServices({
      settings: { checkIntervalMin: 2 },
    });

    const inForce = await handlers.getSettings(undefined);
    const alarm = await fakeBrowser.alarms.get(SWEEP_ALARM);
    const refused = await handlers.saveSettings({ checkIntervalMin: 7 });
    const saved = await handlers.saveSettings({ ...inForce, quickRetries: 1 });
    await set({});
    const released = await handlers.getSettings(undefined);
    const alarmAfter = await fakeBrowser.alarms.get(SWEEP_ALARM);

    expect(inForce.checkIntervalMin).toBe(2);
    expect(alarm?.periodInMinutes).toBe(2);
    expect(refused).toMatchObject({ ok: false, errors: [{ field: 'checkIntervalMin' }] });
    expect(saved).toMatchObject({ ok: true, settings: { checkIntervalMin: 2, quickRetries: 1 } });
    expect(released).toEqual({ ...DEFAULT_SETTINGS, quickRetries: 1 });
    expect(alarmAfter?.periodInMinutes).toBe(DEFAULT_SETTINGS.checkIntervalMin);
    expect((await services.snapshot()).policy).toBeUndefined();
  });

  it('summarises the policy for the pages: fixed settings, add allowed, the lock, problems', async () => {
    const { services } = await managedServices({
      connections: [entry, { ...entry, id: 'broken', provider: 'jira', clientSecret: '' }],
      settings: { enabled: true },
      allowUserConnections: false,
      requireLock: true,
    });

    const snapshot = await services.snapshot();

    expect(snapshot.policy).toEqual({
      fixedSettings: ['enabled'],
      allowUserConnections: false,
      requireLock: true,
      problems: [
        {
          where: 'connections[1] "broken"',
          message: expect.stringMatching(/^clientSecret: Jira Cloud needs the secret/),
          connectionId: 'managed:broken',
        },
      ],
    });
    expect(snapshot.connections.map((c) => c.id)).toEqual([ID]);
  });

  it('records an invalid entry in the history once, however often the policy is applied', async () => {
    const input = { connections: [entry, { ...entry, id: 'broken', tokenEndpoint: 'ftp://x' }] };
    const { services } = await managedServices(input);

    await services.applyPolicy();
    await services.applyPolicy();

    const problems = (await events(services)).filter((e) => e.kind === 'policy-invalid');
    expect(problems).toMatchObject([
      {
        connectionId: 'managed:broken',
        ok: false,
        error: { code: 'invalid_policy', message: expect.stringMatching(/tokenEndpoint must use/) },
      },
    ]);
  });

  it('asks for a reconnect when the client id changes, revoking the old grant', async () => {
    const { services, set, revoked } = await managedServices({ connections: [entry] });
    await markConnected(services, ID);

    await set({ connections: [{ ...entry, clientId: 'tk2' }] });

    const stored = await getConnection(services.db, ID);
    const secrets = await services.refresher.secrets.read(ID);
    expect(stored).toMatchObject({
      clientId: 'tk2',
      state: 'needs-reconnect',
      expiresAt: null,
      failure: { kind: 'permanent', lastError: { code: 'policy_changed' } },
    });
    expect(stored?.nextRefreshAt).toBeUndefined();
    expect(secrets).toEqual({ ok: true, record: { connectionId: ID, clientSecret: SECRET } });
    expect(revoked).toEqual([expect.stringMatching(/^https:\/\/idp\.acme\.test\/revoke .*rt-1/)]);
    expect((await events(services)).map((e) => e.kind).slice(-2)).toEqual([
      'policy-changed',
      'needs-reconnect',
    ]);
  });

  it('renames without a reconnect', async () => {
    const { services, set } = await managedServices({ connections: [entry] });
    const before = await markConnected(services, ID);

    await set({ connections: [{ ...entry, label: 'Acme SSO' }] });

    expect(await getConnection(services.db, ID)).toMatchObject({
      label: 'Acme SSO',
      state: 'healthy',
      nextRefreshAt: before.nextRefreshAt,
    });
  });

  it('uses a changed client secret from the next refresh, keeping the tokens', async () => {
    const { services, set } = await managedServices({ connections: [entry] });
    await markConnected(services, ID);

    await set({ connections: [{ ...entry, clientSecret: 'rotated-secret' }] });

    expect(await services.refresher.secrets.read(ID)).toEqual({
      ok: true,
      record: {
        connectionId: ID,
        accessToken: 'at-1',
        refreshToken: 'rt-1',
        clientSecret: 'rotated-secret',
      },
    });
    expect(await getConnection(services.db, ID)).toMatchObject({ state: 'healthy' });
    const changed = (await events(services)).filter((e) => e.kind === 'policy-changed');
    expect(changed).toHaveLength(1);
    expect(JSON.stringify(await events(services))).not.toMatch(/rotated-secret|policy-client/);
  });

  it('disconnects, revokes and removes a connection the policy drops, and says so', async () => {
    const { services, set, revoked } = await managedServices({ connections: [entry] });
    await markConnected(services, ID);

    await set({ connections: [] });

    expect(await getConnection(services.db, ID)).toBeUndefined();
    expect(await services.refresher.secrets.read(ID)).toEqual({ ok: true, record: undefined });
    expect(revoked).toHaveLength(1);
    expect((await events(services)).map((e) => e.kind).slice(-2)).toEqual([
      'disconnected',
      'policy-removed',
    ]);
  });

  it('keeps a connection whose entry became invalid, and never touches the person’s own', async () => {
    const { services, handlers, set } = await managedServices({ connections: [entry] });
    await handlers.addConnection(OWN);

    await set({ connections: [{ ...entry, tokenEndpoint: 'http://idp.acme.test/token' }] });
    const afterTypo = (await services.snapshot()).connections.map((c) => c.label).sort();
    await set({});
    const afterNone = (await services.snapshot()).connections.map((c) => c.label);

    expect(afterTypo).toEqual(['Acme IdP', 'Mine']);
    expect(afterNone).toEqual(['Mine']);
  });

  it('brings the managed connections back after Remove all data', async () => {
    const { services } = await managedServices({ connections: [entry] });
    await markConnected(services, ID);

    await services.wipe();

    expect(await getConnection(services.db, ID)).toMatchObject({ state: 'new', label: 'Acme IdP' });
  });
});
