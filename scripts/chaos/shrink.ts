// Delta debugging (ddmin) over a failing seed's steps: the smallest list of steps that still breaks the same
// invariant is what a person reads and what becomes a regression case.
import { runSeed, type SeedOptions } from './run-seed';

/** Shrinks `played` to a locally minimal list of step indices that still fails with `invariant`. */
export async function shrink(
  seed: number,
  played: readonly number[],
  invariant: string,
  options: SeedOptions = {},
  budget = 200,
): Promise<number[]> {
  let runs = 0;
  const fails = async (candidate: number[]) => {
    runs += 1;
    const result = await runSeed(seed, { ...options, only: candidate });
    return result.failure?.invariant === invariant;
  };
  let current = [...played];
  let parts = 2;
  while (current.length >= 2 && runs < budget) {
    const size = Math.ceil(current.length / parts);
    let reduced = false;
    for (let start = 0; start < current.length && runs < budget; start += size) {
      const complement = [...current.slice(0, start), ...current.slice(start + size)];
      if (complement.length > 0 && (await fails(complement))) {
        current = complement;
        parts = Math.max(parts - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (parts >= current.length) break;
      parts = Math.min(current.length, parts * 2);
    }
  }
  return current;
}
