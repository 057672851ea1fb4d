// The hostile month every strategy lives through: the same connections, nights, restarts, outages and
// callers, generated from one seed. Pure: no engine, no I/O.
import { createRandom, type Random } from './prng';
import { ATLASSIAN_LIKE, GOOGLE_LIKE, SHORT_LIVED, type ProviderProfile } from './token-server';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One connection of the month. */
export interface ConnectionSpec {
  id: string;
  profile: ProviderProfile;
  /**
   * How far the provider's resource server clock is ahead of ours (ms): a token dies at
   * issue + lifetime − skew in our time, while we believe it lives the full lifetime.
   */
  skewMs: number;
  /** When its first token was issued (before the month starts). */
  issuedAt: number;
}

/** A time span [from, to). */
export interface Span {
  from: number;
  to: number;
}

/** A provider outage: every token request to the affected connections fails. */
export interface Outage extends Span {
  /** Which connections it hits. */
  affects: (spec: ConnectionSpec) => boolean;
  /** How requests fail: HTTP 503 from the provider, or no network at all. */
  failure: 'http_503' | 'network';
  label: string;
}

/** A caller asking for a connection's token. */
export interface TokenCall {
  at: number;
  connectionId: string;
}

/** Everything that happens in the month. */
export interface Month {
  seed: number;
  start: number;
  end: number;
  connections: ConnectionSpec[];
  /** The device sleeps: nothing runs, alarms fire late at the end. */
  sleeps: Span[];
  /** The browser is closed: the worker stops, alarms are lost; it starts again at `to`. */
  restarts: Span[];
  outages: Outage[];
  /** Share of token requests that fail transiently outside outages. */
  transientFailureRate: number;
  calls: TokenCall[];
}

/** The knobs of a month; the defaults are the scenario. */
export interface MonthOptions {
  seed: number;
  days: number;
  /** How many connections of each provider profile. */
  mix: { profile: ProviderProfile; count: number }[];
  /** Mean time between two token calls for one connection while the browser is up (ms). */
  meanCallIntervalMs: number;
}

/** The month: 30 days, 50 connections (22 Google-like, 22 Atlassian-like, 6 with 5-minute tokens). */
export const DEFAULT_MONTH: MonthOptions = {
  seed: 20_260_301,
  days: 30,
  mix: [
    { profile: GOOGLE_LIKE, count: 22 },
    { profile: ATLASSIAN_LIKE, count: 22 },
    { profile: SHORT_LIVED, count: 6 },
  ],
  meanCallIntervalMs: 20 * MINUTE,
};

/** Builds the month: starts at 07:00 on 2 March 2026 (UTC), nights 23:00–07:00, one restart a day. */
export function buildMonth(options: MonthOptions = DEFAULT_MONTH): Month {
  const random = createRandom(options.seed);
  const start = Date.UTC(2026, 2, 2, 7);
  const end = start + options.days * DAY;
  const connections = buildConnections(options, start, random.fork('connections'));
  const sleeps: Span[] = [];
  const restarts: Span[] = [];
  const restartRandom = random.fork('restarts');
  for (let day = 0; day < options.days; day += 1) {
    const morning = start + day * DAY;
    // Some time between 09:00 and 21:00 the browser is closed for one to three minutes.
    const closeAt = Math.round(morning + 2 * HOUR + restartRandom.next() * 12 * HOUR);
    restarts.push({ from: closeAt, to: closeAt + restartRandom.int(1, 3) * MINUTE });
    sleeps.push({ from: morning + 16 * HOUR, to: Math.min(end, morning + DAY) });
  }
  const candidates: Outage[] = [
    {
      from: start + Math.floor(options.days / 4) * DAY + 3 * HOUR,
      to: start + Math.floor(options.days / 4) * DAY + 4 * HOUR,
      affects: (spec) => spec.profile.rotating && spec.profile.reuseLeewayMs > 0,
      failure: 'http_503',
      label: 'Atlassian-like token endpoint answers 503 for 1 h',
    },
    {
      from: start + Math.floor((options.days * 2) / 3) * DAY + 8.5 * HOUR,
      to: start + Math.floor((options.days * 2) / 3) * DAY + 9.5 * HOUR,
      affects: () => true,
      failure: 'network',
      label: 'network down for every provider for 1 h',
    },
  ];
  const outages = candidates.filter((outage) => outage.to <= end);
  const awake = awakeSpans(start, end, sleeps, restarts);
  const calls = buildCalls(connections, awake, options.meanCallIntervalMs, random.fork('calls'));
  return {
    seed: options.seed,
    start,
    end,
    connections,
    sleeps,
    restarts,
    outages,
    transientFailureRate: 0.05,
    calls,
  };
}

function buildConnections(options: MonthOptions, start: number, random: Random): ConnectionSpec[] {
  const specs: ConnectionSpec[] = [];
  for (const { profile, count } of options.mix) {
    for (let i = 0; i < count; i += 1) {
      const index = specs.length;
      // Every fifth connection's provider runs 2 min fast, the next-but-one 2 min slow.
      const skewMs = index % 5 === 1 ? 2 * MINUTE : index % 5 === 3 ? -2 * MINUTE : 0;
      specs.push({
        id: `conn-${String(index).padStart(3, '0')}`,
        profile,
        skewMs,
        // Connected at different times, so their tokens do not all expire together.
        issuedAt: Math.round(start - random.next() * profile.lifetimeSec * 500),
      });
    }
  }
  return specs;
}

/** The spans in which the browser runs (not asleep, not closed), in order. */
export function awakeSpans(start: number, end: number, sleeps: Span[], closed: Span[]): Span[] {
  const gaps = [...sleeps, ...closed].sort((a, b) => a.from - b.from);
  const spans: Span[] = [];
  let cursor = start;
  for (const gap of gaps) {
    if (gap.from > cursor) spans.push({ from: cursor, to: Math.min(gap.from, end) });
    cursor = Math.max(cursor, gap.to);
  }
  if (cursor < end) spans.push({ from: cursor, to: end });
  return spans.filter((span) => span.to > span.from);
}

function buildCalls(
  connections: ConnectionSpec[],
  awake: Span[],
  meanIntervalMs: number,
  random: Random,
): TokenCall[] {
  const calls: TokenCall[] = [];
  for (const spec of connections) {
    const stream = random.fork(spec.id);
    for (const span of awake) {
      for (let at = span.from + stream.exponential(meanIntervalMs); at < span.to;) {
        calls.push({ at: Math.round(at), connectionId: spec.id });
        at += stream.exponential(meanIntervalMs);
      }
    }
  }
  return calls.sort((a, b) => a.at - b.at || a.connectionId.localeCompare(b.connectionId));
}

/** Whether `at` falls inside one of `spans`. */
export function within(spans: readonly Span[], at: number): boolean {
  return spans.some((span) => at >= span.from && at < span.to);
}
