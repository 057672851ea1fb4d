import { describe, expect, it } from 'vitest';
import { withFreshTokens } from '@/utils/engine/fresh-tokens';
import type { Connection } from '@/utils/model';
import { missingScopes } from '@/utils/oauth/scopes';

describe('missingScopes', () => {
  it.each([
    { name: 'no scope in the response: as requested', granted: undefined, expected: undefined },
    { name: 'all granted, any order', granted: 'b a', expected: [] },
    { name: 'one left out', granted: 'a', expected: ['b'] },
    { name: 'offline_access is not judged here', granted: 'a b', expected: [] },
  ])('$name', ({ granted, expected }) => {
    const actual = missingScopes('custom', ['a', 'b', 'offline_access'], granted);

    expect(actual).toEqual(expected);
  });

  it("reads Google's long URLs for email and profile, and only for Google", () => {
    const granted = 'openid https://www.googleapis.com/auth/userinfo.email';

    expect(missingScopes('google', ['openid', 'email'], granted)).toEqual([]);
    expect(missingScopes('custom', ['openid', 'email'], granted)).toEqual(['email']);
  });

  it('never matches a scope against the prototype', () => {
    const actual = missingScopes('google', ['constructor', '__proto__'], 'openid');

    expect(actual).toEqual(['constructor', '__proto__']);
  });
});

describe('withFreshTokens: granted scopes and the stated refresh-token end', () => {
  const base: Connection = {
    id: 'c1',
    provider: 'custom',
    label: 'X',
    clientId: 'cid',
    hasClientSecret: false,
    scopes: ['openid', 'read', 'write'],
    endpoints: { authorization: 'https://as.test/a', token: 'https://as.test/t' },
    state: 'healthy',
    expiresAt: 0,
    lifetimeSec: 600,
    lastRefreshAt: 0,
    inFlightSince: null,
    failure: null,
    createdAt: 0,
    updatedAt: 0,
  };
  const plan = { leadSec: 60, random: 0.5 };
  const lifetime = { lifetimeSec: 600, assumed: false };

  it('records a partial grant, keeps it across a refresh that names no scope, clears it on a full consent', () => {
    const partial = withFreshTokens(
      base,
      { accessToken: 'a', lifetime, scope: 'openid read' },
      1000,
      plan,
      { startedAt: 1000 },
    );
    const refreshed = withFreshTokens(partial, { accessToken: 'b', lifetime }, 2000, plan);
    const reconsented = withFreshTokens(refreshed, { accessToken: 'c', lifetime }, 3000, plan, {
      startedAt: 3000,
    });

    expect(partial.missingScopes).toEqual(['write']);
    expect(refreshed.missingScopes).toEqual(['write']);
    expect(reconsented.missingScopes).toBeUndefined();
  });

  it('keeps a stated end until another response states one, and drops it with a new grant', () => {
    const stated = withFreshTokens(
      base,
      { accessToken: 'a', lifetime, refreshTokenLifetimeSec: 86_400 },
      1000,
      plan,
      { startedAt: 1000 },
    );
    const silent = withFreshTokens(stated, { accessToken: 'b', lifetime }, 2000, plan);
    const newGrant = withFreshTokens(silent, { accessToken: 'c', lifetime }, 3000, plan, {
      startedAt: 3000,
    });

    expect(stated.refreshTokenExpiry).toEqual({ at: 1000 + 86_400_000, limitSec: 86_400 });
    expect(silent.refreshTokenExpiry).toEqual(stated.refreshTokenExpiry);
    expect(newGrant.refreshTokenExpiry).toBeUndefined();
  });
});
