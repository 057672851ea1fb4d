import { describe, expect, it } from 'vitest';
import type { Connection } from '@/utils/model';
import {
  effectiveSettings,
  fixedSettingErrors,
  personSettingsAfter,
  planConnections,
  policySummary,
  sourceOf,
} from '@/utils/managed/merge';
import { managedConnectionId, parsePolicy } from '@/utils/managed/policy';
import { DEFAULT_SETTINGS } from '@/utils/settings';

const CALLER = 'abcdefghijklmnopabcdefghijklmnop';
const entry = {
  id: 'idp',
  label: 'Acme IdP',
  provider: 'custom',
  clientId: 'tk',
  clientSecret: 'shh',
  authorizationEndpoint: 'https://idp.acme.test/auth',
  tokenEndpoint: 'https://idp.acme.test/token',
  scopes: ['openid', 'offline_access'],
};

/** A stored connection as a previous policy (`entry` with `changes`) deployed it. */
function deployed(changes: Record<string, unknown> = {}, rest: Partial<Connection> = {}) {
  const spec = parsePolicy({ connections: [{ ...entry, ...changes }] }).connections[0]!;
  const connection: Connection = {
    id: managedConnectionId(spec.policyId),
    provider: 'custom',
    label: spec.input.label,
    clientId: spec.input.clientId,
    hasClientSecret: true,
    scopes: spec.input.scopes,
    endpoints: {
      authorization: 'https://idp.acme.test/auth',
      token: 'https://idp.acme.test/token',
    },
    managed: { policyId: spec.policyId, source: sourceOf(spec.input) },
    state: 'healthy',
    expiresAt: 1,
    lifetimeSec: 60,
    lastRefreshAt: 1,
    inFlightSince: null,
    failure: null,
    createdAt: 1,
    updatedAt: 1,
    ...rest,
  };
  return connection;
}

const personal: Connection = {
  ...deployed(),
  id: '2d3c6a36-0b36-4b6a-9d51-4f3a3c1f0f00',
  label: 'Mine',
  managed: undefined,
};

