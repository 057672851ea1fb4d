// `npm run chaos`: the deterministic fault simulator (docs/reliability.md#the-fault-simulator). Plays seeds
// on every core until the time budget is spent, shrinks every failing seed to a minimal list of steps, and
// ends with
//   chaos: S seeds, N steps, F faults injected, V invariant violations
// (exit 1 when V > 0). A report, not a timed test.
// Options: --minutes M (default 4.5), --seeds N (stop after N seeds), --from S (first seed, default 1),
// --jobs J (processes, default one per core), --seed S [--only 0,3,7] (replay one seed, or some of its
// steps, with a trace under CHAOS_TRACE=1), --no-shrink.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runSeed, type Failure, type SeedResult } from './run-seed';
import { shrink } from './shrink';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '4.5' },
    seeds: { type: 'string' },
    from: { type: 'string', default: '1' },
    jobs: { type: 'string' },
    shard: { type: 'string' },
    seed: { type: 'string' },
    only: { type: 'string' },
    'no-shrink': { type: 'boolean', default: false },
  },
});

/** What one seed contributes to the summary (a shard sends these to the parent, one JSON line each). */
interface SeedLine {
  seed: number;
  steps: number;
  faults: number;
  requests: number;
  thrown: number;
  withinLeeway: number;
  unavoidable: Record<string, number>;
  hiddenJump: number;
  failure?: Failure;
  played: number[];
  /** Log lines the engine wrote while surviving faults, counted instead of printed. */
  logged: number;
  unhandled: number;
}

// The engine logs what it survives (a failed write, a lost history row); thousands of faults would flood
// the report, so those lines are counted instead.
let logged = 0;
console.error = () => void (logged += 1);
console.warn = () => void (logged += 1);
// A browser logs an unhandled rejection and goes on (idb's unawaited `tx.done` of an aborted read is one).
let unhandled = 0;
process.on('unhandledRejection', () => void (unhandled += 1));
const say = (line: string) => process.stdout.write(`${line}\n`);

const budgetMs = Number(values.minutes) * 60_000;
const first = values.seed ? Number(values.seed) : Number(values.from);
const only = values.only?.split(',').map(Number);
const started = performance.now();

if (values.shard) {
  await runShard(values.shard);
} else {
  await runAll();
}

/** A child process: plays seeds first+k, first+k+n, … and prints one JSON line per seed. */
async function runShard(shard: string): Promise<void> {
  const [k, n] = shard.split('/').map(Number) as [number, number];
  const maxSeeds = values.seeds ? Number(values.seeds) : Infinity;
  for (let seed = first + k; seed < first + maxSeeds; seed += n) {
    if (performance.now() - started > budgetMs) break;
    say(JSON.stringify(toLine(await runSeed(seed))));
  }
}

function toLine(result: SeedResult): SeedLine {
  const line: SeedLine = {
    seed: result.seed,
    steps: result.played.length,
    faults: result.faults,
    requests: result.requests,
    thrown: result.thrown,
    withinLeeway: result.tally.reuseWithinLeeway,
    unavoidable: result.tally.unavoidable,
    hiddenJump: result.tally.deadAfterHiddenJump,
    ...(result.failure ? { failure: result.failure } : {}),
    played: result.played,
    logged,
    unhandled,
  };
  logged = 0;
  unhandled = 0;
  return line;
}

/** The parent: one shard per core (or the one seed asked for), then the summary. */
async function runAll(): Promise<void> {
  const jobs = values.seed ? 1 : Number(values.jobs ?? availableParallelism());
  const lines: SeedLine[] = [];
  const onLine = async (line: SeedLine) => {
    lines.push(line);
    if (line.failure) await report(line);
    if (lines.length % 250 === 0) {
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      const faults = lines.reduce((sum, l) => sum + l.faults, 0);
      say(`  ${lines.length} seeds, ${faults} faults (${seconds} s)`);
    }
  };
  if (values.seed) {
    await onLine(toLine(await runSeed(first, only ? { only } : {})));
  } else {
    await Promise.all(Array.from({ length: jobs }, (_, k) => shardProcess(k, jobs, onLine)));
  }
  summarize(lines);
}

/** Runs one shard as a child process and feeds its lines to `onLine`. */
function shardProcess(k: number, n: number, onLine: (line: SeedLine) => Promise<void>) {
  const args = [
    ...process.execArgv,
    process.argv[1]!,
    '--shard',
    `${k}/${n}`,
    '--from',
    String(first),
    '--minutes',
    String(values.minutes),
    ...(values.seeds ? ['--seeds', values.seeds] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const reading = (async () => {
    for await (const text of createInterface({ input: child.stdout })) {
      if (text.startsWith('{')) await onLine(JSON.parse(text) as SeedLine);
    }
  })();
  const exited = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`shard ${k}/${n} exited with ${code}`)),
    ),
  );
  return Promise.all([reading, exited]);
}

/** Prints a failing seed with a minimal reproduction. */
async function report(line: SeedLine): Promise<void> {
  const failure = line.failure!;
  say(`seed ${line.seed}: ${failure.invariant} — ${failure.detail}`);
  say(`  found ${failure.when} step ${failure.step}`);
  const shrinkIt = !values['no-shrink'] && !values.seed;
  const minimal = shrinkIt ? await shrink(line.seed, line.played, failure.invariant) : line.played;
  const steps = (await runSeed(line.seed, { only: minimal })).steps;
  say(`  minimal steps (${minimal.length} of ${steps.length}):`);
  for (const index of minimal) {
    const step = steps[index]!;
    say(`    #${index} at +${(step.at / 60_000).toFixed(1)} min: ${JSON.stringify(step.op)}`);
  }
  say(`  reproduce: npm run chaos -- --seed ${line.seed} --only ${minimal.join(',')}`);
}

function summarize(lines: SeedLine[]): void {
  const sum = (pick: (line: SeedLine) => number) => lines.reduce((s, l) => s + pick(l), 0);
  const unavoidable: Record<string, number> = {};
  for (const line of lines) {
    for (const [policy, count] of Object.entries(line.unavoidable)) {
      unavoidable[policy] = (unavoidable[policy] ?? 0) + count;
    }
  }
  const violations = lines.filter((line) => line.failure).length;
  const seeds = lines.map((line) => line.seed);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  say('');
  say(
    `${lines.length} seeds between ${Math.min(...seeds)} and ${Math.max(...seeds)} in ${seconds} s; ${sum((l) => l.requests)} token requests`,
  );
  say(
    `reuse of a rotated refresh token within the provider's leeway: ${sum((l) => l.withinLeeway)} (accepted, nothing lost)`,
  );
  const window = Object.entries(unavoidable)
    .map(([policy, count]) => `${policy} ${count}`)
    .join(', ');
  say(
    `the unavoidable window (a grant lost to an answer that never reached a living worker): ${window || 'none'}`,
  );
  say(
    `tokens handed out dead after the wall clock went back unseen (while no worker ran, by less than the time that passed): ${sum((l) => l.hiddenJump)}`,
  );
  say(
    `engine tasks that ended in an error (shown to the person, not a broken promise): ${sum((l) => l.thrown)}; lines logged ${sum((l) => l.logged)}, unhandled rejections ${sum((l) => l.unhandled)}`,
  );
  say(
    `chaos: ${lines.length} seeds, ${sum((l) => l.steps)} steps, ${sum((l) => l.faults)} faults injected, ${violations} invariant violations`,
  );
  process.exit(violations > 0 ? 1 : 0);
}
