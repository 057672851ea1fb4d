import { describe, expect, it } from 'vitest';
import { budgetLine, judgeBudgets } from '@/scripts/bench/budgets';
import type { BenchResults } from '@/scripts/bench/results';

const notMeasured = { ok: false, reason: 'Chromium not found' } as const;

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    info: {
      startedAt: '2026-03-02 07:00 UTC',
      quick: false,
      node: 'v20',
      chromium: 'Chromium',
      cpu: '2 × test',
      commit: 'abc1234',
      load: { before: 1, after: 1 },
      totalMs: 1,
    },
    freshness: notMeasured,
    latency: notMeasured,
    scheduling: notMeasured,
    pages: notMeasured,
    footprint: notMeasured,
    ...overrides,
  };
}

describe('judgeBudgets', () => {
  it('judges the nine budgets of the issue and misses what was not measured', () => {
    const input = results();

    const actual = judgeBudgets(input);

    expect(actual).toHaveLength(9);
    expect(actual.every((v) => !v.met && v.figure === 'not measured: Chromium not found')).toBe(
      true,
    );
    expect(budgetLine(actual)).toBe('budgets: 0/9 met');
  });

  it('meets the footprint budget below 60 KB gzip and misses it above', () => {
    const bundle = (gzipBytes: number) =>
      results({
        footprint: {
          ok: true,
          value: [{ name: 'service worker', files: ['background.js'], rawBytes: 1, gzipBytes }],
        },
      });

    const small = judgeBudgets(bundle(59 * 1024)).at(-1)!;
    const large = judgeBudgets(bundle(61 * 1024)).at(-1)!;

    expect(small).toMatchObject({ figure: '59.0 KB gzip', met: true });
    expect(large).toMatchObject({ figure: '61.0 KB gzip', met: false });
  });

  it('judges the history budget on the slowest of first render and filter changes', () => {
    const pages = (filterMs: number) =>
      results({
        pages: {
          ok: true,
          value: {
            repeats: 1,
            popup: {
              connections: 50,
              shellMs: 10,
              statusMs: 5,
              statusSentMs: 12,
              statusReplyMs: 20,
              firstCardMs: 50,
              allCardsMs: 60,
            },
            history: {
              connections: 1000,
              events: 100_000,
              shellMs: 20,
              statusMs: 30,
              firstPageMs: 10,
              statusSentMs: 25,
              statusReplyMs: 60,
              firstRowMs: 150,
              connectionFilterMs: filterMs,
              outcomeFilterMs: 40,
            },
            storage: { baselineBytes: 0, seededBytes: 1 },
          },
        },
      });

    const fast = judgeBudgets(pages(90));
    const slow = judgeBudgets(pages(250));

    expect(fast.map((v) => v.met)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(slow[7]!.met).toBe(false);
  });
});
