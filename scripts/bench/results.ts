// Everything one `npm run bench` measured; a section that could not run keeps the reason instead.
import type { FreshnessResult } from './freshness';
import type { BundleSize } from './footprint';
import type { LatencyResult } from './latency';
import type { SchedulingAtScale } from './scale-node';
import type { PagesAtScale } from './scale-pages';

/** A section's result, or why it is missing. */
export type Measured<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Where and how the benchmark ran. */
export interface RunInfo {
  startedAt: string;
  quick: boolean;
  node: string;
  chromium: string;
  cpu: string;
  commit: string;
  /** The machine's 1-minute load average before the Chromium measurements and after them. */
  load: { before: number; after: number };
  totalMs: number;
}

/** The whole benchmark. */
export interface BenchResults {
  info: RunInfo;
  freshness: Measured<FreshnessResult>;
  latency: Measured<LatencyResult>;
  scheduling: Measured<SchedulingAtScale>;
  pages: Measured<PagesAtScale>;
  footprint: Measured<BundleSize[]>;
}
