import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers } from '@/utils/background/handlers';
import { createServices, type Services } from '@/utils/background/services';
import type { Endpoints } from '@/utils/model';
import { classifyTokenError } from '@/utils/oauth/classify';
import { refreshAccessToken } from '@/utils/oauth/client';
import { describeForProvider } from '@/utils/oauth/provider-errors';
import { queryHistory } from '@/utils/store/history';
import { DEMO_REDIRECT_URI } from '../support/auth-server';
import {
  ATLASSIAN_CLIENT,
  ATLASSIAN_SITE,
  startAtlassianEmulator,
  type AtlassianEmulator,
} from '../support/emulators/atlassian';
import { consentHeadless } from '../support/emulators/consent';
import {
  GOOGLE_ACCOUNT,
  GOOGLE_CLIENT,
  startGoogleEmulator,
  type GoogleEmulator,
} from '../support/emulators/google';

// The real engine (store, vault, refresher, oauth4webapi) against the provider emulators. A preset is
// added as a user adds it, then pointed at its emulator by rewriting its endpoints in the database —
// the test-only override (the product has no way to do this).
describe('built-in providers against their emulators', () => {
  let atlassian: AtlassianEmulator;
  let google: GoogleEmulator;
  let services: Services;

  beforeAll(async () => {
    [atlassian, google] = await Promise.all([
      startAtlassianEmulator({ accessTokenTtlSec: 3600 }),
      startGoogleEmulator(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([atlassian.close(), google.close()]);
  });

  beforeEach(async () => {
    fakeBrowser.reset();
    services = await createServices({
      alarms: fakeBrowser.alarms,
      authorize: (url) => consentHeadless(url),
      redirectUri: DEMO_REDIRECT_URI,
      changed: () => undefined,
    });
  });

  async function addPointedAt(input: Record<string, unknown>, endpoints: Endpoints) {
    const added = await services.lifecycle.add(input);
    if (!added.ok) throw new Error(added.error.message);
    const stored = await services.db.get('connections', added.value.id);
    await services.db.put('connections', { ...stored!, endpoints });
    return added.value;
  }

  describe('Jira Cloud', () => {
    async function connectJira(emulator: AtlassianEmulator = atlassian) {
      const added = await addPointedAt(
        {
          provider: 'jira',
          label: 'Jira',
          clientId: ATLASSIAN_CLIENT.id,
          clientSecret: ATLASSIAN_CLIENT.secret,
          scopes: ['read:jira-work'],
        },
        emulator.endpoints,
      );
      const connected = await services.lifecycle.connect(added.id);
      if (!connected.ok) throw new Error(connected.error.message);
      return connected.value;
    }

    it('asks Atlassian for the API audience, consent and offline access, in JSON with the secret', async () => {
      const before = atlassian.records.tokenRequests.length;

      const connected = await connectJira();

      const authorize = atlassian.records.authorizeRequests.at(-1)!;
      expect(authorize).toMatchObject({
        audience: 'api.atlassian.com',
        prompt: 'consent',
        scope: 'read:jira-work offline_access',
        code_challenge_method: 'S256',
      });
      expect(atlassian.records.tokenRequests.slice(before)).toEqual([
        {
          grantType: 'authorization_code',
          contentType: 'application/json',
          withSecret: true,
          status: 200,
        },
      ]);
      expect(connected).toMatchObject({ state: 'healthy', lifetimeSec: 3600 });
    });

    it('shows the site name, URL and cloud id from accessible-resources', async () => {
      const connected = await connectJira();

      expect(connected.account).toBe('acme');
      expect(connected.sites).toEqual([ATLASSIAN_SITE]);
    });

    it('stores each rotated refresh token atomically, so no old one is ever presented again', async () => {
      const connected = await connectJira();
      const reuseBefore = atlassian.records.reusedWithinLeeway;

      const first = await services.refresher.refresh(connected.id, 'manual');
      const second = await services.refresher.refresh(connected.id, 'manual');

      const secrets = await services.refresher.readSecrets(connected.id);
      expect([first.ok, second.ok]).toEqual([true, true]);
      expect(atlassian.currentRefreshTokens()).toContain(secrets?.refreshToken);
      expect(atlassian.records.reusedWithinLeeway).toBe(reuseBefore);
      expect(atlassian.records.tokenRequests.at(-1)).toMatchObject({
        grantType: 'refresh_token',
        contentType: 'application/json',
        withSecret: true,
        status: 200,
      });
    });

    it('ends a replaced access token about 10 minutes after the rotation; callers get the newest', async () => {
      let offsetMs = 0;
      const emulator = await startAtlassianEmulator({ now: () => Date.now() + offsetMs });
      try {
        const connected = await connectJira(emulator);
        const siteList = (token: string) =>
          fetch(emulator.endpoints.resources!, { headers: { authorization: `Bearer ${token}` } });
        const old = (await services.refresher.readSecrets(connected.id))!.accessToken!;

        await services.refresher.refresh(connected.id, 'manual');
        const newest = await createHandlers(services).getAccessToken({
          connectionId: connected.id,
        });
        const oldRightAfter = (await siteList(old)).status;
        offsetMs = 10 * 60_000 + 1000;
        const oldLater = (await siteList(old)).status;
        const newestLater = newest.ok ? (await siteList(newest.value.accessToken)).status : 0;

        expect(newest.ok && newest.value.accessToken).not.toBe(old);
        expect([oldRightAfter, oldLater, newestLater]).toEqual([200, 401, 200]);
      } finally {
        await emulator.close();
      }
    });

    it('tracks the 90-day inactivity and 365-day absolute limits from the grant', async () => {
      const connected = await connectJira();

      const status = (await services.snapshot()).connections.find((c) => c.id === connected.id)!;

      const day = 24 * 60 * 60 * 1000;
      expect(status.reconnectBy).toEqual({
        at: status.lastRefreshAt! + 90 * day,
        reason: 'inactivity',
        limitDays: 90,
        warnFrom: status.lastRefreshAt! + 76 * day,
      });
    });

    it('keeps no revocation for Atlassian: deletes the tokens and says where to remove the app', async () => {
      const connected = await connectJira();

      const outcome = await services.lifecycle.disconnect(connected.id);

      const history = await queryHistory(services.db, { connectionId: connected.id, limit: 5 });
      expect(outcome.ok).toBe(true);
      expect(await services.refresher.readSecrets(connected.id)).toEqual({
        connectionId: connected.id,
        clientSecret: ATLASSIAN_CLIENT.secret,
      });
      expect(history.events[0]).toMatchObject({
        kind: 'disconnected',
        error: {
          code: 'not_revoked',
          message: expect.stringContaining('Connected apps in your Atlassian account'),
        },
      });
    });

    it('refuses a wrong client secret with a message that says to fix the secret', async () => {
      const target = { endpoints: atlassian.endpoints, clientId: ATLASSIAN_CLIENT.id };
      const error = await refreshAccessToken({ ...target, clientSecret: 'wrong' }, 'rt').catch(
        (caught: unknown) => caught,
      );

      const actual = describeForProvider('jira', classifyTokenError(error), error);

      expect(actual).toMatchObject({ kind: 'configuration', code: 'access_denied' });
      expect(actual.message).toMatch(/check the client secret/);
    });
  });

  describe('Google', () => {
    /** Connects a Google preset at `emulator`; an app in Testing unless `testingMode` is false. */
    async function connectGoogle(emulator: GoogleEmulator = google, testingMode = true) {
      const added = await addPointedAt(
        {
          provider: 'google',
          label: 'Google',
          clientId: GOOGLE_CLIENT.id,
          clientSecret: GOOGLE_CLIENT.secret,
          scopes: ['openid', 'email', 'https://www.googleapis.com/auth/calendar.readonly'],
          ...(testingMode ? { testingMode } : {}),
        },
        emulator.endpoints,
      );
      const connected = await services.lifecycle.connect(added.id);
      if (!connected.ok) throw new Error(connected.error.message);
      return connected.value;
    }

    it('asks for offline access with consent and learns the e-mail from the ID token', async () => {
      const connected = await connectGoogle();

      expect(google.records.authorizeRequests.at(-1)).toMatchObject({
        access_type: 'offline',
        prompt: 'consent',
        scope: 'openid email https://www.googleapis.com/auth/calendar.readonly',
      });
      expect(google.records.tokenRequests.at(-1)).toMatchObject({
        grantType: 'authorization_code',
        contentType: 'application/x-www-form-urlencoded',
        withSecret: true,
        status: 200,
      });
      expect(connected.account).toBe(GOOGLE_ACCOUNT.email);
      // Google answers `email` as …/auth/userinfo.email: the same scope, so nothing is missing.
      expect(connected.missingScopes).toBeUndefined();
    });

    describe('with a granular consent and time-limited access', () => {
      let limited: GoogleEmulator;
      const CALENDAR = 'https://www.googleapis.com/auth/calendar.readonly';
      const day = 24 * 60 * 60 * 1000;

      beforeAll(async () => {
        limited = await startGoogleEmulator({
          untickedScopes: [CALENDAR],
          timeLimitedAccessSec: 3 * 24 * 3600,
        });
      });

      afterAll(async () => {
        await limited.close();
      });

      const connectLimited = () => connectGoogle(limited, false);

      it('shows the scopes the person unticked and offers to consent again', async () => {
        const connected = await connectLimited();

        expect(connected.missingScopes).toEqual([CALENDAR]);
        expect(connected.state).toBe('healthy');
      });

      it("turns refresh_token_expires_in into the card's reconnect deadline", async () => {
        const connected = await connectLimited();

        const outcome = await services.refresher.refresh(connected.id, 'manual');

        const status = (await services.snapshot()).connections.find((c) => c.id === connected.id)!;
        expect(outcome.ok).toBe(true);
        expect(status.reconnectBy).toMatchObject({
          reason: 'provider',
          limitDays: expect.any(Number),
        });
        // What the latest response said is left: at most 3 days from its arrival, within a second.
        expect(status.reconnectBy!.at - status.lastRefreshAt!).toBeLessThanOrEqual(3 * day);
        expect(status.reconnectBy!.at - status.lastRefreshAt!).toBeGreaterThan(3 * day - 2000);
        expect(status.reconnectBy!.at - status.reconnectBy!.warnFrom).toBeCloseTo(1.5 * day, -4);
      });
    });

    it('keeps the refresh token when a refresh response carries none (no rotation)', async () => {
      const connected = await connectGoogle();
      const before = await services.refresher.readSecrets(connected.id);

      const outcome = await services.refresher.refresh(connected.id, 'manual');

      const after = await services.refresher.readSecrets(connected.id);
      expect(outcome.ok).toBe(true);
      expect(after?.refreshToken).toBe(before?.refreshToken);
      expect(after?.accessToken).not.toBe(before?.accessToken);
    });

    it('warns from day 4 of an app in Testing that the grant ends after 7 days', async () => {
      const connected = await connectGoogle();

      const status = (await services.snapshot()).connections.find((c) => c.id === connected.id)!;

      const day = 24 * 60 * 60 * 1000;
      expect(status.reconnectBy).toMatchObject({ reason: 'age', limitDays: 7 });
      expect(status.reconnectBy!.at - status.lastRefreshAt!).toBe(7 * day);
      expect(status.reconnectBy!.at - status.reconnectBy!.warnFrom).toBe(3.5 * day);
    });

    it('revokes at Google on disconnect, so the grant is gone there too', async () => {
      const connected = await connectGoogle();
      const revocations = google.records.revocations.length;

      await services.lifecycle.disconnect(connected.id);
      const target = { endpoints: google.endpoints, clientId: GOOGLE_CLIENT.id };

      expect(google.records.revocations.slice(revocations)).toEqual([
        { kind: 'refresh_token', status: 200 },
      ]);
      expect((await services.refresher.readSecrets(connected.id))?.refreshToken).toBeUndefined();
      await expect(
        refreshAccessToken({ ...target, clientSecret: GOOGLE_CLIENT.secret }, 'anything'),
      ).rejects.toThrow();
    });

    it.each([
      {
        name: 'invalid_rapt',
        arrange: (emulator: GoogleEmulator) => emulator.requireReauthentication(),
        expected: { kind: 'permanent', code: 'invalid_rapt' },
      },
      {
        name: 'a revoked grant',
        arrange: (emulator: GoogleEmulator) => emulator.revokeAllGrants(),
        expected: { kind: 'permanent', code: 'invalid_grant' },
      },
    ])('says what to do about $name', async ({ arrange, expected }) => {
      const connected = await connectGoogle();
      const secrets = await services.refresher.readSecrets(connected.id);
      arrange(google);

      const error = await refreshAccessToken(
        {
          endpoints: google.endpoints,
          clientId: GOOGLE_CLIENT.id,
          clientSecret: GOOGLE_CLIENT.secret,
        },
        secrets!.refreshToken!,
      ).catch((caught: unknown) => caught);
      const actual = describeForProvider('google', classifyTokenError(error), error);

      expect(actual).toMatchObject(expected);
    });

    it('explains a missing client secret as a configuration problem', async () => {
      const error = await refreshAccessToken(
        { endpoints: google.endpoints, clientId: GOOGLE_CLIENT.id },
        'rt',
      ).catch((caught: unknown) => caught);

      const actual = describeForProvider('google', classifyTokenError(error), error);

      expect(actual).toMatchObject({ kind: 'configuration', code: 'client_secret_missing' });
    });
  });
});
