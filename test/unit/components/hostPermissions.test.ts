import { describe, expect, it, vi } from 'vitest';
import './catalog';
import { ensureOrigins, missingOrigins } from '@/entrypoints/options/hostPermissions';
import { originPatterns, unneededOrigins } from '@/utils/host-origins';

describe('originPatterns', () => {
  it.each([
    { input: [], expected: [] },
    { input: ['https://auth.example.com/oauth2/token'], expected: ['https://auth.example.com/*'] },
    { input: ['https://auth.example.com:8443/token'], expected: ['https://auth.example.com/*'] },
    {
      input: ['https://a.test/auth', 'https://a.test/token', 'https://b.test/userinfo'],
      expected: ['https://a.test/*', 'https://b.test/*'],
    },
    { input: ['http://127.0.0.1:9555', 'https://localhost/token'], expected: [] },
    { input: ['http://insecure.test/token', 'not a url', '', undefined], expected: [] },
  ])('$input → $expected', ({ input, expected }) => {
    const actual = originPatterns(input);

    expect(actual).toEqual(expected);
  });
});

describe('ensureOrigins', () => {
  it('does not ask when only loopback is involved', async () => {
    const request = vi.fn(async () => true);

    const actual = await ensureOrigins(request, ['http://127.0.0.1:9555']);

    expect(actual).toEqual({ ok: true });
    expect(request).not.toHaveBeenCalled();
  });

  it('names the hosts when access is declined', async () => {
    const request = async () => false;

    const actual = await ensureOrigins(request, ['https://a.test/auth', 'https://b.test/token']);

    expect(actual).toEqual({
      ok: false,
      message:
        'Token Keeper needs permission to reach a.test and b.test to get and refresh tokens. Allow it when the browser asks.',
    });
  });
});

describe('missingOrigins', () => {
  it('lists the declared patterns the browser has not granted, in manifest order', async () => {
    const granted = new Set(['http://localhost/*']);
    const contains = vi.fn(async (origins: string[]) => origins.every((o) => granted.has(o)));

    const actual = await missingOrigins(
      ['http://127.0.0.1/*', 'http://localhost/*', 'https://auth.atlassian.com/*'],
      contains,
    );

    expect(actual).toEqual(['http://127.0.0.1/*', 'https://auth.atlassian.com/*']);
    expect(contains).toHaveBeenCalledTimes(3);
  });
});

describe('unneededOrigins', () => {
  const provider = (host: string) => ({
    authorization: `https://${host}/auth`,
    token: `https://${host}/token`,
  });

  it('gives back what only the removed connection used, never a required or still-used origin', () => {
    const removed = {
      ...provider('idp.example.com'),
      revocation: 'https://revoke.example.com/r',
      userinfo: 'https://auth.atlassian.com/u',
    };

    const actual = unneededOrigins(
      removed,
      [
        provider('other.example.com'),
        { ...provider('x.test'), revocation: 'https://revoke.example.com/r' },
      ],
      ['https://auth.atlassian.com/*'],
    );

    expect(actual).toEqual(['https://idp.example.com/*']);
  });
});
