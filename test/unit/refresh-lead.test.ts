import { describe, expect, it } from 'vitest';
import { effectiveLeadSec } from '@/utils/refresh-lead';

describe('effectiveLeadSec', () => {
  it.each([
    { leadSec: 600, lifetimeSec: 3600, expected: 600 },
    { leadSec: 600, lifetimeSec: 900, expected: 450 },
    { leadSec: 600, lifetimeSec: 90, expected: 45 },
    { leadSec: 600, lifetimeSec: 0, expected: 0 },
  ])(
    'lead $leadSec s on a $lifetimeSec s token is $expected s',
    ({ leadSec, lifetimeSec, expected }) => {
      const actual = effectiveLeadSec(leadSec, lifetimeSec);

      expect(actual).toBe(expected);
    },
  );
});
