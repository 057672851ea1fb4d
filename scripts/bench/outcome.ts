// What one strategy did during the month, and the figures derived from it. Shared by our engine's run and
// the competing strategies' runs so that every figure is computed the same way.
import { MAX_JITTER_MS } from '../../utils/engine/schedule';
import { effectiveLeadSec } from '../../utils/refresh-lead';
import { DEFAULT_SETTINGS } from '../../utils/settings';
import { runBrowserMonth, type BrowserSimInput, type CallerAnswer } from '../sim/month-browser';
import { awakeSpans, type Month } from '../sim/month';
import type { Providers, RequestRecord } from '../sim/month-providers';
import { median, ratio } from './stats';

/** How one token call was answered. */
export type CallAnswer =
  /** A token valid at the provider, without a token request on the caller's behalf. */
  | 'immediate'
  /** A valid token, but only after a token request the caller had to wait for. */
  | 'waited'
  /** A token the caller believed valid that the provider no longer accepts (clock skew, late refresh). */
  | 'invalid'
  /** No token at all (the refresh failed, or the connection is lost). */
  | 'failed';

/** Counts of call answers. */
export type CallTally = Record<CallAnswer, number>;

/** Raw facts of one strategy's month. */
export interface StrategyRun {
  name: string;
  /** Calls outside any outage that hits their connection. */
  calls: CallTally;
  /** Calls during an outage that hits their connection (excluded from the availability budget). */
  outageCalls: CallTally;
  /** Worker starts, by cause. */
  wakeUps: { alarm: number; caller: number; browserStart: number };
  /** Alarm events delivered (whether or not the worker was running). */
  alarmEvents: number;
  /** Connections the strategy itself gave up on (needs reconnect) at the end. */
  givenUp: number;
  /** Notifications shown to the user: when, and for which connection. */
  notifications: { at: number; connectionId: string }[];
  /** Every call not answered at once with a valid token. */
  misses: { at: number; connectionId: string; answer: CallAnswer }[];
  /** Real time the simulation took (ms). */
  realMs: number;
  providers: Providers;
}

/** Why calls outside outages were not answered at once with a valid token. */
export interface MissReasons {
  /** The connection was still recovering from an outage (no success since it ended). */
  recovering: number;
  /** The provider had revoked the connection's grant before the call. */
  lost: number;
  /** The token handed out was already dead at the provider (clock skew). */
  invalid: number;
  /** The call needed a token request of its own (token expired or about to). */
  ownRequest: number;
  /**
   * The call waited for a token request already under way for its connection (started < 60 s before)
   * although the token stored before it was still valid for the minute the caller asked for.
   */
  behindRefreshValid: number;
  /** The same, with the stored token expired (or about to): the wait was unavoidable. */
  behindRefreshExpired: number;
  other: number;
}

/** Recovery after one outage. */
export interface Recovery {
  label: string;
  /** Connections that failed during the outage. */
  affected: number;
  /** Median and worst time from the outage's end to the connection's next successful refresh (ms). */
  medianMs: number;
  maxMs: number;
  /** Affected connections with no success by the end of the month. */
  neverRecovered: number;
  /** The most token requests one connection sent in any hour that began during the outage. */
  busiestHourRequests: number;
}

/** The figures the report prints for a strategy. */
export interface StrategyFigures {
  name: string;
  callsTotal: number;
  /** Calls outside outages that hit their connection (the availability budget's base). */
  callsOutside: number;
  /** Share of calls outside forced outages answered at once with a valid token. */
  availability: number;
  /** The same share over every call, outages included. */
  availabilityAll: number;
  calls: CallTally;
  /** Successful refreshes per token lifetime elapsed while the browser ran (ideal 1.0). */
  refreshesPerLifetime: number;
  /** Token requests (attempts, failed ones included) per token lifetime elapsed. */
  requestsPerLifetime: number;
  refreshes: number;
  requests: number;
  /** Refreshes per token lifetime for each provider profile of the month. */
  perProfile: { profile: string; connections: number; refreshesPerLifetime: number }[];
  /** Worker starts caused by alarms, per successful refresh. */
  wakeUpsPerRefresh: number;
  /** Alarm events per successful refresh (wake-ups plus alarms caught by a running worker). */
  alarmEventsPerRefresh: number;
  wakeUps: StrategyRun['wakeUps'];
  reuseErrors: number;
  reuseWithinLeeway: number;
  connectionsLost: number;
  recoveries: Recovery[];
  /** Why calls outside outages were not answered at once. */
  missesOutside: MissReasons;
  /** Notifications during or right after an outage (until recovery), at a wake-up or browser start, or else. */
  notifications: { outage: number; wakeUp: number; other: number };
  realMs: number;
}

