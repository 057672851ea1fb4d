// The operations of one seed, drawn up front so a failing seed can be replayed and shrunk step by step.
// Pure: a seed and options in, a list of timed steps out.
import type { Random } from '../sim/prng';
import type { Operation, PolicyName } from '../sim/world';

/** An operation and when it happens (ms after the seed's start, simulation time). */
export interface Step {
  at: number;
  op: Operation;
  /** One of the calm set-up steps that open a seed (no faults yet). */
  setup?: true;
}

/** How big a seed's run is. */
export interface PlanOptions {
  steps: number;
  /** Mean time between steps (ms). */
  meanGapMs: number;
  slots: number;
}

/** The default size: a few connections over an afternoon (thousands of seeds fit in five minutes). */
export const DEFAULT_PLAN: PlanOptions = { steps: 30, meanGapMs: 5 * 60_000, slots: 3 };

const LIFETIMES_SEC = [60, 120, 300, 900, 3600];

/** Time between the set-up steps that open a seed (calm: no faults until the first drawn step). */
export const SETUP_GAP_MS = 5_000;
const POLICIES: PolicyName[] = ['strict', 'leeway', 'static'];

/** Draws the steps of one seed. */
export function drawPlan(random: Random, options: PlanOptions = DEFAULT_PLAN): Step[] {
  const steps: Step[] = [];
  let at = 0;
  const slot = () => random.int(0, options.slots - 1);
  // Every slot starts with a connection, most of them connected.
  // (A few seconds apart: adding discovers the provider over the simulated network first.)
  for (let s = 0; s < options.slots; s += 1) {
    steps.push({ at, op: addOp(random, s), setup: true });
    at += SETUP_GAP_MS;
    if (random.chance(0.85)) {
      steps.push({ at, op: { kind: 'connect', slot: s, hold: false }, setup: true });
    }
    at += SETUP_GAP_MS;
  }
  for (let i = 0; i < options.steps; i += 1) {
    at += Math.round(random.exponential(options.meanGapMs));
    steps.push({ at, op: drawOperation(random, slot) });
  }
  return steps;
}

function addOp(random: Random, slot: number): Operation {
  return {
    kind: 'add',
    slot,
    policy: POLICIES[random.int(0, POLICIES.length - 1)]!,
    lifetimeSec: LIFETIMES_SEC[random.int(0, LIFETIMES_SEC.length - 1)]!,
  };
}

/** Weighted choice of the next operation. */
function drawOperation(random: Random, slot: () => number): Operation {
  const table: [number, () => Operation][] = [
    [14, () => ({ kind: 'calls', slot: slot(), count: random.int(1, 4) })],
    [10, () => ({ kind: 'refresh-now', slot: slot() })],
    [6, () => ({ kind: 'connect', slot: slot(), hold: random.chance(0.5) })],
    [5, () => ({ kind: 'consent', approve: random.chance(0.8) })],
    [4, () => ({ kind: 'disconnect', slot: slot() })],
    [4, () => ({ kind: 'remove', slot: slot() })],
    [4, () => addOp(random, slot())],
    [1, () => ({ kind: 'wipe' })],
    [5, () => ({ kind: 'settings', change: drawSettings(random) })],
    [
      7,
      () => ({
        kind: 'restart',
        closedMs: random.chance(0.5)
          ? random.int(1_000, 120_000)
          : random.int(120_000, 4 * 3_600_000),
        alarmsLost: random.chance(0.3),
      }),
    ],
    [
      4,
      () => ({
        kind: 'clock-jump',
        ms: (random.chance(0.5) ? -1 : 1) * random.int(60_000, 3 * 3_600_000),
      }),
    ],
    [2, () => ({ kind: 'corrupt', slot: slot() })],
    [1, () => ({ kind: 'lose-key' })],
  ];
  const total = table.reduce((sum, [weight]) => sum + weight, 0);
  let pick = random.between(0, total);
  for (const [weight, make] of table) {
    pick -= weight;
    if (pick < 0) return make();
  }
  return table[0]![1]();
}

function drawSettings(random: Random): Record<string, unknown> {
  switch (random.int(0, 3)) {
    case 0:
      return { enabled: random.chance(0.7) };
    case 1:
      return { refreshLeadMin: random.int(1, 30) };
    case 2:
      return { quickRetries: random.int(0, 5) };
    default:
      return { checkIntervalMin: random.int(1, 60) };
  }
}
