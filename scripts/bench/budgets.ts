// The budgets, judged against what was measured. A figure that could not be measured misses.
import { MAX_REQUESTS_PER_HOUR } from '../../utils/engine/retry';
import { count, formatKb, formatPercent, minutes } from './format';
import type { BenchResults, Measured } from './results';
import type { PagesAtScale } from './scale-pages';
import { POLLING } from './strategies';

/** One budget, the figure it is judged on, and the verdict. */
export interface BudgetVerdict {
  budget: string;
  /** The measured figure as printed, or why there is none. */
  figure: string;
  met: boolean;
}

/** How much more than the refresh rule's plan the engine may ask of the token endpoints. */
export const REQUESTS_OVER_PLAN = 1.05;

/** The longest any connection may take to recover after an outage (ms). */
export const WORST_RECOVERY_MS = 2 * 60_000;

/** Judges every budget of the issues (13 restates them), in the order. */
export function judgeBudgets(results: BenchResults): BudgetVerdict[] {
  const { freshness, latency, pages, footprint } = results;
  return [
    verdict('availability outside forced outages ≥ 99.99 %', freshness, ({ ours }) => [
      formatPercent(ours.availability, 3),
      ours.availability >= 0.9999,
    ]),
    verdict(
      'recovery after each outage: median ≤ the 5-minute poll’s in the same run',
      freshness,
      ({ ours, others }) => {
        const poll = others.find((f) => f.name === POLLING.name);
        if (!poll) return ['no 5-minute poll in this run', false];
        const pairs = ours.recoveries.map((r, i) => [r.medianMs, poll.recoveries[i]?.medianMs]);
        return [
          pairs.map(([o, p]) => `${minutes(o!)} (poll ${minutes(p ?? Number.NaN)})`).join(', '),
          pairs.every(([o, p]) => p !== undefined && o! <= p),
        ];
      },
    ),
    verdict('recovery after each outage: worst ≤ 2 minutes', freshness, ({ ours }) => [
      ours.recoveries.map((r) => minutes(r.maxMs)).join(', '),
      ours.recoveries.every((r) => r.neverRecovered === 0 && r.maxMs <= WORST_RECOVERY_MS),
    ]),
    verdict(
      'token requests per token lifetime ≤ 1.05 × what the refresh rule implies on plan',
      freshness,
      ({ ours, plannedPerLifetime }) => [
        `${ours.requestsPerLifetime.toFixed(3)} (≤ ${(REQUESTS_OVER_PLAN * plannedPerLifetime).toFixed(3)}: ` +
          `plan ${plannedPerLifetime.toFixed(3)})`,
        ours.requestsPerLifetime <= REQUESTS_OVER_PLAN * plannedPerLifetime,
      ],
    ),
    verdict('≤ 60 token requests per connection per outage hour', freshness, ({ ours }) => {
      const busiest = Math.max(0, ...ours.recoveries.map((r) => r.busiestHourRequests));
      return [`${busiest} at most`, busiest <= MAX_REQUESTS_PER_HOUR];
    }),
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
    verdict(
      'popup with 50 connections ≤ 60 ms over an empty extension page (median of ≥ 9 loads)',
      pages,
      (p) => overEmptyPage(p, p.popup.allCardsMs, 60, `${p.repeats} loads`, true),
    ),
    verdict(
      'history first rows at 100,000 events ≤ 150 ms over an empty extension page',
      pages,
      (p) =>
        overEmptyPage(
          p,
          p.history.firstRowMs,
          150,
          `${count(p.history.events)} events`,
          p.history.events >= 100_000,
        ),
    ),
    verdict('`getAccessToken` fresh p99 < 10 ms', latency, (l) => [
      `${l.fresh.p99.toFixed(1)} ms`,
      l.fresh.p99 < 10,
    ]),
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

/**
 * A page budget: its time over the empty extension page of the same run, from at least 9 loads and at the
 * scale the budget names (`atScale`).
 */
function overEmptyPage(
  pages: PagesAtScale,
  pageMs: number,
  budgetMs: number,
  detail: string,
  atScale: boolean,
): [string, boolean] {
  const over = pageMs - pages.emptyPageMs;
  return [
    `${over.toFixed(0)} ms over (${pageMs.toFixed(0)} − ${pages.emptyPageMs.toFixed(0)} ms, ${detail})`,
    over <= budgetMs && pages.repeats >= 9 && atScale,
  ];
}
