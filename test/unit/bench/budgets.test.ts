import { describe, expect, it } from 'vitest';
import { budgetLine, judgeBudgets } from '@/scripts/bench/budgets';
import type { FreshnessResult } from '@/scripts/bench/freshness';
import type { Recovery, StrategyFigures } from '@/scripts/bench/outcome';
import type { BenchResults } from '@/scripts/bench/results';
import { POLLING } from '@/scripts/bench/strategies';

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
  it('judges the twelve budgets of the issues and misses what was not measured', () => {
    const input = results();

    const actual = judgeBudgets(input);

    expect(actual).toHaveLength(12);
    expect(actual.every((v) => !v.met && v.figure === 'not measured: Chromium not found')).toBe(
      true,
    );
    expect(budgetLine(actual)).toBe('budgets: 0/12 met');
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

  it('judges the page budgets as time over an empty extension page loaded in the same run', () => {
    const pages = (emptyPageMs: number) =>
      results({
        pages: {
          ok: true,
          value: {
            repeats: 9,
            emptyPageMs,
            scriptedEmptyPageMs: emptyPageMs + 20,
            popup: {
              connections: 50,
              shellMs: 10,
              scriptMs: 9,
              mirrorSentMs: 8,
              mirrorReplyMs: 9,
              statusMs: 5,
              statusSentMs: 12,
              statusReplyMs: 20,
              firstCardMs: 50,
              allCardsMs: 100,
            },
            history: {
              connections: 1000,
              events: 100_000,
              shellMs: 20,
              statusMs: 30,
              firstPageMs: 10,
              pageSentMs: 15,
              pageReplyMs: 40,
              statusSentMs: 25,
              statusReplyMs: 60,
              firstRowMs: 190,
              connectionFilterMs: 30,
              outcomeFilterMs: 40,
            },
            storage: { baselineBytes: 0, seededBytes: 1 },
          },
        },
      });

    const heavyEmpty = judgeBudgets(pages(40));
    const lightEmpty = judgeBudgets(pages(30));

    expect(heavyEmpty.map((v) => v.met)).toEqual([
      ...Array<boolean>(8).fill(false),
      true,
      true,
      false,
      false,
    ]);
    expect(heavyEmpty[8]!.figure).toBe('60 ms over (100 − 40 ms, 9 loads)');
    expect(lightEmpty[8]!.met).toBe(false);
    expect(lightEmpty[9]!.met).toBe(false);
  });

  it('judges recovery against the poll of the same run, requests against the plan and the hourly cap', () => {
    const recovery = (medianMs: number, maxMs: number, busiest: number): Recovery => ({
      label: 'outage',
      affected: 10,
      medianMs,
      maxMs,
      neverRecovered: 0,
      busiestHourRequests: busiest,
    });
    const figures = (name: string, recoveries: Recovery[], requestsPerLifetime = 1) =>
      ({
        name,
        recoveries,
        requestsPerLifetime,
        availability: 1,
        wakeUpsPerRefresh: 0,
        reuseErrors: 0,
        connectionsLost: 0,
      }) as unknown as StrategyFigures;
    const month = (ours: StrategyFigures) =>
      results({
        freshness: {
          ok: true,
          value: {
            plannedPerLifetime: 1.5,
            ours,
            others: [figures(POLLING.name, [recovery(60_000, 300_000, 5)])],
          } as unknown as FreshnessResult,
        },
      });

    const good = judgeBudgets(month(figures('ours', [recovery(50_000, 110_000, 55)], 1.575)));
    const bad = judgeBudgets(month(figures('ours', [recovery(70_000, 130_000, 61)], 1.58)));

    expect(good.slice(1, 5).map((v) => v.met)).toEqual([true, true, true, true]);
    expect(bad.slice(1, 5).map((v) => v.met)).toEqual([false, false, false, false]);
    expect(good[1]!.figure).toBe('0.8 min (poll 1.0 min)');
    expect(good[3]!.figure).toBe('1.575 (≤ 1.575: plan 1.500)');
  });
});
