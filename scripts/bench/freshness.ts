// Section 1: the hostile month, lived by our engine and by each competing strategy.
import { buildMonth, DEFAULT_MONTH, type Month, type MonthOptions } from '../sim/month';
import { runOurEngine } from './our-engine';
import { figuresOf, plannedPerLifetime, type StrategyFigures } from './outcome';
import { COMPETITORS, runStrategy } from './strategies';

/** The month and every strategy's figures, ours first. */
export interface FreshnessResult {
  month: Month;
  /** Refreshes per token lifetime the refresh rule implies on plan, for this month's connections. */
  plannedPerLifetime: number;
  ours: StrategyFigures;
  others: StrategyFigures[];
}

/** Runs the month for our engine and the competing strategies (`days` shortens it for --quick). */
export async function runFreshness(
  options: Partial<MonthOptions> = {},
  log: (line: string) => void = () => undefined,
): Promise<FreshnessResult> {
  const month = buildMonth({ ...DEFAULT_MONTH, ...options });
  log(
    `month: ${month.connections.length} connections, ${month.calls.length} token calls, ` +
      `${(month.end - month.start) / 86_400_000} days`,
  );
  const ours = figuresOf(month, await runOurEngine(month));
  log(`  ${ours.name}: ${(ours.realMs / 1000).toFixed(1)} s`);
  const others: StrategyFigures[] = [];
  for (const strategy of COMPETITORS) {
    const figures = figuresOf(month, await runStrategy(month, strategy));
    log(`  ${figures.name}: ${(figures.realMs / 1000).toFixed(1)} s`);
    others.push(figures);
  }
  return { month, plannedPerLifetime: plannedPerLifetime(month), ours, others };
}
