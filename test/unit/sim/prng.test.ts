import { describe, expect, it } from 'vitest';
import { createRandom } from '@/scripts/sim/prng';

describe('createRandom', () => {
  it('gives the same numbers for the same seed', () => {
    const first = createRandom(42);
    const second = createRandom(42);

    const a = Array.from({ length: 5 }, () => first.next());
    const b = Array.from({ length: 5 }, () => second.next());

    expect(a).toEqual(b);
  });

  it('stays in [0, 1) and spreads over it', () => {
    const random = createRandom(7);

    const samples = Array.from({ length: 10_000 }, () => random.next());

    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(1);
    const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });

  it('draws integers within the bounds, both included', () => {
    const random = createRandom(3);

    const values = new Set(Array.from({ length: 1_000 }, () => random.int(1, 3)));

    expect([...values].sort()).toEqual([1, 2, 3]);
  });

  it('draws exponential waits with the asked mean', () => {
    const random = createRandom(9);

    const samples = Array.from({ length: 20_000 }, () => random.exponential(20));

    const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length;
    expect(mean).toBeGreaterThan(19);
    expect(mean).toBeLessThan(21);
  });

  it('forks independent streams that do not depend on how much the parent was used', () => {
    const fresh = createRandom(5);
    const used = createRandom(5);
    used.next();
    used.next();

    const actual = used.fork('emulator').next();

    expect(actual).toBe(fresh.fork('emulator').next());
    expect(actual).not.toBe(fresh.fork('callers').next());
  });
});
