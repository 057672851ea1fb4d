import { describe, expect, it } from 'vitest';
import { NO_POLICY, parsePolicy } from '@/utils/managed/policy';

const CALLER = 'abcdefghijklmnopabcdefghijklmnop';

const jira = {
  id: 'jira',
  label: 'Jira (Acme)',
  provider: 'jira',
  clientId: 'acme-client',
  clientSecret: 'acme-secret-value-1234',
};
const custom = {
  id: 'idp',
  label: 'Acme IdP',
  provider: 'custom',
  clientId: 'tk',
  issuer: 'https://idp.acme.test',
  scopes: ['openid', 'offline_access'],
};

describe('parsePolicy', () => {
  it('is no policy when storage.managed is empty or absent', () => {
    expect(parsePolicy(undefined)).toBe(NO_POLICY);
    expect(parsePolicy({})).toBe(NO_POLICY);
  });

  it('reads a complete policy', () => {
    const input = {
      connections: [jira, custom],
      settings: { refreshLeadMin: 5, enabled: true },
      allowedExtensions: { jira: [CALLER] },
      allowUserConnections: false,
      requireLock: true,
    };

    const actual = parsePolicy(input);

    expect(actual.problems).toEqual([]);
    expect(actual.present).toBe(true);
    expect(actual.connections.map((c) => c.policyId)).toEqual(['jira', 'idp']);
    expect(actual.connections[0]!.input).toMatchObject({
      provider: 'jira',
      clientId: 'acme-client',
      clientSecret: 'acme-secret-value-1234',
      scopes: [],
    });
    expect(actual.settings).toEqual({ refreshLeadMin: 5, enabled: true });
    expect(actual.allowedExtensions.get('jira')).toEqual([CALLER]);
    expect(actual.allowUserConnections).toBe(false);
    expect(actual.requireLock).toBe(true);
  });

  it('reports a bad entry with its reason and keeps the good ones', () => {
    const input = {
      connections: [
        jira,
        { ...jira, id: 'nosecret', clientSecret: undefined },
        { ...custom, id: 'plain', issuer: 'http://idp.acme.test' },
        { ...custom, id: 'neither', issuer: undefined },
        { ...custom, id: 'typo', revocationEndpont: 'https://idp.acme.test/revoke' },
        { ...custom, id: 'bad id!' },
        { ...jira },
        'not an object',
      ],
    };

    const actual = parsePolicy(input);

    expect(actual.connections.map((c) => c.policyId)).toEqual(['jira']);
    expect(actual.heldIds).toEqual(['nosecret', 'plain', 'neither', 'typo']);
    expect(actual.problems).toEqual([
      {
        where: 'connections[1] "nosecret"',
        message:
          'clientSecret is missing: Jira Cloud needs the secret from the Atlassian developer console.',
        connectionId: 'managed:nosecret',
      },
      {
        where: 'connections[2] "plain"',
        message:
          'issuer must use https:// (plain http is allowed only for 127.0.0.1 and localhost).',
        connectionId: 'managed:plain',
      },
      {
        where: 'connections[3] "neither"',
        message: 'Give an issuer for discovery, or both authorizationEndpoint and tokenEndpoint.',
        connectionId: 'managed:neither',
      },
      {
        where: 'connections[4] "typo"',
        message: 'Unknown field "revocationEndpont".',
        connectionId: 'managed:typo',
      },
      { where: 'connections[5]', message: expect.stringMatching(/^The id must be 1 to 64/) },
      {
        where: 'connections[6] "jira"',
        message: 'Another connection above already uses this id.',
        connectionId: 'managed:jira',
      },
      { where: 'connections[7]', message: 'Each connection must be an object.' },
    ]);
  });

  it('names a missing field with the rule behind it', () => {
    const { clientSecret: _secret, ...noSecret } = jira;
    const { label: _label, ...noLabel } = custom;
    const input = { connections: [noSecret, noLabel] };

    const actual = parsePolicy(input);

    expect(actual.problems.map((p) => p.message)).toEqual([
      'clientSecret is missing: Jira Cloud needs the secret from the Atlassian developer console.',
      'label is missing: Give the connection a label.',
    ]);
  });

  it('never quotes a client secret in a problem', () => {
    const secret = 'x'.repeat(501);
    const input = { connections: [{ ...jira, clientSecret: secret }] };

    const actual = parsePolicy(input);

    expect(actual.problems).toHaveLength(1);
    expect(JSON.stringify(actual.problems)).not.toContain(secret);
  });

  it('fixes each valid setting and reports each invalid one', () => {
    const input = {
      settings: { refreshLeadMin: 5000, checkIntervalMin: 2, colour: 'red', enabled: 'yes' },
    };

    const actual = parsePolicy(input);

    expect(actual.settings).toEqual({ checkIntervalMin: 2 });
    expect(actual.problems.map((p) => p.where)).toEqual([
      'settings.refreshLeadMin',
      'settings.colour',
      'settings.enabled',
    ]);
    expect(actual.problems[0]!.message).toBe('Refresh before expiry must be at most 720 minutes.');
  });

  it('allows extensions only for managed connections, and only valid ids', () => {
    const input = {
      connections: [jira, { ...jira, id: 'broken', clientId: '' }],
      allowedExtensions: {
        jira: [CALLER, 'not-an-id', CALLER],
        broken: [CALLER],
        nobody: [CALLER],
      },
    };

    const actual = parsePolicy(input);

    expect([...actual.allowedExtensions]).toEqual([['jira', [CALLER]]]);
    expect(actual.problems.map((p) => p.where)).toEqual([
      'connections[1] "broken"',
      'allowedExtensions.jira[1]',
      'allowedExtensions.nobody',
    ]);
  });

  it('ignores a part of the wrong shape and unknown parts, and says so', () => {
    const input = {
      connections: { jira },
      allowUserConnections: 'no',
      requireLock: 1,
      extra: true,
      settings: { quickRetries: 1 },
    };

    const actual = parsePolicy(input);

    expect(actual.connections).toEqual([]);
    expect(actual.allowUserConnections).toBe(true);
    expect(actual.requireLock).toBe(false);
    expect(actual.settings).toEqual({ quickRetries: 1 });
    expect(actual.problems.map((p) => p.where).sort()).toEqual(
      ['allowUserConnections', 'connections', 'extra', 'requireLock'].sort(),
    );
  });

  it('reports a policy that is not an object', () => {
    const actual = parsePolicy(['x']);

    expect(actual.present).toBe(true);
    expect(actual.problems).toEqual([
      { where: 'policy', message: 'The policy must be an object.' },
    ]);
  });
});
