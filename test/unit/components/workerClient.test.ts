import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { StatusSnapshot } from '@/utils/model';
import { describeSendError, workerClient } from '@/components/workerClient';
import { makeConnection, makeSnapshot } from './fixtures';

/** Delivers a `statusChanged` broadcast the way @webext-core/messaging sends it. */
async function broadcast(snapshot: StatusSnapshot) {
  const message = { id: 1, type: 'statusChanged', data: snapshot, timestamp: Date.now() };
  await fakeBrowser.runtime.onMessage.trigger(message, { id: fakeBrowser.runtime.id });
}

describe('workerClient.subscribeToStatus', () => {
  afterEach(() => {
    fakeBrowser.reset();
  });

  it('hands each broadcast to every subscriber through one messaging listener', async () => {
    const received: string[] = [];
    const stopA = workerClient.subscribeToStatus((s) => received.push(`a:${s.now}`));
    const stopB = workerClient.subscribeToStatus((s) => received.push(`b:${s.now}`));

    await broadcast(makeSnapshot([makeConnection()], 42));
    stopA();
    stopB();

    expect(received).toEqual(['a:42', 'b:42']);
  });

  it('stops delivering to a subscriber once it unsubscribes, and can subscribe again', async () => {
    const received: number[] = [];
    const first = workerClient.subscribeToStatus((s) => received.push(s.now));
    first();

    await broadcast(makeSnapshot([], 1));
    const second = workerClient.subscribeToStatus((s) => received.push(s.now));
    await broadcast(makeSnapshot([], 2));
    second();

    expect(received).toEqual([2]);
  });
});

describe('workerClient requests', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    fakeBrowser.reset();
  });

  it('sends each method as the message of its name with its data, and hands back the answer', async () => {
    const received: { type: string; data: unknown }[] = [];
    const expected = { ok: true, refreshed: false, expiresAt: 5 };
    // The worker as @webext-core/messaging answers: `{ res }` through the callback Chrome's API takes.
    const runtime = fakeBrowser.runtime as { lastError?: unknown };
    runtime.lastError = undefined;
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(((
      message: { type: string; data: unknown },
      respond: (reply: unknown) => void,
    ) => {
      received.push(message);
      respond({ res: expected });
    }) as never);

    const actual = await workerClient.refreshNow({ connectionId: 'c1' });

    expect(received).toMatchObject([{ type: 'refreshNow', data: { connectionId: 'c1' } }]);
    expect(actual).toEqual(expected);
  });

  it('keeps one function per method, and is never taken for a promise', async () => {
    const first = workerClient.connect;

    const awaited = await Promise.resolve(workerClient);

    expect(workerClient.connect).toBe(first);
    expect(awaited).toBe(workerClient);
  });
});

describe('describeSendError', () => {
  it.each([
    {
      input: new Error('Could not establish connection. Receiving end does not exist.'),
      expected:
        "Couldn't reach Token Keeper's background worker: Could not establish connection. Receiving end does not exist.",
    },
    {
      input: new Error('No response'),
      expected: "Couldn't reach Token Keeper's background worker: No response",
    },
    {
      input: new Error('Invalid request: Invalid length'),
      expected: 'Invalid request: Invalid length',
    },
    { input: 'plain text', expected: 'plain text' },
    {
      input: new Error(''),
      expected: "Token Keeper's background worker failed without saying why.",
    },
  ])('$input → $expected', ({ input, expected }) => {
    const actual = describeSendError(input);

    expect(actual).toBe(expected);
  });
});
