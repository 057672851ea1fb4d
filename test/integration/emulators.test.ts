import { afterEach, describe, expect, it } from 'vitest';
import {
  finishAuthorization,
  refreshAccessToken,
  startAuthorization,
  type ClientTarget,
} from '@/utils/oauth/client';
import { JIRA_PRESET, GOOGLE_PRESET } from '@/utils/providers';
import { DEMO_REDIRECT_URI } from '../support/auth-server';
import { ATLASSIAN_CLIENT, startAtlassianEmulator } from '../support/emulators/atlassian';
import { consentHeadless } from '../support/emulators/consent';
import { GOOGLE_CLIENT, startGoogleEmulator } from '../support/emulators/google';

// The emulators must behave as the providers document, or the tests built on them prove nothing.
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function clock(start = Date.UTC(2026, 0, 1)) {
  let current = start;
  return { now: () => current, advance: (ms: number) => (current += ms) };
}

async function tokensFor(
  target: ClientTarget,
  scopes: string[],
  extraParams: Record<string, string>,
) {
  const pending = await startAuthorization(target, {
    redirectUri: DEMO_REDIRECT_URI,
    scopes,
    extraParams,
  });
  return finishAuthorization(target, pending, await consentHeadless(pending.url));
}

describe('Atlassian emulator', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  async function start(now: () => number) {
    const emulator = await startAtlassianEmulator({ now });
    closers.push(emulator.close);
    const target: ClientTarget = {
      endpoints: emulator.endpoints,
      clientId: ATLASSIAN_CLIENT.id,
      clientSecret: ATLASSIAN_CLIENT.secret,
    };
    return { emulator, target };
  }

  it('issues 1 h access tokens and a rotating refresh token only with offline_access', async () => {
    const { target } = await start(Date.now);

    const offline = await tokensFor(
      target,
      ['read:jira-work', 'offline_access'],
      JIRA_PRESET.authorizeParams,
    );
    const online = await tokensFor(target, ['read:jira-work'], JIRA_PRESET.authorizeParams);
    const rotated = await refreshAccessToken(target, offline.refreshToken!);

    expect(offline.lifetime).toEqual({ lifetimeSec: 3600, assumed: false });
    expect(online.refreshToken).toBeUndefined();
    expect(rotated.refreshToken).toBeDefined();
    expect(rotated.refreshToken).not.toBe(offline.refreshToken);
  });

  it('takes JSON only and requires the client secret', async () => {
    const { emulator, target } = await start(Date.now);
    const formTarget = {
      ...target,
      endpoints: { ...target.endpoints, tokenRequestFormat: 'form' as const },
    };

    const asForm = await refreshAccessToken(formTarget, 'rt').catch((error: unknown) => error);
    const noSecret = await refreshAccessToken({ ...target, clientSecret: undefined }, 'rt').catch(
      (error: unknown) => error,
    );

    expect(asForm).toMatchObject({ error: 'invalid_request', status: 400 });
    expect(noSecret).toMatchObject({ error: 'access_denied', status: 401 });
    expect(emulator.records.tokenRequests.map((r) => r.contentType)).toEqual([
      'application/x-www-form-urlencoded',
      'application/json',
    ]);
  });

  it('accepts a rotated refresh token within the leeway, and revokes the family after it', async () => {
    const time = clock();
    const { emulator, target } = await start(time.now);
    const first = await tokensFor(target, ['offline_access'], JIRA_PRESET.authorizeParams);
    const second = await refreshAccessToken(target, first.refreshToken!);

    time.advance(5 * MINUTE);
    const withinLeeway = await refreshAccessToken(target, first.refreshToken!);
    time.advance(10 * MINUTE);
    const afterLeeway = await refreshAccessToken(target, first.refreshToken!).catch(
      (e: unknown) => e,
    );
    const newestAfterRevocation = await refreshAccessToken(
      target,
      withinLeeway.refreshToken!,
    ).catch((e: unknown) => e);

    expect(second.accessToken).toBeDefined();
    expect(emulator.records.reusedWithinLeeway).toBe(1);
    expect(afterLeeway).toMatchObject({
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
      status: 403,
    });
    expect(newestAfterRevocation).toMatchObject({ error: 'invalid_grant' });
    expect(emulator.records.familiesRevoked).toBe(1);
    expect(emulator.records.reuses).toEqual([
      { afterSec: 5 * 60, withinLeeway: true },
      { afterSec: 15 * 60, withinLeeway: false },
    ]);
  });

  it('rotates a held refresh before answering it late', async () => {
    const { emulator, target } = await start(Date.now);
    const first = await tokensFor(target, ['offline_access'], JIRA_PRESET.authorizeParams);
    emulator.setFault({ kind: 'process-then-hold', ms: 300, times: 1 });
    const started = Date.now();

    const late = refreshAccessToken(target, first.refreshToken!);
    let answered = false;
    void late.then(() => (answered = true));
    await expect.poll(() => emulator.records.faultedRequests.length).toBe(1);
    const answeredWhenProcessed = answered;
    const rotatedBeforeAnswer = emulator.records.refreshTokensRotated;
    const rotated = await late;

    expect(answeredWhenProcessed).toBe(false);
    expect(rotatedBeforeAnswer).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(rotated.refreshToken).toBe(emulator.currentRefreshTokens()[0]);
    expect(emulator.records.faultedRequests).toEqual([
      { kind: 'process-then-hold', grantType: 'refresh_token' },
    ]);
  });

  it.each([
    { name: '90 days unused', steps: [91 * DAY], ok: false },
    { name: '60 days, refresh, 60 days', steps: [60 * DAY, 60 * DAY], ok: true },
    { name: '366 days of regular refreshes', steps: Array(5).fill(73.2 * DAY), ok: false },
  ])('expires refresh tokens after $name: $ok', async ({ steps, ok }) => {
    const time = clock();
    const { target } = await start(time.now);
    let refreshToken = (await tokensFor(target, ['offline_access'], JIRA_PRESET.authorizeParams))
      .refreshToken!;

    let last: unknown;
    for (const step of steps) {
      time.advance(step);
      last = await refreshAccessToken(target, refreshToken).catch((error: unknown) => error);
      if (last && typeof last === 'object' && 'refreshToken' in last) {
        refreshToken = (last as { refreshToken: string }).refreshToken;
      }
    }

    expect(last instanceof Error).toBe(!ok);
  });
});

