import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  tokenKeeper,
  type PortLike,
  type RuntimeLike,
  type TokenKeeperEvent,
} from '@/client/token-keeper-client';
import type { EventPort } from '@/utils/background/push-hub';
import type { Services } from '@/utils/background/services';
import { seedConnectionIn, type ManualClock } from '../../support/engine-fixture';
import { offlineServices } from '../../support/offline-services';

const TOKEN_KEEPER = 'iobfhdcojaekbokcoleldnljjlppjlne';
const CALLER = 'abcdefghijklmnopabcdefghijklmnop';
const QUICK = { firstMs: 5, maxMs: 20 };

/** A port's two ends: messages cross asynchronously and as copies, as between two extensions. */
function portPair(name: string, senderId: string) {
  const toClient: ((message: unknown) => void)[] = [];
  const clientClosed: (() => void)[] = [];
  const workerClosed: (() => void)[] = [];
  let open = true;
  const shut = (listeners: (() => void)[]) => {
    if (!open) return;
    open = false;
    setTimeout(() => listeners.forEach((listener) => listener()), 0);
  };
  const client: PortLike = {
    disconnect: () => shut(workerClosed),
    onMessage: { addListener: (listener) => void toClient.push(listener) },
    onDisconnect: { addListener: (listener) => void clientClosed.push(listener) },
  };
  const worker: EventPort = {
    name,
    sender: { id: senderId },
    postMessage(message) {
      if (!open) throw new Error('Attempting to use a disconnected port object');
      const copy = structuredClone(message);
      setTimeout(() => toClient.forEach((listener) => listener(copy)), 0);
    },
    disconnect: () => shut(clientClosed),
    onDisconnect: { addListener: (listener) => void workerClosed.push(listener) },
  };
  return { client, worker, isOpen: () => open, stopWorker: () => shut(clientClosed) };
}

/** `chrome.runtime` of the calling extension, wired to Token Keeper's real worker services. */
function runtimeTo(services: Services, callerId: string) {
  const pairs: ReturnType<typeof portPair>[] = [];
  // While the worker is "stopped", ports opened wait for it to start again.
  let started: Promise<void> = Promise.resolve();
  let start = () => undefined as void;
  const runtime: RuntimeLike = {
    sendMessage: async (id, message) => {
      expect(id).toBe(TOKEN_KEEPER);
      return structuredClone(
        await services.access.answerExternal(structuredClone(message), callerId),
      );
    },
    connect(id, { name }) {
      expect(id).toBe(TOKEN_KEEPER);
      const pair = portPair(name, callerId);
      pairs.push(pair);
      void started.then(() => services.push.attach(pair.worker));
      return pair.client;
    },
  };
  return {
    runtime,
    pairs,
    /** Chrome stops Token Keeper's idle worker: every port closes, and new ones wait for `startWorker`. */
    stopWorker() {
      started = new Promise((resolve) => (start = resolve));
      pairs.forEach((pair) => pair.stopWorker());
    },
    startWorker: () => start(),
  };
}

