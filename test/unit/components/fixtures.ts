// Builders shared by the component tests.
import './catalog';
import { act } from '@testing-library/preact';
import { vi } from 'vitest';
import type { WorkerClient } from '@/components/workerClient';
import type { ConnectionStatus, StartupProblem, StatusSnapshot } from '@/utils/model';
import { DEFAULT_SETTINGS } from '@/utils/settings';

/** 22 Nov 2025 14:03:22 UTC: a fixed "now" for every test. */
export const NOW = Date.UTC(2025, 10, 22, 14, 3, 22);

/** A healthy connection; override what the test is about. */
export function makeConnection(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return {
    id: 'c1',
    provider: 'custom',
    label: 'Demo',
    account: 'alice@example.com',
    clientId: 'token-keeper-demo',
    scopes: ['openid', 'offline_access'],
    endpoints: {
      authorization: 'http://127.0.0.1:9555/auth',
      token: 'http://127.0.0.1:9555/token',
    },
    state: 'healthy',
    expiresAt: NOW + 118_000,
    lifetimeSec: 3600,
    lifetimeAssumed: false,
    nextRefreshAt: NOW + 45_000,
    lastRefreshAt: NOW - 120_000,
    failure: null,
    busy: false,
    ...overrides,
  };
}

/** A connection whose grant the provider revoked: it needs a reconnect. */
export function makeRevokedConnection(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return makeConnection({
    state: 'needs-reconnect',
    failure: {
      failedAt: NOW,
      attempt: 1,
      kind: 'permanent',
      lastError: { code: 'invalid_grant', message: 'The refresh token was revoked.' },
    },
    ...overrides,
  });
}

/** A snapshot taken at `now` holding the given connections. */
export function makeSnapshot(
  connections: ConnectionStatus[],
  now = NOW,
  enabled = true,
): StatusSnapshot {
  return { now, enabled, connections };
}

/** The snapshot of a worker that could not start: its storage is full, the next attempt in 4 s. */
export function makeProblemSnapshot(overrides: Partial<StartupProblem> = {}): StatusSnapshot {
  const problem = {
    reason: 'QuotaExceededError: the disk is full.',
    attempts: 3,
    failedAt: NOW,
    retryAt: NOW + 4000,
    ...overrides,
  };
  return { now: NOW, enabled: true, connections: [], problem };
}

/** A promise the test settles by hand, to look at the UI while a request is in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Lets every pending reply land and the renders it causes finish: one macrotask drains all
 * queued promise callbacks, however many hops a component's async handler takes.
 */
export function settle(): Promise<void> {
  return act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
}

/** Host access as granted by a person who always says yes. */
export const grantAll = async () => true;

/** The redirect URI the fake worker reports. */
export const FAKE_REDIRECT = 'https://iobfhdcojaekbokcoleldnljjlppjlne.chromiumapp.org/';

/**
 * A worker for the whole options page that answers `snapshot`, default settings, no history, no access
 * requests and the lock off; every action is a `vi.fn()` to assert on. `overrides` replace any method.
 */
export function fakeWorkerClient(
  snapshot: StatusSnapshot,
  overrides: Partial<WorkerClient> = {},
): WorkerClient {
  return {
    getStatus: async () => snapshot,
    subscribeToStatus: () => () => undefined,
    refreshNow: vi.fn(),
    getHistory: vi.fn(async () => ({ events: [], hasMore: false, connections: [] })),
    exportHistory: vi.fn(),
    clearHistory: vi.fn(),
    getHealth: vi.fn(),
    getSettings: async () => DEFAULT_SETTINGS,
    saveSettings: vi.fn(),
    getRedirectUrl: async () => FAKE_REDIRECT,
    addConnection: vi.fn(),
    connect: vi.fn(),
    disconnect: vi.fn(),
    removeConnection: vi.fn(),
    editConnection: vi.fn(),
    exportSetups: vi.fn(),
    previewImport: vi.fn(),
    importSetups: vi.fn(),
    getExternalAccess: vi.fn(async () => ({ extensionId: 'x', allowed: [] })),
    setExternalAccess: vi.fn(),
    getAccessRequests: vi.fn(async () => []),
    decideAccessRequest: vi.fn(),
    wipeAllData: vi.fn(),
    getLock: vi.fn(async () => ({ mode: 'off' as const, autoLockMin: 0, unlockRetryAt: null })),
    turnOnLock: vi.fn(),
    unlock: vi.fn(),
    lock: vi.fn(),
    changePassphrase: vi.fn(),
    removeLock: vi.fn(),
    setAutoLock: vi.fn(),
    ...overrides,
  };
}
