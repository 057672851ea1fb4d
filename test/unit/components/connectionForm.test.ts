import { describe, expect, it } from 'vitest';
import {
  connectionFormFromQuery,
  EMPTY_CONNECTION_FORM,
  toNewConnectionInput,
} from '@/entrypoints/options/connectionForm';

describe('connectionFormFromQuery', () => {
  it('prefills the demo provider from the query string', () => {
    const input =
      '?label=Demo&issuer=http%3A%2F%2F127.0.0.1%3A9555&clientId=token-keeper-demo&scopes=openid%20offline_access';

    const actual = connectionFormFromQuery(input);

    expect(actual).toEqual({
      ...EMPTY_CONNECTION_FORM,
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
      mode: 'manual',
      authorizationEndpoint: 'https://a.test/auth',
      tokenEndpoint: 'https://a.test/token',
    });
  });

  it('ignores keys it does not know, including a client secret', () => {
    const input = '?clientSecret=s3cret&foo=bar';

    const actual = connectionFormFromQuery(input);

    expect(actual).toEqual(EMPTY_CONNECTION_FORM);
  });
});

describe('toNewConnectionInput', () => {
  it('trims fields, splits scopes and sends only the issuer in discovery mode', () => {
    const input = {
      ...EMPTY_CONNECTION_FORM,
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

  it('sends only the endpoints in manual mode, and the secret as typed', () => {
    const input = {
      ...EMPTY_CONNECTION_FORM,
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
});
