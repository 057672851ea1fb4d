import { describe, expect, it, vi } from 'vitest';
import { withPrefetchedStatus } from '@/components/prefetch';
import { makeSnapshot, NOW } from './fixtures';

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
