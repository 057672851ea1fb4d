import { describe, expect, it } from 'vitest';
import { effectiveLeadSec as engineLead } from '@/utils/engine/schedule';
import { effectiveLeadSec as pageLead } from '@/components/lead';

describe('effectiveLeadSec in the pages', () => {
  it.each([
    { leadSec: 600, lifetimeSec: 3600 },
    { leadSec: 600, lifetimeSec: 120 },
    { leadSec: 600, lifetimeSec: 1200 },
    { leadSec: 60, lifetimeSec: 0 },
    { leadSec: 0, lifetimeSec: 3600 },
  ])('agrees with the scheduler for lead $leadSec s, lifetime $lifetimeSec s', (input) => {
    expect(pageLead(input.leadSec, input.lifetimeSec)).toBe(
      engineLead(input.leadSec, input.lifetimeSec),
    );
  });
});
