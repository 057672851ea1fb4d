// The budgets, judged against what was measured. A figure that could not be measured misses.
import { formatKb, formatPercent } from './format';
import type { BenchResults, Measured } from './results';

/** One budget, the figure it is judged on, and the verdict. */
export interface BudgetVerdict {
  budget: string;
  /** The measured figure as printed, or why there is none. */
  figure: string;
  met: boolean;
}

/** Judges every budget of the issue, in the order. */
export function judgeBudgets(results: BenchResults): BudgetVerdict[] {
  const { freshness, latency, pages, footprint } = results;
  return [
    verdict('availability ≥ 99.99 % outside forced outages', freshness, ({ ours }) => [
      formatPercent(ours.availability, 3),
      ours.availability >= 0.9999,
    ]),
    verdict('refreshes per token lifetime ≤ 1.05', freshness, ({ ours }) => [
      ours.refreshesPerLifetime.toFixed(2),
      ours.refreshesPerLifetime <= 1.05,
    ]),
    verdict('worker wake-ups per refresh ≤ 1.2', freshness, ({ ours }) => [
      ours.wakeUpsPerRefresh.toFixed(3),
      ours.wakeUpsPerRefresh <= 1.2,
    ]),
    verdict('0 refresh-token reuse errors', freshness, ({ ours }) => [
      String(ours.reuseErrors),
      ours.reuseErrors === 0,
    ]),
    verdict('0 connections lost', freshness, ({ ours }) => [
      String(ours.connectionsLost),
      ours.connectionsLost === 0,
    ]),
    verdict('`getAccessToken` fresh p99 < 10 ms', latency, (l) => [
      `${l.fresh.p99.toFixed(1)} ms`,
      l.fresh.p99 < 10,
    ]),
    verdict('popup first render < 100 ms with 50 connections', pages, (p) => [
      `${p.popup.allCardsMs.toFixed(0)} ms`,
      p.popup.allCardsMs < 100,
    ]),
    verdict('history page render < 200 ms with 100,000 events', pages, (p) => {
      const worst = Math.max(
        p.history.firstRowMs,
        p.history.connectionFilterMs,
        p.history.outcomeFilterMs,
      );
      return [
        `first render ${p.history.firstRowMs.toFixed(0)} ms, filter changes ` +
          `${p.history.connectionFilterMs.toFixed(0)} / ${p.history.outcomeFilterMs.toFixed(0)} ms`,
        worst < 200,
      ];
    }),
    verdict('service worker < 60 KB gzip', footprint, (bundles) => {
      const worker = bundles.find((b) => b.name === 'service worker');
      if (!worker) return ['no service worker in the build', false];
      return [`${formatKb(worker.gzipBytes)} gzip`, worker.gzipBytes < 60 * 1024];
    }),
  ];
}

/** The last line of the run: how many budgets were met. */
export function budgetLine(verdicts: readonly BudgetVerdict[]): string {
  return `budgets: ${verdicts.filter((v) => v.met).length}/${verdicts.length} met`;
}

function verdict<T>(
  budget: string,
  section: Measured<T>,
  judge: (value: T) => [string, boolean],
): BudgetVerdict {
  if (!section.ok) return { budget, figure: `not measured: ${section.reason}`, met: false };
  const [figure, met] = judge(section.value);
  return { budget, figure, met: met === true };
}
