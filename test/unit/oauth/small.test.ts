import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFETIME_SEC, resolveLifetime } from '@/utils/oauth/lifetime';
import { isLoopback } from '@/utils/host-origins';
import { assertSecureUrl } from '@/utils/oauth/loopback';
import { redact } from '@/utils/oauth/redact';

describe('resolveLifetime', () => {
  it.each([
    { input: 3600, expected: { lifetimeSec: 3600, assumed: false } },
    { input: '120', expected: { lifetimeSec: 120, assumed: false } },
    { input: undefined, expected: { lifetimeSec: DEFAULT_LIFETIME_SEC, assumed: true } },
    { input: 0, expected: { lifetimeSec: DEFAULT_LIFETIME_SEC, assumed: true } },
    { input: -5, expected: { lifetimeSec: DEFAULT_LIFETIME_SEC, assumed: true } },
    { input: 10 ** 12, expected: { lifetimeSec: DEFAULT_LIFETIME_SEC, assumed: true } },
    { input: 'soon', expected: { lifetimeSec: DEFAULT_LIFETIME_SEC, assumed: true } },
  ])('expires_in $input gives $expected.lifetimeSec s', ({ input, expected }) => {
    expect(resolveLifetime(input)).toEqual(expected);
  });
});

describe('loopback rules', () => {
  it('allows http only for loopback hosts', () => {
    expect(isLoopback('http://127.0.0.1:9000/token')).toBe(true);
    expect(isLoopback('http://localhost/token')).toBe(true);
    expect(isLoopback('http://example.com/token')).toBe(false);
    expect(assertSecureUrl('http://127.0.0.1:1/x', 'Token endpoint').host).toBe('127.0.0.1:1');
    expect(() => assertSecureUrl('http://example.com/x', 'Token endpoint')).toThrow(
      'Token endpoint must use https:// (plain http is allowed only for 127.0.0.1 and localhost).',
    );
    expect(() => assertSecureUrl('not a url', 'Issuer URL')).toThrow(
      'Issuer URL is not a valid URL: "not a url".',
    );
  });
});

describe('redact', () => {
  it('removes credential parameters and long random runs but keeps ordinary text', () => {
    const input =
      'failed: refresh_token=abc.def&x=1 token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0 at /.well-known/openid-configuration';

    const actual = redact(input);

    expect(actual).toBe(
      'failed: refresh_token=[redacted]&x=1 token [redacted] at /.well-known/openid-configuration',
    );
  });

  it.each([
    { name: 'a dotted token of short parts', input: 'bad a1b2c3.d4e5f6.g7h8i9j0 here' },
    { name: 'a ~-delimited token', input: 'bad 9f8e7d~6c5b4a~39281706 here' },
    { name: 'base64url with - and _', input: 'bad Ab3-_x9Kq2-Zp0_Lm8Nw here' },
    {
      name: 'a long mixed-case blob without digits',
      input: 'bad QwErTyUiOpAsDfGhJkLzXcVbNmQwErTy here',
    },
  ])('redacts $name', ({ input }) => {
    expect(redact(input)).toBe('bad [redacted] here');
  });

  it('keeps words, paths and host names that hold no secret', () => {
    const input =
      'Could not reach https://auth.atlassian.com/oauth/token (WWWAuthenticateChallengeError) at /.well-known/oauth-authorization-server';

    expect(redact(input)).toBe(input);
  });
});
