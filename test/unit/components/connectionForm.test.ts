import { describe, expect, it } from 'vitest';
import {
  blankConnectionForm,
  connectionFormFromQuery,
  EMPTY_CONNECTION_FORM,
  toNewConnectionInput,
  urlsNeedingAccess,
} from '@/entrypoints/options/connectionForm';

describe('connectionFormFromQuery', () => {
  it('prefills the demo provider from the query string', () => {
    const input =
      '?label=Demo&issuer=http%3A%2F%2F127.0.0.1%3A9555&clientId=token-keeper-demo&scopes=openid%20offline_access';

    const actual = connectionFormFromQuery(input);

    expect(actual).toEqual({
      ...blankConnectionForm('custom'),
      label: 'Demo',
      issuer: 'http://127.0.0.1:9555',
      clientId: 'token-keeper-demo',
      scopes: 'openid offline_access',
    });
  });

  it('switches to hand-entered endpoints when only endpoints are given', () => {
    const input =
      '?authorizationEndpoint=https%3A%2F%2Fa.test%2Fauth&tokenEndpoint=https%3A%2F%2Fa.test%2Ftoken';

    const actual = connectionFormFromQuery(input);

    expect(actual).toMatchObject({
      provider: 'custom',
      mode: 'manual',
      authorizationEndpoint: 'https://a.test/auth',
      tokenEndpoint: 'https://a.test/token',
    });
  });

  it('ignores keys it does not know, including a client secret', () => {
    const input = '?clientSecret=s3cret&foo=bar&provider=github';

    const actual = connectionFormFromQuery(input);

    expect(actual).toEqual(EMPTY_CONNECTION_FORM);
  });

  it('starts with Jira Cloud, its name as label and its default scopes', () => {
    const actual = connectionFormFromQuery('');

    expect(actual).toMatchObject({
      provider: 'jira',
      label: 'Jira Cloud',
      scopes: 'read:jira-work read:jira-user offline_access',
    });
  });

  it('prefills a named provider with its defaults', () => {
    const actual = connectionFormFromQuery('?provider=google&clientId=cid');

    expect(actual).toEqual({ ...blankConnectionForm('google'), clientId: 'cid' });
    expect(actual.scopes).toBe('openid email');
  });
});

describe('toNewConnectionInput', () => {
  it('trims fields, splits scopes and sends only the issuer in discovery mode', () => {
    const input = {
      ...blankConnectionForm('custom'),
      label: '  Demo ',
      issuer: ' http://127.0.0.1:9555 ',
      authorizationEndpoint: 'https://stale.test/auth',
      clientId: ' token-keeper-demo',
      scopes: ' openid   offline_access profile ',
    };

    const actual = toNewConnectionInput(input);

    expect(actual).toEqual({
      provider: 'custom',
      label: 'Demo',
      issuer: 'http://127.0.0.1:9555',
      clientId: 'token-keeper-demo',
      scopes: ['openid', 'offline_access', 'profile'],
    });
  });

  it('sends promptConsent: false only when the person unticks the consent prompt', () => {
    const base = { ...blankConnectionForm('custom'), issuer: 'https://id.test', clientId: 'cid' };

    expect(toNewConnectionInput(base)).not.toHaveProperty('promptConsent');
    expect(toNewConnectionInput({ ...base, promptConsent: false })).toMatchObject({
      promptConsent: false,
    });
  });

  it('sends only the endpoints in manual mode, and the secret as typed', () => {
    const input = {
      ...blankConnectionForm('custom'),
      mode: 'manual' as const,
      label: 'Hand',
      issuer: 'https://stale.test',
      authorizationEndpoint: 'https://a.test/auth ',
      tokenEndpoint: ' https://a.test/token',
      clientId: 'cid',
      clientSecret: ' shh ',
      scopes: '',
    };

    const actual = toNewConnectionInput(input);

    expect(actual).toEqual({
      provider: 'custom',
      label: 'Hand',
      authorizationEndpoint: 'https://a.test/auth',
      tokenEndpoint: 'https://a.test/token',
      clientId: 'cid',
      clientSecret: ' shh ',
      scopes: [],
    });
  });

  it('sends a preset with its secret as typed (even empty, for the worker to explain) and no endpoints', () => {
    const input = {
      ...blankConnectionForm('jira'),
      issuer: 'https://stale.test',
      clientId: ' cid ',
      clientSecret: '',
    };

    const actual = toNewConnectionInput(input);

    expect(actual).toEqual({
      provider: 'jira',
      label: 'Jira Cloud',
      clientId: 'cid',
      clientSecret: '',
      scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
    });
  });

  it('sends Google testing mode only when ticked', () => {
    const base = { ...blankConnectionForm('google'), clientId: 'c', clientSecret: 's' };

    const ticked = toNewConnectionInput({ ...base, testingMode: true });
    const unticked = toNewConnectionInput(base);

    expect(ticked).toMatchObject({ provider: 'google', testingMode: true });
    expect(unticked).not.toHaveProperty('testingMode');
  });
});

describe('urlsNeedingAccess', () => {
  it.each([
    {
      input: {
        provider: 'custom' as const,
        label: 'C',
        clientId: 'c',
        scopes: [],
        issuer: 'https://a.test',
      },
      expected: ['https://a.test', undefined, undefined],
    },
    {
      input: {
        provider: 'jira' as const,
        label: 'J',
        clientId: 'c',
        clientSecret: 's',
        scopes: [],
      },
      expected: [],
    },
  ])('$input.provider → $expected', ({ input, expected }) => {
    const actual = urlsNeedingAccess(input);

    expect(actual).toEqual(expected);
  });
});
