// Seeds on which the fault simulator found a bug (docs/reliability.md#bugs-the-simulator-found). Each is
// replayed by `chaos.test.ts` and must stay free of invariant violations. Later engine changes may move
// what a seed exercises; they stay as cheap, varied fixed cases.
export interface RegressionCase {
  seed: number;
  found: string;
}

export const REGRESSIONS: RegressionCase[] = [
  { seed: 7, found: 'a worker killed after its refresh alarm fired left no alarm until the sweep' },
  { seed: 39, found: 'a worker killed while starting consumed the one-shot refresh alarm' },
  { seed: 4, found: 'arm() failing on a storage read left no refresh alarm at all' },
  { seed: 155, found: 'a new plan written by connect, then the worker died before arming it' },
  { seed: 164, found: 'the clock guard made every token due, then the worker died before arming' },
  { seed: 63, found: 'an in-flight marker left by a failed state write waited for the sweep' },
  { seed: 74, found: 'a kill mid-transaction must roll it back (removal left an orphan secret)' },
  { seed: 369, found: 'a code response that failed validation dropped a fresh grant unrevoked' },
  { seed: 435, found: 'a storage hiccup during connect revoked a fresh grant instead of retrying' },
  { seed: 427, found: 'an unusable expires_in trusted the 10-minute default for a 60 s token' },
  { seed: 557, found: 'a clock jump back landing after the last refresh handed out a dead token' },
  { seed: 184, found: 'remembering the clock after a failed check hid a jump back' },
  {
    seed: 272,
    found: 'an arm that read the settings before they changed cleared the alarm a cover had set',
  },
  {
    seed: 61,
    found: 'a failed start left its database connection open, so Remove all data waited for ever',
  },
  {
    seed: 226,
    found:
      'a lost answer inside the reuse leeway waited out 11 min of one failing read per attempt',
  },
  {
    seed: 554,
    found: 'a caller got a token that an unseen rotation (its worker died) had retired',
  },
  {
    seed: 1311,
    found:
      'a lost answer inside the reuse leeway waited out 10 min of alarm passes that gave up at a read',
  },
  {
    seed: 918,
    found:
      'a consent token write that failed every attempt was held in memory until the worker idled out',
  },
  {
    seed: 593,
    found:
      'the simulator blamed the engine for a leeway loss a clock set back kept every alarm from settling',
  },
];
