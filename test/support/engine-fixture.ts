import type { Connection } from '@/utils/model';
import { createMemoryLocks, type Clock } from '@/utils/engine/deps';
import { createRefresher, type RefreshGrant, type RefresherDeps } from '@/utils/engine/refresher';
import { createScheduler, type SchedulerDeps } from '@/utils/engine/scheduler';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { TokenSet } from '@/utils/oauth/client';
import { DEFAULT_SETTINGS, type Settings } from '@/utils/settings';
import { commit } from '@/utils/store/commit';
import { openTokenKeeperDb, type TokenKeeperDb } from '@/utils/store/db';
import { openVault, type Vault } from '@/utils/store/vault';

/** A clock the test moves by hand. */
export interface ManualClock extends Clock {
  set(at: number): void;
  advance(ms: number): void;
}

/** Builds a clock starting at `start`. */
export function manualClock(start = Date.UTC(2026, 10, 22, 12)): ManualClock {
  let current = start;
  return {
    now: () => current,
    set: (at) => {
      current = at;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** A fake token endpoint that rotates refresh tokens and counts requests; can be told to fail or wait. */
export interface FakeGrant {
  grant: RefreshGrant;
  calls: { refreshToken: string }[];
  /** The refresh token currently valid at the fake server. */
  current: () => string;
  /** The next `times` requests throw this instead of answering. */
  failNextWith(error: unknown, times?: number): void;
  /** Holds every answer until `release()` (to make overlapping requests observable). */
  hold(): void;
  release(): void;
}

/** Builds a fake grant issuing `lifetimeSec` tokens; `initialRefresh` is the refresh token it accepts first. */
export function fakeGrant(initialRefresh = 'rt-0', lifetimeSec = 3600): FakeGrant {
  const calls: { refreshToken: string }[] = [];
  let current = initialRefresh;
  let serial = 0;
  let failure: unknown;
  let failuresLeft = 0;
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  return {
    calls,
    current: () => current,
    failNextWith(error, times = 1) {
      failure = error;
      failuresLeft = times;
    },
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
      gate = undefined;
    },
    grant: async (_target, refreshToken): Promise<TokenSet> => {
      calls.push({ refreshToken });
      if (gate) await gate;
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw failure;
      }
      if (refreshToken !== current) throw new Error(`reused refresh token ${refreshToken}`);
      serial += 1;
      current = `rt-${serial}`;
      return {
        accessToken: `at-${serial}`,
        refreshToken: current,
        lifetime: { lifetimeSec, assumed: false },
      };
    },
  };
}

/** A database, vault and settings for one test. */
export interface EngineFixture {
  db: TokenKeeperDb;
  vault: Vault;
  clock: ManualClock;
  settings: Settings;
  getSettings: () => Promise<Settings>;
}

/** Opens a fresh database (the setup file gives each test a new IndexedDB factory). */
export async function engineFixture(): Promise<EngineFixture> {
  const db = await openTokenKeeperDb();
  const vault = await openVault(db);
  const fixture: EngineFixture = {
    db,
    vault,
    clock: manualClock(),
    settings: { ...DEFAULT_SETTINGS },
    getSettings: async () => fixture.settings,
  };
  return fixture;
}

/** A connected connection with its secrets stored. */
export async function seedConnection(
  fixture: EngineFixture,
  overrides: Partial<Connection> = {},
  refreshToken = 'rt-0',
): Promise<Connection> {
  const now = fixture.clock.now();
  const connection: Connection = {
    id: 'c1',
    provider: 'custom',
    label: 'Test',
    clientId: 'client',
    hasClientSecret: false,
    scopes: ['openid', 'offline_access'],
    endpoints: { authorization: 'https://as.test/auth', token: 'https://as.test/token' },
    state: 'healthy',
    expiresAt: now + 3_600_000,
    lifetimeSec: 3600,
    nextRefreshAt: now + 3_000_000,
    lastRefreshAt: now,
    inFlightSince: null,
    failure: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  const sealed = await fixture.vault.seal({
    connectionId: connection.id,
    accessToken: 'at-0',
    refreshToken,
  });
  await commit(fixture.db, { connections: [connection], secrets: [sealed] });
  return connection;
}

/** A refresher over the fixture with a fake grant, no jitter and instant quick-retry waits. */
export function refresherFor(
  fixture: EngineFixture,
  grant: RefreshGrant,
  extra: Partial<RefresherDeps> = {},
) {
  return createRefresher({
    db: fixture.db,
    vault: fixture.vault,
    clock: fixture.clock,
    locks: createMemoryLocks(),
    getSettings: fixture.getSettings,
    grant,
    random: () => 0,
    sleep: async () => undefined,
    ...extra,
  });
}

/** Seeds a connected connection (access token `at-0`, refresh token `rt-0`) into a running services object. */
export async function seedConnectionIn(
  services: { db: TokenKeeperDb; clock: Clock },
  overrides: Partial<Connection> = {},
): Promise<Connection> {
  const vault = await openVault(services.db);
  return seedConnection(
    {
      db: services.db,
      vault,
      clock: services.clock as ManualClock,
      settings: { ...DEFAULT_SETTINGS },
      getSettings: async () => DEFAULT_SETTINGS,
    },
    overrides,
  );
}

/** A scheduler over the fixture with WXT's fake alarms and a refresher using `grant`. */
export function schedulerFor(
  fixture: EngineFixture,
  grant: FakeGrant = fakeGrant(),
  extra: Partial<Pick<SchedulerDeps, 'isLocked' | 'sleep' | 'random'>> = {},
) {
  const refresher = refresherFor(fixture, grant.grant);
  const scheduler = createScheduler({
    db: fixture.db,
    alarms: fakeBrowser.alarms,
    clock: fixture.clock,
    refresher,
    getSettings: fixture.getSettings,
    ...extra,
  });
  return { scheduler, grant, refresher };
}
