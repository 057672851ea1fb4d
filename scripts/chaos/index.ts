// `npm run chaos`: the deterministic fault simulator (docs/reliability.md#the-fault-simulator). Plays seeds
// until the time budget is spent, shrinks every failing seed to a minimal list of steps, and ends with
//   chaos: S seeds, N steps, F faults injected, V invariant violations
// (exit 1 when V > 0). A report, not a timed test.
// Options: --minutes M (default 4.5), --seeds N (stop after N seeds), --from S (first seed, default 1),
// --seed S [--only 0,3,7] (replay one seed, or some of its steps), --no-shrink.
import { parseArgs } from 'node:util';
import { runSeed, type SeedResult } from './run-seed';
import { shrink } from './shrink';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '4.5' },
    seeds: { type: 'string' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    only: { type: 'string' },
    'no-shrink': { type: 'boolean', default: false },
  },
});

// The engine logs what it survives (a failed write, a lost history row); thousands of faults would flood
// the report, so those lines are counted instead.
const logged = { error: 0, warn: 0 };
console.error = () => void (logged.error += 1);
console.warn = () => void (logged.warn += 1);
const say = (line: string) => process.stdout.write(`${line}\n`);
// A browser logs an unhandled rejection and goes on (idb's unawaited `tx.done` of an aborted read is one).
let unhandled = 0;
process.on('unhandledRejection', () => void (unhandled += 1));

const budgetMs = Number(values.minutes) * 60_000;
const maxSeeds = values.seed ? 1 : values.seeds ? Number(values.seeds) : Infinity;
const first = values.seed ? Number(values.seed) : Number(values.from);
const only = values.only?.split(',').map(Number);
const started = performance.now();
const totals = { seeds: 0, steps: 0, faults: 0, requests: 0, thrown: 0, withinLeeway: 0 };
const unavoidable: Record<string, number> = {};
const failures: SeedResult[] = [];

for (let seed = first; totals.seeds < maxSeeds; seed += 1) {
  if (!values.seed && performance.now() - started > budgetMs) break;
  const result = await runSeed(seed, only ? { only } : {});
  totals.seeds += 1;
  totals.steps += result.played.length;
  totals.faults += result.faults;
  totals.requests += result.requests;
  totals.thrown += result.thrown;
  totals.withinLeeway += result.tally.reuseWithinLeeway;
  for (const [policy, count] of Object.entries(result.tally.unavoidable)) {
    unavoidable[policy] = (unavoidable[policy] ?? 0) + count;
  }
  if (result.failure) {
    failures.push(result);
    await report(result);
  }
  if (totals.seeds % 100 === 0) {
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    say(
      `  ${totals.seeds} seeds, ${totals.faults} faults, ${failures.length} failing (${seconds} s)`,
    );
  }
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
say('');
say(
  `seeds ${first}–${first + totals.seeds - 1} in ${seconds} s; ${totals.requests} token requests`,
);
say(
  `reuse of a rotated refresh token within the provider's leeway: ${totals.withinLeeway} (accepted, nothing lost)`,
);
say(
  `the unavoidable window (a grant lost to an answer that never reached a living worker): ${
    Object.entries(unavoidable)
      .map(([policy, count]) => `${policy} ${count}`)
      .join(', ') || 'none'
  }`,
);
say(
  `engine tasks that ended in an error (shown to the person, not a broken promise): ${totals.thrown}; errors logged ${logged.error}, warnings ${logged.warn}, unhandled rejections ${unhandled}`,
);
say(
  `chaos: ${totals.seeds} seeds, ${totals.steps} steps, ${totals.faults} faults injected, ${failures.length} invariant violations`,
);
process.exit(failures.length > 0 ? 1 : 0);

/** Prints a failing seed with a minimal reproduction. */
async function report(result: SeedResult): Promise<void> {
  const failure = result.failure!;
  say(`seed ${result.seed}: ${failure.invariant} — ${failure.detail}`);
  say(`  found ${failure.when} step ${failure.step}`);
  const minimal =
    values['no-shrink'] || values.seed
      ? result.played
      : await shrink(result.seed, result.played, failure.invariant);
  say(`  minimal steps (${minimal.length} of ${result.steps.length}):`);
  for (const index of minimal) {
    const step = result.steps[index]!;
    say(`    #${index} at +${(step.at / 60_000).toFixed(1)} min: ${JSON.stringify(step.op)}`);
  }
  say(`  reproduce: npm run chaos -- --seed ${result.seed} --only ${minimal.join(',')}`);
}
