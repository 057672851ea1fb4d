// One seed of the chaos simulation: draw its steps and fault rates, play them in a fresh world, check the
// invariants before and after every step, then let the world settle without faults and check again.
import { realDelay } from '../sim/sim-runtime';
import { createRandom, type Random } from '../sim/prng';
import { createFaultInjector, type FaultRates } from '../sim/faults';
import { createChecker, type Tally, type Violation } from './invariants';
import { DEFAULT_PLAN, drawPlan, type PlanOptions, type Step } from './plan';
import { createWorld, SIM_START } from '../sim/world';

/** How long the world runs without faults after the last step, checked every few minutes. */
const SETTLE_MS = 3_600_000;
const SETTLE_CHECK_MS = 10 * 60_000;

/** Options of one seed's run. */
export interface SeedOptions {
  plan?: PlanOptions;
  /** Play only these step indices (a shrunk reproduction). */
  only?: readonly number[];
  rates?: FaultRates;
}

/** A violation and where it happened. */
export interface Failure extends Violation {
  /** Index of the step after (or before) which it was found; -1 while settling at the end. */
  step: number;
  when: 'before' | 'after' | 'settling';
}

/** What one seed did. */
export interface SeedResult {
  seed: number;
  steps: Step[];
  /** The indices played. */
  played: number[];
  faults: number;
  faultCounts: Readonly<Record<string, number>>;
  failure?: Failure;
  tally: Tally;
  /** Engine tasks that threw (an error a page or caller would see, not a broken invariant). */
  thrown: number;
  requests: number;
}

/** The steps a seed draws (its reproduction is a list of indices into these). */
export function stepsOf(seed: number, plan: PlanOptions = DEFAULT_PLAN): Step[] {
  return drawPlan(createRandom(seed).fork('plan'), plan);
}

/** Plays one seed. */
export async function runSeed(seed: number, options: SeedOptions = {}): Promise<SeedResult> {
  const random = createRandom(seed);
  const steps = stepsOf(seed, options.plan);
  const played = options.only ? [...options.only] : steps.map((_, index) => index);
  const rates = options.rates ?? drawRates(random.fork('rates'));
  const faults = createFaultInjector(random.fork('faults'), rates);
  const world = createWorld(random.fork('world'), faults);
  const checker = createChecker(world);
  const result = (failure?: Failure): SeedResult => ({
    seed,
    steps,
    played,
    faults: faults.total,
    faultCounts: faults.counts,
    ...(failure ? { failure } : {}),
    tally: checker.tally,
    thrown: world.crashes.length,
    requests: world.network.requests,
  });
  const check = async (step: number, when: Failure['when']): Promise<Failure | undefined> => {
    const found = [...(await checker.always())];
    if (found.length === 0 && world.atRest()) found.push(...(await checker.atRest()));
    return found[0] ? { ...found[0], step, when } : undefined;
  };
  try {
    for (const index of played) {
      const step = steps[index]!;
      await world.advanceTo(SIM_START + step.at);
      // The first connections are set up in a calm world; every later step meets faults.
      faults.enabled = step.setup !== true;
      const before = await check(index, 'before');
      if (before) return result(before);
      // An action the person starts must end (Remove all data once waited for ever on a leaked connection).
      const acted = world.perform(step.op).then(() => world.advanceTo(world.clock.now()));
      if (!(await finishes(acted))) {
        return result({
          invariant: 'every action finishes',
          detail: `${step.op.kind} did not finish within ${STEP_DEADLINE_MS / 1000} s of real time`,
          step: index,
          when: 'after',
        });
      }
      const after = await check(index, 'after');
      if (after) return result(after);
    }
    faults.enabled = false;
    const end = world.clock.now() + SETTLE_MS;
    while (world.clock.now() < end) {
      await world.advanceTo(world.clock.now() + SETTLE_CHECK_MS);
      const settling = await check(-1, 'settling');
      if (settling) return result(settling);
    }
    return result();
  } finally {
    world.dispose();
  }
}

/** Real time an action may take: simulated steps take milliseconds, so this only catches one that hangs. */
const STEP_DEADLINE_MS = 60_000;

/** Whether `work` settles before the deadline (its rejection counts as finishing: errors are shown, not hung). */
async function finishes(work: Promise<unknown>): Promise<boolean> {
  // Real time: the simulation's own timers stand still while an action is awaited.
  const deadline = realDelay(STEP_DEADLINE_MS);
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      deadline.done.then(() => false),
    ]);
  } finally {
    deadline.cancel();
  }
}

/** Fault rates of a seed: from a calm day to a storm, so both the rare and the common paths are hit. */
export function drawRates(random: Random): FaultRates {
  const pick = (values: number[]) => values[random.int(0, values.length - 1)]!;
  return {
    storage: pick([0, 0.01, 0.05, 0.1, 0.2]),
    network: pick([0, 0.05, 0.15, 0.3]),
    kill: pick([0, 0.001, 0.005, 0.01]),
  };
}
