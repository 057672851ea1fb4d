// The worker's database connection closing under it (docs/architecture.md#the-database-connection): it
// steps aside for another context's delete or upgrade, and opens again, with a new engine, whenever it
// closed. `forceClose` closes a connection the way Chrome does when it ends one abnormally.
import { deleteDB, openDB, unwrap } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Services } from '@/utils/background/services';
import type { StatusSnapshot } from '@/utils/model';
import { DB_NAME, DB_VERSION } from '@/utils/store/db';
import { forceClose } from '../../../scripts/sim/idb-faults';
import { markConnected, offlineServices } from '../../support/offline-services';

const CONNECTION = {
  provider: 'custom',
  label: 'Kept',
  clientId: 'app',
  scopes: ['openid', 'offline_access'],
  authorizationEndpoint: 'https://as.example/authorize',
  tokenEndpoint: 'https://as.example/token',
};

/** Whether `work` settles within a second (a blocked delete or open never does). */
function settlesSoon(work: Promise<unknown>): Promise<'settled' | 'still waiting'> {
  const wait = new Promise<'still waiting'>((resolve) =>
    setTimeout(() => resolve('still waiting'), 1000),
  );
  return Promise.race([work.then(() => 'settled' as const), wait]);
}

async function connectedServices(changes: StatusSnapshot[] = []) {
  const services = await offlineServices({ changed: (snapshot) => changes.push(snapshot) });
  const added = await services.lifecycle.add(CONNECTION);
  if (!added.ok) throw new Error(added.error.message);
  await markConnected(services, added.value.id);
  return { services, id: added.value.id };
}

/** The worker's current connection as the browser sees it. */
const rawDb = (services: Services) => unwrap(services.db) as IDBDatabase;

describe('the database connection', () => {
  const { warn, error } = console;
  const errors: unknown[][] = [];

  beforeEach(() => {
    fakeBrowser.reset();
    errors.length = 0;
    console.warn = () => undefined;
    console.error = (...args: unknown[]) => void errors.push(args);
  });

  afterEach(() => {
    Object.assign(console, { warn, error });
  });

  it('opens again when the browser ends it, and every caller goes on with the data kept', async () => {
    const changes: StatusSnapshot[] = [];
    const { services, id } = await connectedServices(changes);
    const before = services.db;

    forceClose(rawDb(services));
    const snapshot = await services.snapshot();
    const token = await services.accessToken(id, 60);
    const history = await services.historyPage({ limit: 10 });

    expect(services.db).not.toBe(before);
    expect(snapshot.connections.map((c) => [c.id, c.state])).toEqual([[id, 'healthy']]);
    expect(token).toMatchObject({ ok: true, value: { accessToken: 'at-1' } });
    expect(history.events).toEqual([]);
    await vi.waitFor(() => expect(changes.length).toBeGreaterThan(0));
    expect(errors).toEqual([]);
  });

  it('steps aside when another context deletes the database, then works on the new one', async () => {
    const { services } = await connectedServices();
    let blocked = false;

    const deleted = await settlesSoon(deleteDB(DB_NAME, { blocked: () => (blocked = true) }));
    const afterDelete = await services.snapshot();
    const readded = await services.lifecycle.add(CONNECTION);

    expect(deleted).toBe('settled');
    expect(blocked).toBe(false);
    expect(afterDelete.connections).toEqual([]);
    expect(readded.ok).toBe(true);
    expect((await services.snapshot()).connections).toHaveLength(1);
  });

  it('lets a newer schema open, and says it cannot open the old one again', async () => {
    await connectedServices();

    const newer = openDB(DB_NAME, DB_VERSION + 1);
    const opened = await settlesSoon(newer);

    expect(opened).toBe('settled');
    await vi.waitFor(() =>
      expect(errors).toContainEqual([
        'Token Keeper could not open its database again',
        'VersionError',
      ]),
    );
    expect((await newer).version).toBe(DB_VERSION + 1);
    (await newer).close();
  });
});
