// A small seeded PRNG, so every benchmark run sees the same month (same failures, same callers).

/** A source of numbers in [0, 1), reproducible from its seed. */
export interface Random {
  /** The next number in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** A number in [min, max). */
  between(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An exponentially distributed wait with the given mean (Poisson arrivals). */
  exponential(mean: number): number;
  /** A new, independent stream derived from this seed and `label` (one per emulator, per strategy). */
  fork(label: string): Random;
}

/** mulberry32: 32-bit state, good enough for simulation, identical on every platform. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    // 1 − u is in (0, 1]: the logarithm never sees 0.
    exponential: (mean) => -mean * Math.log(1 - next()),
    fork: (label) => createRandom(hashSeed(seed, label)),
  };
}

/** Mixes a seed and a label into a new 32-bit seed (FNV-1a over the label, then the seed). */
function hashSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i += 1) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
