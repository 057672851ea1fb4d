import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { describeSendError, workerClient } from '@/components/workerClient';
import { formatTime } from '@/components/format';
import { createDispatcher, registerHandlers } from '@/utils/background/register';
import { createServices, type Services } from '@/utils/background/services';
import type { Startup } from '@/utils/background/startup';
import { EVENTS_PORT } from '@/client/token-keeper-client';
import {
  answerExternal,
  connectExternal,
  EXTERNAL_UNAVAILABLE,
  handlersFor,
  superviseServices,
} from '@/utils/background/service-start';
import { isWorkerUnavailable, sendMessage } from '@/utils/messaging';
import type { StatusSnapshot } from '@/utils/model';
import { DEFAULT_SETTINGS } from '@/utils/settings';
import { virtualTime, type VirtualTime } from '../../support/virtual-time';
import '../components/catalog';

const EXTENSION_ID = 'iobfhdcojaekbokcoleldnljjlppjlne';
const SELF = { id: EXTENSION_ID, baseUrl: `chrome-extension://${EXTENSION_ID}/` };
const OWN_PAGE = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/popup.html` };
const FULL_DISK = 'QuotaExceededError: the disk is full';

/**
 * Whether a test is running: the services' debounced broadcast (a real 50 ms timer) may fire after the
 * test ended and its message mock was restored, where the fake browser's sendMessage rejects unhandled.
 */
let running = false;

/** The worker as background.ts starts it, on virtual time: the first start fails, the second opens the database. */
function worker(time: VirtualTime): Startup<Services> {
  const changed = (snapshot: StatusSnapshot) => {
    if (running) void sendMessage('statusChanged', snapshot).catch(() => undefined);
  };
  let attempts = 0;
  return superviseServices({
    start: async () => {
      attempts += 1;
      if (attempts === 1) throw new DOMException(FULL_DISK, 'QuotaExceededError');
      return createServices({
        alarms: fakeBrowser.alarms,
        authorize: async () => 'https://example.invalid/?error=access_denied',
        redirectUri: `https://${EXTENSION_ID}.chromiumapp.org/`,
        changed,
        clock: { now: time.now },
      });
    },
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    log: () => undefined,
    changed,
  });
}

describe('pages while the worker cannot start', () => {
  const runtime = fakeBrowser.runtime as { lastError?: { message?: string } };
  const lastError = runtime.lastError;

  beforeEach(() => {
    running = true;
    fakeBrowser.reset();
    // The fake reports a (blank) last error after every message; a real browser only after a failed one.
    runtime.lastError = undefined;
    // Page and worker share this test's context: a page's message reaches the worker as from the popup.
    // The fake's trigger passes every argument on; its type knows only message and sender.
    const deliver = fakeBrowser.runtime.onMessage.trigger as (
      ...args: unknown[]
    ) => Promise<unknown>;
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(
      ((message: unknown, respond: (response: unknown) => void) =>
        void deliver(message, OWN_PAGE, respond)) as never,
    );
  });

  afterEach(() => {
    running = false;
    vi.restoreAllMocks();
    runtime.lastError = lastError;
  });

  it('get the problem from getStatus and a clear refusal elsewhere, then the snapshot once it starts', async () => {
    const time = virtualTime();
    const broadcasts: StatusSnapshot[] = [];
    const unsubscribe = workerClient.subscribeToStatus((snapshot) => broadcasts.push(snapshot));
    const startup = worker(time);
    registerHandlers(startup, SELF, time.now);
    await time.drain();
    const failedAt = time.now();

    const during = await workerClient.getStatus();
    const refused: unknown = await workerClient.getSettings().catch((error: unknown) => error);
    await time.advance(1000);
    await vi.waitFor(() => expect(broadcasts).toHaveLength(2));
    const after = await workerClient.getStatus();
    const settings = await workerClient.getSettings();
    unsubscribe();

    const problem = { reason: FULL_DISK, attempts: 1, failedAt, retryAt: failedAt + 1000 };
    expect(during).toEqual({ now: failedAt, enabled: true, connections: [], problem });
    expect(isWorkerUnavailable(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'worker_unavailable', problem });
    expect(describeSendError(refused, failedAt)).toBe(
      `Token Keeper could not open its storage: ${FULL_DISK}. Retrying at ${formatTime(failedAt + 1000)}…`,
    );
    expect(broadcasts).toEqual([during, { now: failedAt + 1000, enabled: true, connections: [] }]);
    expect(after).toEqual({ now: failedAt + 1000, enabled: true, connections: [] });
    expect(settings).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses other senders before saying anything about the start (R7)', async () => {
    const time = virtualTime();
    const startup = worker(time);
    const dispatch = createDispatcher(handlersFor(startup, time.now), SELF);
    await time.drain();

    const stranger = dispatch('getStatus', undefined, {
      id: EXTENSION_ID,
      url: 'https://evil.example/',
    });
    const own = dispatch('getStatus', undefined, OWN_PAGE);

    await expect(stranger).rejects.toThrow('Token Keeper answers only its own pages.');
    await expect(own).resolves.toMatchObject({ problem: { reason: FULL_DISK } });
  });

  it('tells other extensions the worker is unavailable, then applies the allow-list once it starts', async () => {
    const time = virtualTime();
    const startup = worker(time);
    const request = { type: 'getAccessToken', connectionId: 'c1' };

    const during = await answerExternal(startup, request, 'abcdefghijklmnopabcdefghijklmnop');
    await time.advance(1000);
    await startup.ready;
    const after = await answerExternal(startup, request, 'abcdefghijklmnopabcdefghijklmnop');

    expect(during).toEqual(EXTERNAL_UNAVAILABLE);
    expect(during).toMatchObject({ error: { code: 'worker_unavailable' } });
    expect(after).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
  });

  it('closes other extensions’ event ports while it cannot start, then weighs them once it has', async () => {
    const time = virtualTime();
    const startup = worker(time);
    const port = () => {
      const state = { received: [] as unknown[], open: true };
      return {
        state,
        port: {
          name: EVENTS_PORT,
          sender: { id: 'abcdefghijklmnopabcdefghijklmnop' },
          postMessage: (message: unknown) => void state.received.push(message),
          disconnect: () => void (state.open = false),
          onDisconnect: { addListener: () => undefined },
        },
      };
    };
    const during = port();
    const after = port();

    await connectExternal(startup, during.port);
    await time.advance(1000);
    await startup.ready;
    await connectExternal(startup, after.port);

    expect(during.state).toEqual({ received: [], open: false });
    expect(after.state).toEqual({ received: [{ type: 'notAllowed' }], open: false });
  });
});
