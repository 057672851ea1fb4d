import { describe, expect, it } from 'vitest';
import {
  describeStartError,
  startRetryDelay,
  superviseStart,
  type StartupDeps,
} from '@/utils/background/startup';
import type { StartupProblem } from '@/utils/model';
import { virtualTime } from '../../support/virtual-time';

/** A start that fails with each given error in turn, then succeeds with the number of its attempt. */
function startFailing(...errors: unknown[]) {
  const calls: number[] = [];
  const start = async () => {
    calls.push(calls.length + 1);
    const error = errors[calls.length - 1];
    if (error !== undefined) throw error;
    return { attempt: calls.length };
  };
  return { start, calls };
}

/** A supervisor on virtual time without jitter, recording what it reports. */
function supervise<T>(start: () => Promise<T>, overrides: Partial<StartupDeps<T>> = {}) {
  const time = virtualTime();
  const problems: StartupProblem[] = [];
  const logged: string[] = [];
  const startup = superviseStart({
    start,
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    onProblem: (problem) => problems.push(problem),
    log: (message, detail) => logged.push(`${message} ${String(detail ?? '')}`),
    ...overrides,
  });
  return { startup, time, problems, logged };
}

describe('startRetryDelay', () => {
  it.each([
    { attempt: 1, random: 0.5, expected: 1000 },
    { attempt: 2, random: 0.5, expected: 2000 },
    { attempt: 3, random: 0.5, expected: 4000 },
    { attempt: 6, random: 0.5, expected: 32_000 },
    { attempt: 7, random: 0.5, expected: 60_000 },
    { attempt: 40, random: 0.5, expected: 60_000 },
    { attempt: 1, random: 0, expected: 900 },
    { attempt: 1, random: 0.999_999, expected: 1100 },
    { attempt: 7, random: 0, expected: 54_000 },
    { attempt: 7, random: 0.999_999, expected: 60_000 },
  ])(
    'after failure $attempt (random $random) waits $expected ms',
    ({ attempt, random, expected }) => {
      const actual = startRetryDelay(attempt, random);

      expect(actual).toBe(expected);
    },
  );
});

describe('describeStartError', () => {
  it('keeps the message, redacted, and names a DOMException without one', () => {
    const input = [
      new Error('Bad key for refresh_token=rt-0123456789abcdef in the vault'),
      new DOMException('', 'QuotaExceededError'),
      'plain text',
    ];

    const actual = input.map(describeStartError);

    expect(actual).toEqual([
      'Bad key for refresh_token=[redacted] in the vault',
      'QuotaExceededError',
      'plain text',
    ]);
  });
});

describe('superviseStart', () => {
  it('retries a failing start and uses the services of the attempt that succeeds', async () => {
    const { start, calls } = startFailing(new Error('quota'), new Error('quota'));
    const { startup, time } = supervise(start);

    await time.advance(1000);
    await time.advance(2000);
    const actual = await startup.ready;

    expect(actual).toEqual({ attempt: 3 });
    expect(calls).toEqual([1, 2, 3]);
    expect(startup.state()).toEqual({ phase: 'ready', services: { attempt: 3 } });
  });

  it('waits 1 s, 2 s, 4 s … between attempts, never more than 60 s', async () => {
    const { start } = startFailing(...Array.from({ length: 9 }, () => new Error('no')));
    const { problems, time } = supervise(start);

    await time.advance(10 * 60_000);
    const actual = problems.map((problem) => problem.retryAt - problem.failedAt);
    const waited = problems.slice(1).map((problem, i) => problem.failedAt - problems[i]!.failedAt);

    expect(actual).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(waited).toEqual(actual.slice(0, -1));
  });

  it('does not try again before the announced moment', async () => {
    const { start, calls } = startFailing(new Error('no'));
    const { time } = supervise(start);

    await time.advance(999);
    const before = calls.length;
    await time.advance(1);

    expect([before, calls.length]).toEqual([1, 2]);
  });

  it('keeps the last error, redacted, with the attempt count and the next attempt', async () => {
    const secret = 'access_token=eyJhbGciOiJSUzI1NiJ9abc123';
    const { start } = startFailing(
      new Error('The database is corrupt'),
      new Error(`Vault refused ${secret}`),
    );
    const { startup, time, logged } = supervise(start, { random: () => 0 });

    await time.advance(900);
    const actual = startup.state();

    expect(actual).toEqual({
      phase: 'failing',
      problem: {
        reason: 'Vault refused access_token=[redacted]',
        attempts: 2,
        failedAt: time.now(),
        retryAt: time.now() + 1800,
      },
    });
    expect(logged.join('\n')).not.toContain('eyJhbGciOiJSUzI1NiJ9abc123');
  });

  it('runs work queued while the start fails once, on the services that started', async () => {
    const { start } = startFailing(new Error('no'), new Error('no'));
    const { startup, time } = supervise(start);
    const ran: unknown[] = [];

    startup.whenReady(async (services) => void ran.push(['alarm', services]));
    await time.advance(1000);
    startup.whenReady(async (services) => void ran.push(['button', services]));
    const whileFailing = ran.length;
    await time.advance(2000);

    expect(whileFailing).toBe(0);
    expect(ran).toEqual([
      ['alarm', { attempt: 3 }],
      ['button', { attempt: 3 }],
    ]);
  });

  it('logs a queued task that fails and still runs the others', async () => {
    const { startup, time, logged } = supervise(async () => 'services');
    const ran: string[] = [];

    startup.whenReady(async () => {
      throw new Error('reconcile broke');
    });
    startup.whenReady(async (services) => void ran.push(services));
    await time.drain();

    expect(ran).toEqual(['services']);
    expect(logged).toEqual(['Token Keeper worker task failed Error: reconcile broke']);
  });

  it('settles at once on the first failure, and on success afterwards', async () => {
    const { start } = startFailing(new Error('locked'));
    const { startup, time } = supervise(start);

    const first = await startup.settled();
    await time.advance(1000);
    const second = await startup.settled();

    expect(first).toMatchObject({ phase: 'failing', problem: { reason: 'locked', attempts: 1 } });
    expect(second).toEqual({ phase: 'ready', services: { attempt: 2 } });
  });

  it('settles with a problem when the first attempt hangs, and becomes ready when it ends', async () => {
    let finish!: (services: string) => void;
    const hanging = new Promise<string>((resolve) => (finish = resolve));
    const { startup, time, problems } = supervise(() => hanging, { slowAfterMs: 10_000 });
    const startedAt = time.now();
    let settled: unknown;
    void startup.settled().then((state) => (settled = state));

    await time.advance(9999);
    const early = settled;
    await time.advance(1);
    finish('late services');
    const actual = await startup.ready;

    expect(early).toBeUndefined();
    expect(problems).toEqual([
      {
        reason: 'Opening the storage has not finished after 10 s',
        attempts: 0,
        failedAt: startedAt + 10_000,
        retryAt: startedAt,
      },
    ]);
    expect(settled).toEqual({ phase: 'failing', problem: problems[0] });
    expect(actual).toBe('late services');
    expect(startup.state()).toEqual({ phase: 'ready', services: 'late services' });
  });

  it('is ready when reporting the start fails: a broken badge is no failed start', async () => {
    const { start, calls } = startFailing();
    const { startup, time, logged } = supervise(start, {
      onReady: () => {
        throw new Error('badge');
      },
    });

    await time.advance(60_000);

    expect(await startup.ready).toEqual({ attempt: 1 });
    expect(calls).toEqual([1]);
    expect(logged).toEqual(['Token Keeper could not report its start Error: badge']);
  });
});
