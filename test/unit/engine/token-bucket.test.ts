import { describe, expect, it } from 'vitest';
import { bucketLevel, untilRequestAllowed } from '@/utils/engine/token-bucket';

const RULE = { burst: 6, refillMs: 60_000 };

describe('token bucket', () => {
  it('refills one request per refill period, never above its burst, never backwards in time', () => {
    const actual = [
      bucketLevel(RULE, 0, 0, 30_000),
      bucketLevel(RULE, 0, 0, 120_000),
      bucketLevel(RULE, 5, 0, 600_000),
      bucketLevel(RULE, 2, 60_000, 0),
    ];

    expect(actual).toEqual([0.5, 2, 6, 2]);
  });

  it('says how long until a whole request is there again', () => {
    const actual = [
      untilRequestAllowed(RULE, 0.25),
      untilRequestAllowed(RULE, -1),
      untilRequestAllowed(RULE, 1),
    ];

    expect(actual).toEqual([45_000, 120_000, 0]);
  });
});