describe('the client module against the real worker', () => {
  let services: Services;

  beforeEach(async () => {
    fakeBrowser.reset();
    services = await offlineServices();
    await seedConnectionIn(services, { id: 'jira', provider: 'jira', label: 'Work Jira' });
    await seedConnectionIn(services, { id: 'mail', provider: 'google', label: 'Mail' });
  });

  it('asks for access, gets a token once allowed, and hears a refresh without the token', async () => {
    const wire = runtimeTo(services, CALLER);
    const client = tokenKeeper(TOKEN_KEEPER, wire.runtime);
    const events: TokenKeeperEvent[] = [];

    const asked = await client.requestAccess({
      name: 'Helper',
      reason: 'Reads issues',
      provider: 'jira',
    });
    const early = await client.getAccessToken('jira');
    await services.access.requests.decide(CALLER, { allow: ['jira'] });
    const token = await client.getAccessToken('jira', { minValiditySeconds: 120 });
    const stop = client.subscribe((event) => events.push(event), QUICK);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    (services.clock as ManualClock).advance(60_000);
    await services.refresher.refresh('jira', 'manual');
    await vi.waitFor(() => expect(events).toHaveLength(2));
    stop();

    expect(asked).toEqual({ ok: true, status: 'pending' });
    expect(early).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(token).toMatchObject({ ok: true, accessToken: 'at-0', tokenType: 'Bearer' });
    expect(events.map((e) => e.type)).toEqual(['ready', 'tokenRefreshed']);
    expect(JSON.stringify(events)).not.toMatch(/at-\d|rt-\d/);
    await vi.waitFor(() => expect(services.push.size()).toBe(0));
  });

  it('subscribes again after the worker stopped, starting with the state as it is now', async () => {
    await services.access.setAllowed('jira', [CALLER]);
    const wire = runtimeTo(services, CALLER);
    const events: TokenKeeperEvent[] = [];
    const stop = tokenKeeper(TOKEN_KEEPER, wire.runtime).subscribe((e) => events.push(e), QUICK);
    await vi.waitFor(() => expect(events).toHaveLength(1));

    wire.stopWorker();
    await services.lifecycle.disconnect('jira');
    wire.startWorker();
    await vi.waitFor(() => expect(events).toHaveLength(2));
    stop();

    expect(wire.pairs).toHaveLength(2);
    expect(events[1]).toEqual({
      type: 'ready',
      connections: [expect.objectContaining({ connectionId: 'jira', expiresAt: null })],
    });
  });

  it('ends the subscription, without reconnecting, once the extension is allowed nothing', async () => {
    await services.access.setAllowed('jira', [CALLER]);
    const wire = runtimeTo(services, CALLER);
    const events: TokenKeeperEvent[] = [];
    tokenKeeper(TOKEN_KEEPER, wire.runtime).subscribe((e) => events.push(e), QUICK);
    await vi.waitFor(() => expect(events).toHaveLength(1));

    await services.access.setAllowed('jira', []);
    await vi.waitFor(() => expect(events).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(events.slice(1)).toEqual([
      { type: 'accessRemoved', connectionId: 'jira' },
      { type: 'notAllowed' },
    ]);
    expect(wire.pairs).toHaveLength(1);
    expect(services.push.size()).toBe(0);
  });
});

describe('the client module on its own', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers "unreachable" instead of throwing when Token Keeper is not installed', async () => {
    const runtime = {
      sendMessage: async () => {
        throw new Error('Could not establish connection. Receiving end does not exist.');
      },
      connect: () => {
        throw new Error('unused');
      },
    };

    const actual = await tokenKeeper(TOKEN_KEEPER, runtime).getAccessToken('jira');

    expect(actual).toEqual({
      ok: false,
      error: {
        code: 'unreachable',
        message:
          'Token Keeper could not be reached (Could not establish connection. Receiving end does not exist.).',
      },
    });
  });

  it('waits longer between reconnections while nothing happens, and stops when told', () => {
    vi.useFakeTimers();
    const opened: number[] = [];
    const closers: (() => void)[] = [];
    const runtime = {
      sendMessage: async () => undefined,
      connect: (): PortLike => {
        opened.push(Date.now());
        return {
          disconnect: () => undefined,
          onMessage: { addListener: () => undefined },
          onDisconnect: { addListener: (listener) => void closers.push(listener) },
        };
      },
    };
    const start = Date.now();

    const stop = tokenKeeper(TOKEN_KEEPER, runtime).subscribe(() => undefined, {
      firstMs: 1_000,
      maxMs: 4_000,
    });
    for (let i = 0; i < 4; i += 1) {
      closers.at(-1)!();
      vi.runOnlyPendingTimers();
    }
    stop();
    closers.at(-1)!();
    vi.runOnlyPendingTimers();

    const gaps = opened.slice(1).map((at, i) => at - opened[i]!);
    expect(opened[0]).toBe(start);
    expect(gaps).toEqual([1_000, 2_000, 4_000, 4_000]);
    expect(opened).toHaveLength(5);
  });
});
