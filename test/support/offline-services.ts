import type { StoreNames } from 'idb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createServices, type Platform, type Services } from '@/utils/background/services';
import type { Connection } from '@/utils/model';
import { getConnection } from '@/utils/store/connections';
import type { TokenKeeperSchema } from '@/utils/store/db';
import { fakeGrant, manualClock } from './engine-fixture';

/**
 * The real worker services with WXT's fake alarms, a manual clock, a fake token endpoint and instant waits:
 * no network, no browser. Tests override what they exercise.
 */
export function offlineServices(platform: Partial<Platform> = {}): Promise<Services> {
  return createServices({
    alarms: fakeBrowser.alarms,
    authorize: async () => 'unused',
    redirectUri: 'https://x.chromiumapp.org/',
    changed: () => undefined,
    clock: manualClock(),
    grant: fakeGrant().grant,
    sleep: async () => undefined,
    ...platform,
  });
}

/**
 * The named stores, byte for byte (binary as byte arrays, a CryptoKey by its algorithm), so a test can
 * say "unchanged" exactly.
 */
export async function dumpStores(
  services: Services,
  stores: readonly StoreNames<TokenKeeperSchema>[],
): Promise<string> {
  const all = await Promise.all(stores.map((store) => services.db.getAll(store)));
  return JSON.stringify(all, (_key, value: unknown) =>
    value instanceof ArrayBuffer || ArrayBuffer.isView(value)
      ? Array.from(new Uint8Array(value instanceof ArrayBuffer ? value : value.buffer))
      : value instanceof CryptoKey
        ? `key:${value.algorithm.name}`
        : value,
  );
}

/**
 * Makes connection `id` look as a consent leaves it: tokens `at-1`/`rt-1` stored beside its client
 * secret, the row healthy for an hour. No history, no network.
 */
export async function markConnected(services: Services, id: string): Promise<Connection> {
  const now = services.clock.now();
  const read = await services.refresher.secrets.read(id);
  await services.refresher.secrets.persist({
    ...(read.ok ? read.record : undefined),
    connectionId: id,
    accessToken: 'at-1',
    refreshToken: 'rt-1',
  });
  const connected: Connection = {
    ...(await getConnection(services.db, id))!,
    state: 'healthy',
    expiresAt: now + 3_600_000,
    lifetimeSec: 3600,
    nextRefreshAt: now + 3_000_000,
    lastRefreshAt: now,
  };
  await services.db.put('connections', connected);
  return connected;
}

/**
 * A `requestOptions` whose fetch answers 200 to everything and records each request as "url body" in
 * `sent`: for tests where only revocation reaches the network (the grant is faked).
 */
export function recordingRevocations(): {
  sent: string[];
  requestOptions: NonNullable<Platform['requestOptions']>;
} {
  const sent: string[] = [];
  return {
    sent,
    requestOptions: {
      fetch: async (url: string | URL | Request, init?: RequestInit) => {
        sent.push(`${String(url)} ${String(init?.body)}`);
        return new Response(null, { status: 200 });
      },
    },
  };
}