describe('Google emulator', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  async function start() {
    const emulator = await startGoogleEmulator();
    closers.push(emulator.close);
    const target: ClientTarget = {
      endpoints: emulator.endpoints,
      clientId: GOOGLE_CLIENT.id,
      clientSecret: GOOGLE_CLIENT.secret,
    };
    return { emulator, target };
  }

  it('issues a refresh token again only when prompt=consent asks for it', async () => {
    const { target } = await start();
    const offlineOnly = { access_type: 'offline' };

    const first = await tokensFor(target, ['openid', 'email'], offlineOnly);
    const again = await tokensFor(target, ['openid', 'email'], offlineOnly);
    const withConsent = await tokensFor(target, ['openid', 'email'], GOOGLE_PRESET.authorizeParams);

    expect(first.refreshToken).toBeDefined();
    expect(again.refreshToken).toBeUndefined();
    expect(withConsent.refreshToken).toBeDefined();
  });

  it('does not rotate refresh tokens and answers invalid_grant once revoked', async () => {
    const { emulator, target } = await start();
    const tokens = await tokensFor(target, ['openid', 'email'], GOOGLE_PRESET.authorizeParams);

    const refreshed = await refreshAccessToken(target, tokens.refreshToken!);
    const again = await refreshAccessToken(target, tokens.refreshToken!);
    emulator.revokeAllGrants();
    const revoked = await refreshAccessToken(target, tokens.refreshToken!).catch((e: unknown) => e);

    expect(refreshed.refreshToken).toBeUndefined();
    expect(again.accessToken).not.toBe(refreshed.accessToken);
    expect(revoked).toMatchObject({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
  });

  it('says "client_secret is missing." when a Web client sends none', async () => {
    const { target } = await start();

    const actual = await refreshAccessToken({ ...target, clientSecret: undefined }, 'rt').catch(
      (e: unknown) => e,
    );

    expect(actual).toMatchObject({
      error: 'invalid_request',
      error_description: 'client_secret is missing.',
    });
  });
});