describe('planConnections', () => {
  it('creates what the policy lists and the person does not have yet', () => {
    const policy = parsePolicy({ connections: [entry] });

    const plan = planConnections(policy, [personal]);

    expect(plan.create.map((s) => s.policyId)).toEqual(['idp']);
    expect(plan).toMatchObject({ update: [], remove: [], allow: [], keep: [] });
  });

  it('leaves an unchanged managed connection alone, whatever the order of fields', () => {
    const { label, ...others } = entry;
    const policy = parsePolicy({ connections: [{ ...others, label }] });

    const plan = planConnections(policy, [deployed(), personal]);

    expect(plan).toMatchObject({ create: [], update: [], remove: [], allow: [] });
    expect(plan.keep.map((k) => k.connection.id)).toEqual(['managed:idp']);
  });

  it('asks for a reconnect when the client id, an endpoint or the scopes change', () => {
    for (const change of [
      { clientId: 'other' },
      { tokenEndpoint: 'https://idp.acme.test/token2' },
      { scopes: ['openid'] },
    ]) {
      const policy = parsePolicy({ connections: [{ ...entry, ...change }] });

      const plan = planConnections(policy, [deployed()]);

      expect(plan.update).toMatchObject([{ reconnect: true, resolve: true }]);
    }
  });

  it('does not ask a never-connected connection to reconnect', () => {
    const policy = parsePolicy({ connections: [{ ...entry, clientId: 'other' }] });

    const plan = planConnections(policy, [deployed({}, { state: 'new' })]);

    expect(plan.update).toMatchObject([{ reconnect: false, resolve: true }]);
  });

  it('renames, or changes revocation, without a reconnect', () => {
    const renamed = parsePolicy({ connections: [{ ...entry, label: 'New name' }] });
    const revocation = parsePolicy({
      connections: [{ ...entry, revocationEndpoint: 'https://idp.acme.test/revoke' }],
    });

    const [a, b] = [renamed, revocation].map((p) => planConnections(p, [deployed()]));

    expect(a!.update).toMatchObject([{ reconnect: false, resolve: false }]);
    expect(b!.update).toMatchObject([{ reconnect: false, resolve: true }]);
  });

  it('sees no change in a changed client secret (the secret is compared where it is sealed)', () => {
    const policy = parsePolicy({ connections: [{ ...entry, clientSecret: 'new' }] });

    const plan = planConnections(policy, [deployed()]);

    expect(plan.update).toEqual([]);
    expect(plan.keep).toHaveLength(1);
  });

  it('removes a managed connection the policy no longer lists, never a personal one', () => {
    const policy = parsePolicy({ connections: [] });

    const plan = planConnections(policy, [deployed(), personal]);

    expect(plan.remove.map((c) => c.id)).toEqual(['managed:idp']);
  });

  it('keeps a managed connection whose entry became invalid', () => {
    const policy = parsePolicy({ connections: [{ ...entry, tokenEndpoint: 'ftp://x' }] });

    const plan = planConnections(policy, [deployed()]);

    expect(policy.heldIds).toEqual(['idp']);
    expect(plan).toMatchObject({ create: [], update: [], remove: [] });
  });

  it('never takes over a personal connection that has the same id', () => {
    const policy = parsePolicy({ connections: [entry] });
    const clash = { ...personal, id: 'managed:idp' };

    const plan = planConnections(policy, [clash]);

    expect(plan).toMatchObject({ create: [], update: [], remove: [], keep: [] });
  });

  it('sets the allow-list of other extensions to the policy’s', () => {
    const granted = parsePolicy({ connections: [entry], allowedExtensions: { idp: [CALLER] } });
    const none = parsePolicy({ connections: [entry] });

    const a = planConnections(granted, [deployed()]);
    const b = planConnections(none, [deployed({}, { allowedExtensions: [CALLER] })]);

    expect(a.allow).toMatchObject([{ allowed: [CALLER] }]);
    expect(b.allow).toMatchObject([{ allowed: [] }]);
  });
});

describe('settings under a policy', () => {
  const policy = parsePolicy({ settings: { checkIntervalMin: 2 } });
  const person = { ...DEFAULT_SETTINGS, checkIntervalMin: 30, quickRetries: 1 };

  it('puts the fixed ones over the person’s', () => {
    expect(effectiveSettings(person, policy)).toEqual({
      ...DEFAULT_SETTINGS,
      checkIntervalMin: 2,
      quickRetries: 1,
    });
  });

  it('refuses a change to a fixed setting, accepts it sent unchanged', () => {
    expect(fixedSettingErrors({ checkIntervalMin: 3, quickRetries: 2 }, policy)).toEqual([
      {
        field: 'checkIntervalMin',
        message: 'Managed by your organisation: this setting cannot be changed here.',
      },
    ]);
    expect(fixedSettingErrors({ checkIntervalMin: 2, quickRetries: 2 }, policy)).toEqual([]);
  });

  it('keeps the person’s own value of a fixed setting underneath', () => {
    const saved = { ...DEFAULT_SETTINGS, checkIntervalMin: 2, quickRetries: 2 };

    const actual = personSettingsAfter(saved, person, policy);

    expect(actual).toEqual({ ...DEFAULT_SETTINGS, checkIntervalMin: 30, quickRetries: 2 });
  });
});

describe('policySummary', () => {
  it('is absent without a policy and lists what pages need with one', () => {
    const policy = parsePolicy({
      settings: { enabled: true, quickRetries: 99 },
      allowUserConnections: false,
      requireLock: true,
    });

    expect(policySummary(parsePolicy(undefined))).toBeUndefined();
    expect(policySummary(policy)).toEqual({
      fixedSettings: ['enabled'],
      allowUserConnections: false,
      requireLock: true,
      problems: [{ where: 'settings.quickRetries', message: 'Quick retries must be at most 5.' }],
    });
  });
});
