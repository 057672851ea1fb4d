// A short, fixed-seed run of the fault simulator (`npm run chaos` runs thousands): the real engine under
// storage, crypto and network faults, kills, restarts and clock jumps, checked after every step.
import { describe, expect, it } from 'vitest';
import { quietConsole } from '../../support/quiet-console';
import { runSeed, type SeedResult } from '../../../scripts/chaos/run-seed';
import { REGRESSIONS } from './regressions';

quietConsole();

function describeFailure(result: SeedResult): string {
  const failure = result.failure;
  return failure ? `seed ${result.seed}: ${failure.invariant} — ${failure.detail}` : 'none';
}

describe('fault simulator, fixed seeds', () => {
  it('keeps every invariant on seeds 1–30, under thousands of injected faults', async () => {
    const results: SeedResult[] = [];
    for (let seed = 1; seed <= 30; seed += 1) results.push(await runSeed(seed));

    const failures = results.filter((result) => result.failure).map(describeFailure);
    const faults = results.reduce((sum, result) => sum + result.faults, 0);
    expect(failures).toEqual([]);
    expect(faults).toBeGreaterThan(2_000);
  }, 120_000);

  for (const regression of REGRESSIONS) {
    it(`seed ${regression.seed} (once: ${regression.found})`, async () => {
      const result = await runSeed(regression.seed);

      expect(describeFailure(result)).toBe('none');
    }, 60_000);
  }
});