/** Runs the month in the simulated browser, tallying every caller's answer the same way for every strategy. */
export async function measureMonth(
  input: Omit<BrowserSimInput, 'answered'> & { providers: Providers },
): Promise<StrategyRun> {
  const { month, providers } = input;
  const run: StrategyRun = {
    name: input.name,
    calls: emptyTally(),
    outageCalls: emptyTally(),
    wakeUps: { alarm: 0, caller: 0, browserStart: 0 },
    alarmEvents: 0,
    givenUp: 0,
    notifications: [],
    misses: [],
    realMs: 0,
    providers,
  };
  const seen = await runBrowserMonth({
    ...input,
    answered: (call, answer, answeredAt, waited) =>
      tallyCall(
        run,
        month,
        call.connectionId,
        call.at,
        classifyCall(providers, answer, answeredAt, waited),
      ),
  });
  return { ...run, ...seen };
}

/** An empty tally. */
function emptyTally(): CallTally {
  return { immediate: 0, waited: 0, invalid: 0, failed: 0 };
}

/** Whether a call at `at` to `connectionId` falls in an outage that hits that connection. */
export function inOutage(month: Month, connectionId: string, at: number): boolean {
  const spec = month.connections.find((c) => c.id === connectionId);
  return month.outages.some(
    (o) => at >= o.from && at < o.to && spec !== undefined && o.affects(spec),
  );
}

/** How long the browser ran (not asleep, not closed) during the month (ms). */
export function runningMs(month: Month): number {
  return awakeSpans(month.start, month.end, month.sleeps, month.restarts).reduce(
    (sum, span) => sum + (span.to - span.from),
    0,
  );
}

/** Token lifetimes that elapsed while the browser ran, summed over connections. */
export function lifetimesElapsed(month: Month): number {
  const running = runningMs(month);
  return month.connections.reduce(
    (sum, spec) => sum + running / (spec.profile.lifetimeSec * 1000),
    0,
  );
}

/** Refreshes per lifetime when every refresh is on plan (R3): lifetime ÷ (lifetime − lead − mean jitter). */
export function plannedRate(lifetimeSec: number): number {
  const leadMs = effectiveLeadSec(DEFAULT_SETTINGS.refreshLeadMin * 60, lifetimeSec) * 1000;
  const meanJitterMs = Math.min(MAX_JITTER_MS, leadMs * 0.1) / 2;
  return (lifetimeSec * 1000) / (lifetimeSec * 1000 - leadMs - meanJitterMs);
}

/**
 * What R3 implies for the whole month: refreshes per token lifetime when every refresh is on plan, over
 * every connection's lifetimes elapsed (the budget for token requests is a share above it).
 */
export function plannedPerLifetime(month: Month): number {
  const running = runningMs(month);
  let planned = 0;
  for (const spec of month.connections) {
    planned +=
      (running / (spec.profile.lifetimeSec * 1000)) * plannedRate(spec.profile.lifetimeSec);
  }
  return planned / lifetimesElapsed(month);
}

/** Successful refreshes per token lifetime elapsed, for the connections of each provider profile. */
export function perProfile(month: Month, providers: Providers): StrategyFigures['perProfile'] {
  const running = runningMs(month);
  const profiles = [...new Set(month.connections.map((c) => c.profile))];
  return profiles.map((profile) => {
    const specs = month.connections.filter((c) => c.profile === profile);
    const refreshes = specs.reduce(
      (sum, spec) => sum + providers.log(spec.id).filter((r) => r.ok).length,
      0,
    );
    const lifetimes = (specs.length * running) / (profile.lifetimeSec * 1000);
    return {
      profile: profile.name,
      connections: specs.length,
      refreshesPerLifetime: ratio(refreshes, lifetimes),
    };
  });
}

/** Time from each outage's end to the next success of every connection that failed during it. */
export function recoveries(month: Month, providers: Providers): Recovery[] {
  return month.outages.map((outage) => {
    const times: number[] = [];
    let affected = 0;
    let neverRecovered = 0;
    let busiestHourRequests = 0;
    for (const spec of month.connections) {
      if (!outage.affects(spec)) continue;
      const log = providers.log(spec.id);
      const failedDuring = log.some((r) => !r.ok && r.at >= outage.from && r.at < outage.to);
      if (!failedDuring) continue;
      affected += 1;
      const next = log.find((r) => r.ok && r.at >= outage.to);
      if (next) times.push(next.at - outage.to);
      else neverRecovered += 1;
      busiestHourRequests = Math.max(busiestHourRequests, busiestHour(log, outage));
    }
    return {
      label: outage.label,
      affected,
      medianMs: median(times),
      maxMs: times.length === 0 ? Number.NaN : Math.max(...times),
      neverRecovered,
      busiestHourRequests,
    };
  });
}

/** The most requests in an hour starting at any request made during the outage. */
function busiestHour(log: readonly RequestRecord[], outage: { from: number; to: number }): number {
  let most = 0;
  for (const start of log) {
    if (start.at < outage.from || start.at >= outage.to) continue;
    most = Math.max(most, log.filter((r) => r.at >= start.at && r.at < start.at + HOUR_MS).length);
  }
  return most;
}

const HOUR_MS = 3_600_000;

