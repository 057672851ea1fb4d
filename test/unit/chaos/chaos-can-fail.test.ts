// The simulator must be able to fail: with an engine broken the way the review found it, fixed seeds
// report the broken promise. (A simulator that passes whatever the engine does proves nothing.)
import { describe, expect, it, vi } from 'vitest';
import { quietConsole } from '../../support/quiet-console';
import { runSeed } from '../../../scripts/chaos/run-seed';

const sabotage = vi.hoisted(() => ({ dropRotated: false }));

// The old bug, on purpose: a rotated refresh token that only ever lives in memory.
vi.mock('@/utils/engine/secrets', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/utils/engine/secrets')>();
  return {
    ...original,
    createSecretKeeper: (deps: Parameters<typeof original.createSecretKeeper>[0]) => {
      const keeper = original.createSecretKeeper(deps);
      return {
        ...keeper,
        persist: async (record: Parameters<typeof keeper.persist>[0]) =>
          sabotage.dropRotated && record.refreshToken !== undefined ? true : keeper.persist(record),
      };
    },
  };
});

quietConsole();

describe('fault simulator against a broken engine', () => {
  it('reports a dropped rotated refresh token', async () => {
    sabotage.dropRotated = true;
    const found = new Set<string>();
    for (let seed = 1; seed <= 5; seed += 1) {
      const result = await runSeed(seed);
      if (result.failure) found.add(result.failure.invariant);
    }
    sabotage.dropRotated = false;

    expect([...found]).toEqual(expect.arrayContaining([expect.stringMatching(/refresh token/)]));
  }, 60_000);
});
