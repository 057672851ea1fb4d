import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers, type Handlers } from '@/utils/background/handlers';
import { createServices, type Services } from '@/utils/background/services';
import { classifyTokenError } from '@/utils/oauth/classify';
import { refreshAccessToken } from '@/utils/oauth/client';
import { DEFAULT_SETTINGS, SettingsSchema, validateSettings } from '@/utils/settings';
import * as v from 'valibot';
import { manualClock, seedConnectionIn } from '../../support/engine-fixture';
import { dumpStores } from '../../support/offline-services';

const TARGET = {
  endpoints: {
    issuer: 'https://as.test',
    authorization: 'https://as.test/auth',
    token: 'https://as.test/token',
  },
  clientId: 'client',
};

/** Bytes of every store, so "unchanged" means byte-for-byte. */
const dumpDb = (services: Services) =>
  dumpStores(services, ['connections', 'secrets', 'history', 'settings', 'keys']);

/** The refresh token a 2xx answer carries, which must be kept even when the rest is unusable. */
function deliveredRefreshToken(status: number, body: string): string | undefined {
  if (status < 200 || status > 299) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const value = (parsed as { refresh_token?: unknown } | null)?.refresh_token;
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Any token endpoint answer: a status and a body that may or may not be JSON. */
const tokenEndpointAnswer = fc.record({
  status: fc.constantFrom(200, 200, 200, 400, 401, 429, 500, 503),
  body: fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc
      .record(
        {
          access_token: fc.oneof(fc.string(), fc.integer()),
          token_type: fc.constantFrom('Bearer', 'bearer', 'DPoP', 'mac', ''),
          expires_in: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
          refresh_token: fc.oneof(fc.string(), fc.constant(undefined)),
          error: fc.oneof(
            fc.constantFrom('invalid_grant', 'invalid_client', 'server_error'),
            fc.string(),
          ),
          error_description: fc.string(),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
    fc.string(),
  ),
});

describe('token response parsing (property)', () => {
  it('either yields a usable token set or a classified error with a clear message', async () => {
    await fc.assert(
      fc.asyncProperty(tokenEndpointAnswer, async ({ status, body }) => {
        const fetch = async () =>
          new Response(body, { status, headers: { 'content-type': 'application/json' } });

        const result = await refreshAccessToken(TARGET, 'rt', { fetch }).then(
          (tokens) => ({ tokens }),
          (error: unknown) => ({ error }),
        );

        if ('tokens' in result) {
          expect(typeof result.tokens.accessToken).toBe('string');
          expect(result.tokens.lifetime.lifetimeSec).toBeGreaterThanOrEqual(1);
          expect(result.tokens.lifetime.lifetimeSec).toBeLessThanOrEqual(365 * 86_400);
        } else {
          const classified = classifyTokenError(result.error);
          expect(['transient', 'permanent', 'configuration']).toContain(classified.kind);
          expect(classified.message.length).toBeGreaterThan(10);
          expect(classified.code).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a bad answer change the stored secrets', async () => {
    fakeBrowser.reset();
    await fc.assert(
      fc.asyncProperty(tokenEndpointAnswer, async ({ status, body }) => {
        const services = await createServices({
          alarms: fakeBrowser.alarms,
          authorize: async () => 'unused',
          redirectUri: 'https://x.chromiumapp.org/',
          changed: () => undefined,
          clock: manualClock(),
          dbName: `prop-${Math.random()}`,
          sleep: async () => undefined,
          requestOptions: {
            fetch: async () =>
              new Response(body, { status, headers: { 'content-type': 'application/json' } }),
          },
        });
        await seedConnectionIn(services, { id: 'c1', endpoints: TARGET.endpoints });
        const before = await services.db.get('secrets', 'c1');

        const outcome = await services.refresher.refresh('c1', 'manual');

        const after = await services.db.get('secrets', 'c1');
        const delivered = deliveredRefreshToken(status, body);
        if (!outcome.ok && delivered === undefined) {
          expect(Array.from(new Uint8Array(after!.data))).toEqual(
            Array.from(new Uint8Array(before!.data)),
          );
          expect(Array.from(after!.iv)).toEqual(Array.from(before!.iv));
        } else if (!outcome.ok) {
          // A 2xx answer that rotated: the new refresh token is kept, nothing else changes.
          expect(await services.refresher.readSecrets('c1')).toEqual({
            connectionId: 'c1',
            accessToken: 'at-0',
            refreshToken: delivered,
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('settings (property)', () => {
  it('accepts only valid settings, and explains every refusal', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.dictionary(fc.constantFrom(...Object.keys(DEFAULT_SETTINGS), 'x'), fc.anything()),
        ),
        (change) => {
          const result = validateSettings(DEFAULT_SETTINGS, change);

          if (result.ok) {
            expect(v.is(SettingsSchema, result.settings)).toBe(true);
          } else {
            expect(result.errors.length).toBeGreaterThan(0);
            for (const error of result.errors) expect(error.message).toMatch(/\.$/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('page messages (property)', () => {
  let services: Services;
  let handlers: Handlers;

  beforeEach(async () => {
    fakeBrowser.reset();
    services = await createServices({
      alarms: fakeBrowser.alarms,
      authorize: async () => {
        throw new Error('no consent in this test');
      },
      redirectUri: 'https://x.chromiumapp.org/',
      changed: () => undefined,
      clock: manualClock(),
    });
    await seedConnectionIn(services, { id: 'c1' });
    handlers = createHandlers(services);
  });

  const mutating = [
    'refreshNow',
    'saveSettings',
    'addConnection',
    'connect',
    'disconnect',
    'removeConnection',
    'getAccessToken',
    'setExternalAccess',
    'decideAccessRequest',
    'getHistory',
  ] as const;

  it('refuse bad input with a clear error and leave the stored state byte-for-byte unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...mutating),
        fc.oneof(fc.anything(), fc.record({ connectionId: fc.string() })),
        async (type, data) => {
          const before = await dumpDb(services);

          const handler = handlers[type] as (data: unknown) => Promise<unknown>;
          const result = await Promise.resolve()
            .then(() => handler(data))
            .then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            );

          const accepted =
            'value' in result &&
            typeof result.value === 'object' &&
            result.value !== null &&
            ('ok' in result.value ? result.value.ok === true : true);
          if ('error' in result)
            expect(String((result.error as Error).message)).toMatch(/^Invalid request: /);
          if (!accepted) expect(await dumpDb(services)).toBe(before);
        },
      ),
      { numRuns: 200 },
    );
  });
});