/** Derives the report's figures from a run. */
export function figuresOf(month: Month, run: StrategyRun): StrategyFigures {
  const { counters } = run.providers;
  const lifetimes = lifetimesElapsed(month);
  const outsideMisses = run.misses.filter((m) => !inOutage(month, m.connectionId, m.at));
  // After an outage hit a connection, until its first successful refresh.
  const recovering = (event: { at: number; connectionId: string }) =>
    month.outages.some((outage) => {
      const spec = month.connections.find((c) => c.id === event.connectionId);
      if (!spec || !outage.affects(spec) || event.at < outage.to) return false;
      const next = run.providers.log(spec.id).find((r) => r.ok && r.at >= outage.to);
      return next === undefined || event.at <= next.at;
    });
  const outageNotes = run.notifications.filter(
    (n) => inOutage(month, n.connectionId, n.at) || recovering(n),
  );
  const otherNotes = run.notifications.filter((n) => !outageNotes.includes(n));
  const total = (tally: CallTally) => tally.immediate + tally.waited + tally.invalid + tally.failed;
  const all: CallTally = {
    immediate: run.calls.immediate + run.outageCalls.immediate,
    waited: run.calls.waited + run.outageCalls.waited,
    invalid: run.calls.invalid + run.outageCalls.invalid,
    failed: run.calls.failed + run.outageCalls.failed,
  };
  return {
    name: run.name,
    callsTotal: total(all),
    callsOutside: total(run.calls),
    availability: ratio(run.calls.immediate, total(run.calls)),
    availabilityAll: ratio(all.immediate, total(all)),
    calls: all,
    refreshesPerLifetime: ratio(counters.refreshes, lifetimes),
    requestsPerLifetime: ratio(counters.requests, lifetimes),
    refreshes: counters.refreshes,
    requests: counters.requests,
    perProfile: perProfile(month, run.providers),
    wakeUpsPerRefresh: ratio(run.wakeUps.alarm, counters.refreshes),
    alarmEventsPerRefresh: ratio(run.alarmEvents, counters.refreshes),
    wakeUps: run.wakeUps,
    reuseErrors: counters.reuseErrors,
    reuseWithinLeeway: counters.reuseWithinLeeway,
    connectionsLost: Math.max(run.providers.lostConnections().length, run.givenUp),
    recoveries: recoveries(month, run.providers),
    missesOutside: missReasons(month, outsideMisses, run.providers, recovering),
    notifications: {
      outage: outageNotes.length,
      wakeUp: otherNotes.filter((n) => afterWakeUp(month, n.at)).length,
      other: otherNotes.filter((n) => !afterWakeUp(month, n.at)).length,
    },
    realMs: run.realMs,
  };
}

/** Sorts the misses by their first matching reason, in the order of `MissReasons`. */
function missReasons(
  month: Month,
  misses: StrategyRun['misses'],
  providers: Providers,
  recovering: (event: { at: number; connectionId: string }) => boolean,
): MissReasons {
  const reasons: MissReasons = {
    recovering: 0,
    lost: 0,
    invalid: 0,
    ownRequest: 0,
    behindRefreshValid: 0,
    behindRefreshExpired: 0,
    other: 0,
  };
  for (const miss of misses) {
    const revokedAt = providers.revokedAt(miss.connectionId);
    const log = providers.log(miss.connectionId);
    if (recovering(miss)) reasons.recovering += 1;
    else if (revokedAt !== null && revokedAt <= miss.at) reasons.lost += 1;
    else if (miss.answer === 'invalid') reasons.invalid += 1;
    // Token requests take virtual time and IndexedDB none: a request the call caused starts at its instant.
    else if (log.some((r) => r.at === miss.at)) reasons.ownRequest += 1;
    else if (log.some((r) => r.at < miss.at && r.at > miss.at - 60_000)) {
      const spec = month.connections.find((c) => c.id === miss.connectionId)!;
      const issuedAt = log.findLast((r) => r.ok && r.at < miss.at)?.at ?? spec.issuedAt;
      const validUntil = issuedAt + spec.profile.lifetimeSec * 1000 - spec.skewMs;
      if (validUntil - miss.at >= 60_000) reasons.behindRefreshValid += 1;
      else reasons.behindRefreshExpired += 1;
    } else reasons.other += 1;
  }
  return reasons;
}

/** Within 5 minutes after the device woke up or the browser started (tokens expired meanwhile). */
function afterWakeUp(month: Month, at: number): boolean {
  return [...month.sleeps, ...month.restarts].some(
    (gap) => at >= gap.to && at < gap.to + 5 * 60_000,
  );
}

/** Classifies one answered call. */
function classifyCall(
  providers: Providers,
  answer: CallerAnswer,
  answeredAt: number,
  waited: boolean,
): CallAnswer {
  if (!answer.ok) return 'failed';
  if (!providers.isValid(answer.accessToken, answeredAt)) return 'invalid';
  return waited ? 'waited' : 'immediate';
}

/** Adds one answer to the right tally (outage or not). */
function tallyCall(
  run: Pick<StrategyRun, 'calls' | 'outageCalls' | 'misses'>,
  month: Month,
  connectionId: string,
  calledAt: number,
  answer: CallAnswer,
): void {
  const tally = inOutage(month, connectionId, calledAt) ? run.outageCalls : run.calls;
  tally[answer] += 1;
  if (answer !== 'immediate') run.misses.push({ at: calledAt, connectionId, answer });
}
