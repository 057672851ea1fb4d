import { describe, expect, it, vi } from 'vitest';
import {
  HISTORY_FIRST_WAIT_MS,
  withHistoryFirst,
  withPrefetchedStatus,
} from '@/components/prefetch';
import type { HistoryPage, HistoryQuery } from '@/utils/messaging';
import type { StatusSnapshot } from '@/utils/model';
import { deferred, makeSnapshot, NOW } from './fixtures';

describe('withPrefetchedStatus', () => {
  it('sends the first getStatus at once and hands its answer to the first caller only', async () => {
    const answers = [makeSnapshot([], NOW), makeSnapshot([], NOW + 1)];
    const getStatus = vi.fn(async () => answers.shift()!);

    const client = withPrefetchedStatus({ getStatus });
    const sentBeforeAsked = getStatus.mock.calls.length;
    const first = await client.getStatus();
    const second = await client.getStatus();

    expect(sentBeforeAsked).toBe(1);
    expect([first.now, second.now]).toEqual([NOW, NOW + 1]);
    expect(getStatus).toHaveBeenCalledTimes(2);
  });

  it('reports a failed early request to the first caller', async () => {
    const client = withPrefetchedStatus({
      getStatus: () => Promise.reject(new Error('Receiving end does not exist.')),
    });

    await expect(client.getStatus()).rejects.toThrow('Receiving end does not exist.');
  });
});

describe('withHistoryFirst', () => {
  const first: HistoryQuery = { limit: 50 };
  const page: HistoryPage = { events: [], hasMore: false, connections: [] };

  /** A worker whose first page of history the test answers by hand. */
  function worker() {
    const history = deferred<HistoryPage>();
    const getHistory = vi.fn((query: HistoryQuery) =>
      query.connectionId === undefined ? history.promise : Promise.resolve(page),
    );
    const getStatus = vi.fn(async (): Promise<StatusSnapshot> => makeSnapshot([], NOW));
    return { history, getHistory, getStatus };
  }

  it('asks for the first page at once, hands it to the identical request, and sends the status after it', async () => {
    const { history, getHistory, getStatus } = worker();

    const client = withHistoryFirst({ getHistory, getStatus }, first, () => new Promise(() => {}));
    const askedAtOnce = getHistory.mock.calls.length;
    const status = client.getStatus();
    const shown = client.getHistory({ limit: 50 });
    await Promise.resolve();
    const statusBeforePage = getStatus.mock.calls.length;
    history.resolve(page);
    await status;

    expect(askedAtOnce).toBe(1);
    expect(await shown).toBe(page);
    expect(getHistory).toHaveBeenCalledTimes(1);
    expect(statusBeforePage).toBe(0);
    expect(getStatus).toHaveBeenCalledTimes(1);
  });

  it('sends a different request of its own and lets the status go once the first page is refused', async () => {
    const { history, getHistory, getStatus } = worker();
    const client = withHistoryFirst({ getHistory, getStatus }, first, () => new Promise(() => {}));

    await client.getHistory({ limit: 50, connectionId: 'c1' });
    history.reject(new Error('worker_unavailable'));
    await client.getStatus();

    expect(getHistory.mock.calls.map(([query]) => query)).toEqual([
      { limit: 50 },
      { limit: 50, connectionId: 'c1' },
    ]);
    expect(getStatus).toHaveBeenCalledTimes(1);
  });

  it('lets the status go after HISTORY_FIRST_WAIT_MS when the first page never comes', async () => {
    const { getHistory, getStatus } = worker();
    const waited: number[] = [];
    const client = withHistoryFirst({ getHistory, getStatus }, first, async (ms) => {
      waited.push(ms);
    });

    await client.getStatus();

    expect(waited).toEqual([HISTORY_FIRST_WAIT_MS]);
    expect(getStatus).toHaveBeenCalledTimes(1);
  });
});
