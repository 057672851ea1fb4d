// `npm run bench`: freshness over a hostile month, latency, scale and footprint; prints a summary, writes
// docs/benchmarks.md and ends with `budgets: N/M met`. A report, not a test: it exits 0 when budgets are
// missed, and a section that cannot run is reported as not measured.
// Options: --quick (a 3-day month, fewer samples, smaller scale; prints only), --write (write the report even
// when quick), --month (only the month, in Node without Chromium: prints its figures, writes nothing).
import 'fake-indexeddb/auto';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { ROOT } from '../../test/support/build';
import { findChromium } from '../../test/support/chromium';
import { judgeBudgets } from './budgets';
import { buildForBench } from './build';
import { measureFootprint } from './footprint';
import { runFreshness } from './freshness';
import { measureLatency } from './latency';
import { renderConsole, renderMarkdown } from './report';
import type { BenchResults, Measured, RunInfo } from './results';
import { measureSchedulingAtScale } from './scale-node';
import { measurePagesAtScale } from './scale-pages';
import { installSimRuntime } from '../sim/sim-runtime';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    month: { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;
const REPORT = join(ROOT, 'docs', 'benchmarks.md');
const started = performance.now();
const say = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

/** Runs one section; a failure becomes "not measured" with its reason, and the run goes on. */
async function section<T>(name: string, work: () => Promise<T> | T): Promise<Measured<T>> {
  say(`${name}…`);
  try {
    const value = await work();
    return { ok: true, value };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    console.error(`${name} failed:`, error);
    return { ok: false, reason };
  }
}

if (values.month) {
  installSimRuntime();
  const freshness = await runFreshness(quick ? { days: 3 } : {}, (line) => say(line));
  // Every figure but the real time taken: the same seed must print the same lines.
  for (const { realMs: _realMs, ...figures } of [freshness.ours, ...freshness.others]) {
    console.log(JSON.stringify(figures));
  }
  process.exit(0);
}

const build = await section('build (wxt build)', () => buildForBench());
const footprint = await section('footprint', () => {
  if (!build.ok) throw new Error(`no build: ${build.reason}`);
  return measureFootprint(build.value);
});
const loadBefore = loadavg()[0]!;
const latency = await section('latency in Chromium', () => {
  if (!build.ok) throw new Error(`no build: ${build.reason}`);
  return measureLatency(
    build.value,
    quick
      ? { freshCalls: 200, coldStarts: 3, refreshes: 10 }
      : { freshCalls: 1000, coldStarts: 10, refreshes: 50 },
  );
});
const pages = await section('pages at scale in Chromium', () => {
  if (!build.ok) throw new Error(`no build: ${build.reason}`);
  return measurePagesAtScale(
    build.value,
    quick
      ? { popupConnections: 50, connections: 200, events: 10_000, repeats: 3 }
      : { popupConnections: 50, connections: 1_000, events: 100_000, repeats: 9 },
  );
});
const loadAfter = loadavg()[0]!;
const scheduling = await section('scheduling at scale (fake-indexeddb)', () =>
  quick ? measureSchedulingAtScale(200, 10_000, 3) : measureSchedulingAtScale(),
);
// From here on the runtime is the simulation's (counted tasks, synchronous AES-GCM): Chromium is done.
installSimRuntime();
const freshness = await section('freshness: the hostile month', () =>
  runFreshness(quick ? { days: 3 } : {}, (line) => say(line)),
);

const info: RunInfo = {
  startedAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  quick,
  node: process.version,
  chromium: chromiumVersion(),
  cpu: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
  commit: commitDescription(),
  load: { before: loadBefore, after: loadAfter },
  totalMs: performance.now() - started,
};
const results: BenchResults = { info, freshness, latency, scheduling, pages, footprint };
const verdicts = judgeBudgets(results);
if (!quick || values.write) {
  // Formatted like every other file, so `prettier --check` (npm test) accepts the generated report.
  const markdown = await format(renderMarkdown(results, verdicts), {
    ...(await resolveConfig(REPORT)),
    filepath: REPORT,
  });
  writeFileSync(REPORT, markdown);
  say(`report written to ${REPORT}`);
}
// The summary ends with the `budgets: N/M met` line.
console.log(`\n${renderConsole(results, verdicts)}`);
process.exit(0);

function chromiumVersion(): string {
  try {
    return (
      spawnSync(findChromium(), ['--version'], { encoding: 'utf8' }).stdout.trim() || 'Chromium'
    );
  } catch {
    return 'Chromium (not found)';
  }
}

function commitDescription(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const hash = head.stdout.trim() || 'unknown';
  return dirty.stdout.trim() ? `${hash} (plus uncommitted changes)` : hash;
}
