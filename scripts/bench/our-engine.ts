// Token Keeper's real engine in the simulated browser: `createServices` on fake-indexeddb with the fake
// alarms, the virtual clock and the provider emulators. Every worker start builds new services on the
// same database (R1); nothing survives a stop but IndexedDB and the alarms.
import type { Alert } from '../../utils/engine/attention';
import { withFreshTokens } from '../../utils/engine/fresh-tokens';
import type { AlertSink } from '../../utils/engine/refresher';
import type { Services } from '../../utils/background/services';
import { createSimulatedServices, atWorkerStart, deliverAlarm } from '../sim/engine';
import type { Connection } from '../../utils/model';
import { DEFAULT_SETTINGS } from '../../utils/settings';
import { commit } from '../../utils/store/commit';
import { listConnections } from '../../utils/store/connections';
import { openTokenKeeperDb } from '../../utils/store/db';
import { openVault } from '../../utils/store/vault';
import { createFakeAlarms } from '../sim/fake-alarms';
import type { Month } from '../sim/month';
import { measureMonth, type StrategyRun } from './outcome';
import { createRandom } from '../sim/prng';
import { createProviders, tokenEndpointOf } from '../sim/month-providers';
import { useVirtualTimeouts } from '../sim/sim-runtime';
import { createVirtualClock } from '../sim/virtual-clock';

/** The name our engine has in the report. */
export const OUR_ENGINE = 'Token Keeper (this engine)';

let databases = 0;

/** Runs the month with the real engine. */
export async function runOurEngine(month: Month): Promise<StrategyRun> {
  const clock = createVirtualClock(month.start);
  const alarms = createFakeAlarms(clock);
  const seeded = createRandom(month.seed);
  const providers = createProviders(month, clock, seeded.fork('providers'));
  const jitter = seeded.fork('engine-jitter');
  const dbName = `bench-month-${month.seed}-${(databases += 1)}`;
  await seedConnections(dbName, month, providers.initialTokens, jitter.next);

  const notifications: { at: number; connectionId: string }[] = [];
  const alerts: AlertSink = {
    show: async (connection: Connection, _alert: Alert) => {
      notifications.push({ at: clock.now(), connectionId: connection.id });
    },
    clear: async () => undefined,
  };
  let ready: Promise<Services> | undefined;
  const started: Promise<Services>[] = [];
  const services = () => {
    if (!ready) throw new Error('The worker is not running.');
    return ready;
  };

  const restoreTimeouts = useVirtualTimeouts(clock);
  const run = await measureMonth({
    name: OUR_ENGINE,
    month,
    clock,
    alarms,
    providers,
    extension: {
      start(_cause, keepAlive) {
        ready = createSimulatedServices({
          alarms,
          clock,
          dbName,
          grant: providers.grant,
          sleep: clock.sleep,
          random: jitter.next,
          isOnline: () => true,
          alerts,
          keepAlive,
        });
        started.push(ready);
        return ready.then((s) => atWorkerStart(s));
      },
      async onAlarm(alarm) {
        await deliverAlarm(await services(), alarm);
      },
      async onCall(call) {
        const s = await services();
        const answer = await s.accessToken(call.connectionId, 60);
        return answer.ok ? { ok: true, accessToken: answer.value.accessToken } : { ok: false };
      },
      stop() {
        ready = undefined;
      },
    },
  }).finally(restoreTimeouts);
  // Each worker opened its own connection to the database; they are closed once the month is over.
  for (const services of await Promise.all(started)) services.db.close();

  const db = await openTokenKeeperDb(dbName);
  const connections = await listConnections(db);
  run.givenUp = connections.filter((c) => c.state === 'needs-reconnect').length;
  run.notifications = notifications;
  db.close();
  return run;
}

/** Stores every connection as connected before the month begins, its tokens sealed in the vault. */
async function seedConnections(
  dbName: string,
  month: Month,
  initialTokens: ReturnType<typeof createProviders>['initialTokens'],
  random: () => number,
): Promise<void> {
  const db = await openTokenKeeperDb(dbName);
  const vault = await openVault(db);
  const connections: Connection[] = [];
  const secrets = [];
  for (const spec of month.connections) {
    const { tokens, refreshToken } = initialTokens(spec);
    const base: Connection = {
      id: spec.id,
      provider: 'custom',
      label: spec.id,
      clientId: 'bench-client',
      hasClientSecret: false,
      scopes: ['offline_access'],
      endpoints: {
        authorization: 'https://provider.bench/authorize',
        token: tokenEndpointOf(spec),
      },
      state: 'healthy',
      expiresAt: null,
      lifetimeSec: null,
      lastRefreshAt: null,
      inFlightSince: null,
      failure: null,
      createdAt: spec.issuedAt,
      updatedAt: spec.issuedAt,
    };
    connections.push(
      withFreshTokens(base, tokens, spec.issuedAt, {
        leadSec: DEFAULT_SETTINGS.refreshLeadMin * 60,
        random: random(),
      }),
    );
    secrets.push(
      await vault.seal({ connectionId: spec.id, accessToken: tokens.accessToken, refreshToken }),
    );
  }
  await commit(db, { connections, secrets });
  db.close();
}
