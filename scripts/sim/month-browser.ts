// The MV3 browser of the month, as a discrete-event simulation over virtual time: it fires alarms (late
// after a night's sleep, lost at a browser restart), delivers token calls while earlier work is still
// running, and stops the service worker whenever it has been idle for 30 s (R1) — the same for every
// strategy, so their figures compare.
import type { KeepAlive } from '../../utils/engine/deps';
import type { FakeAlarm, FakeAlarms } from './fake-alarms';
import type { Month, TokenCall } from './month';
import { settle } from './sim-runtime';
import type { VirtualClock } from './virtual-clock';
import { WORKER_IDLE_MS } from './worker-context';

/** Why a worker started. */
export type StartCause = 'alarm' | 'caller' | 'browser-start';

/** What a strategy does in the worker; a new worker starts with no memory of the last one. */
export interface SimulatedExtension {
  /** Top-level code of a freshly started worker (runs alongside the event that woke it). */
  start(cause: StartCause, keepAlive: KeepAlive): Promise<void>;
  onAlarm(alarm: FakeAlarm): Promise<void>;
  /** A caller asks for a token valid for at least a minute. */
  onCall(call: TokenCall): Promise<CallerAnswer>;
  /** The worker stops: everything in memory is gone. */
  stop(): void;
}

/** Everything the simulation drives. */
export interface BrowserSimInput {
  name: string;
  month: Month;
  clock: VirtualClock;
  alarms: FakeAlarms;
  extension: SimulatedExtension;
  /** Each caller's answer; `waited` when virtual time passed before it (a token request was waited on). */
  answered(call: TokenCall, answer: CallerAnswer, answeredAt: number, waited: boolean): void;
}

/** What a caller got. */
export interface CallerAnswer {
  ok: boolean;
  accessToken?: string;
}

/** What the browser itself saw during the month (the callers' answers went to `answered`). */
export interface BrowserMonthRun {
  /** Worker starts, by cause. */
  wakeUps: { alarm: number; caller: number; browserStart: number };
  /** Alarm events delivered (whether or not the worker was running). */
  alarmEvents: number;
  /** Real time the simulation took (ms). */
  realMs: number;
}

/** Runs the month. */
export async function runBrowserMonth(input: BrowserSimInput): Promise<BrowserMonthRun> {
  const { month, clock, alarms, extension } = input;
  const realStart = performance.now();
  const run: BrowserMonthRun = {
    wakeUps: { alarm: 0, caller: 0, browserStart: 0 },
    alarmEvents: 0,
    realMs: 0,
  };
  let running = false;
  let inFlight = 0;
  let lastActive = clock.now();
  let callIndex = 0;
  let restartIndex = 0;
  const errors: unknown[] = [];

  /** Work of the worker: while any is in flight the worker is busy and cannot be stopped. */
  const track = (work: Promise<unknown>) => {
    inFlight += 1;
    void work
      .catch((error: unknown) => errors.push(error))
      .finally(() => {
        inFlight -= 1;
        lastActive = clock.now();
      });
  };
  const keepAlive: KeepAlive = (work) => {
    const running = work();
    // Its caller handles its failure; here it only keeps the worker busy.
    track(running.catch(() => undefined));
    return running;
  };
  const stop = () => {
    extension.stop();
    // Its pending timeouts die with the worker.
    clock.clearCallbacks();
    running = false;
  };
  const wake = (cause: StartCause): Promise<void>[] => {
    if (running) return [];
    running = true;
    run.wakeUps[cause === 'browser-start' ? 'browserStart' : cause] += 1;
    return [extension.start(cause, keepAlive)];
  };
  const call = async (token: TokenCall) => {
    const calledAt = clock.now();
    const starting = Promise.all(wake('caller'));
    // The caller has its answer when onCall resolves, even if the worker's start-up work goes on.
    let answeredAt = calledAt;
    const answering = extension.onCall(token).then((answer) => {
      answeredAt = clock.now();
      return answer;
    });
    const [, answer] = await Promise.all([starting, answering]);
    // A token request takes virtual time; an answer at the same instant never waited on the network.
    input.answered(token, answer, answeredAt, answeredAt !== calledAt);
  };

  // The month opens with the browser starting.
  track(Promise.all(wake('browser-start')));
  await settle();

  for (;;) {
    const timerDue = clock.nextTimerAt();
    const timerAt = timerDue === undefined ? Infinity : firesAt(month, timerDue);
    const alarm = alarms.next();
    const alarmAt = alarm ? firesAt(month, alarm.scheduledTime) : Infinity;
    const nextCall = month.calls[callIndex];
    const callAt = nextCall?.at ?? Infinity;
    const restart = month.restarts[restartIndex];
    // The browser closes at a moment when no request is in flight (a killed request is the e2e tests' job).
    const restartAt = restart && inFlight === 0 ? restart.from : Infinity;
    const at = Math.min(timerAt, alarmAt, callAt, restartAt);
    if (at >= month.end) break;
    if (running && inFlight === 0 && at - lastActive > WORKER_IDLE_MS) stop();

    if (at === timerAt) {
      clock.fireNextTimer(timerAt);
    } else if (restart && at === restartAt) {
      clock.advanceTo(at);
      restartIndex += 1;
      if (running) stop();
      alarms.clearAll();
      clock.advanceTo(restart.to);
      track(Promise.all(wake('browser-start')));
    } else if (alarm && at === alarmAt) {
      clock.advanceTo(at);
      alarms.fire(alarm.name, clock.now());
      run.alarmEvents += 1;
      track(Promise.all([...wake('alarm'), extension.onAlarm(alarm)]));
    } else if (nextCall) {
      clock.advanceTo(at);
      callIndex += 1;
      track(call(nextCall));
    }
    await settle();
  }
  if (running) stop();
  if (errors.length > 0) {
    throw new Error(`${input.name}: ${errors.length} worker tasks failed`, { cause: errors[0] });
  }
  run.realMs = performance.now() - realStart;
  return run;
}

/** When something due at `dueAt` really happens: at once, or when the device wakes up. */
function firesAt(month: Month, dueAt: number): number {
  const night = month.sleeps.find((s) => dueAt >= s.from && dueAt < s.to);
  return night ? night.to : dueAt;
}
