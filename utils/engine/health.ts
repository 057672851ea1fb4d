/**
 * Health figures from the history (pure): how reliably and how early each connection was refreshed,
 * how long it went without a valid token, and counts over time for a small chart.
 */
import type { Connection, HistoryEvent, ProviderKind } from '../model';
import type { Settings } from '../settings';
import { effectiveLeadSec } from '../refresh-lead';

const HOUR = 3_600_000;

/** The periods the Health section offers, with the width of one chart bar. */
export const HEALTH_PERIODS = {
  '24h': { durationMs: 24 * HOUR, bucketMs: HOUR },
  '7d': { durationMs: 7 * 24 * HOUR, bucketMs: 6 * HOUR },
} as const;

/** A period the figures cover, ending now. */
export type HealthPeriod = keyof typeof HEALTH_PERIODS;

/** Kinds whose event carries the new token's expiry, or ends having one. */
export const TOKEN_KINDS = ['connected', 'refreshed', 'disconnected'] as const;

/** Refresh attempts in one chart bar. */
export interface TimelineBucket {
  /** Start of the bar (epoch ms); it lasts the report's `bucketMs`. */
  start: number;
  succeeded: number;
  failed: number;
}

/** The figures of one connection over the period. */
export interface ConnectionHealth {
  connectionId: string;
  label: string;
  provider: ProviderKind;
  state: Connection['state'];
  /** Refresh attempts in the period: succeeded + failed. */
  attempts: number;
  succeeded: number;
  failed: number;
  /** succeeded / attempts in [0, 1]; null without attempts. */
  successRate: number | null;
  /** Median and 95th percentile (nearest rank) of successful refresh durations; null without any. */
  latencyMs: { median: number; p95: number } | null;
  /** For each successful refresh, how long before the old token's expiry it landed (ms, oldest first). */
  marginsMs: number[];
  /** The smallest and the median of `marginsMs`; null without any. */
  marginMs: { min: number; median: number } | null;
  /** Time in the period while connected without an unexpired access token (ms). */
  withoutTokenMs: number;
  /** Failed attempts in a row since the last success (0 when healthy). */
  failureStreak: number;
  /** The refresh lead in use: the threshold, capped at half the token's lifetime (s); null without a token. */
  effectiveLeadSec: number | null;
  timeline: TimelineBucket[];
}

/** Figures across all connections (docs/architecture.md#the-dashboards-reads-history-export-health). */
export interface HealthSummary {
  total: number;
  /** How many connections each provider has, most first. */
  byProvider: { provider: ProviderKind; count: number }[];
  /** Tokens still valid but inside their refresh lead: a refresh is due or late. */
  expiringSoon: number;
  /** Connected, but the access token has expired. */
  expired: number;
  needsReconnect: number;
  retrying: number;
  refreshEnabled: boolean;
  checkIntervalMin: number;
  refreshLeadMin: number;
}

/** Everything the Health section shows. */
export interface HealthReport {
  now: number;
  period: HealthPeriod;
  /** Start of the period (epoch ms). */
  from: number;
  bucketMs: number;
  summary: HealthSummary;
  connections: ConnectionHealth[];
  /** All connections' attempts together, including removed ones. */
  timeline: TimelineBucket[];
}

/** The connection fields the figures need (a `Connection` or its page-safe status). */
export type HealthConnection = Pick<
  Connection,
  'id' | 'label' | 'provider' | 'state' | 'expiresAt' | 'lifetimeSec' | 'failure'
>;

/** What {@link computeHealth} reads. */
export interface HealthInput {
  now: number;
  period: HealthPeriod;
  connections: readonly HealthConnection[];
  settings: Pick<Settings, 'enabled' | 'checkIntervalMin' | 'refreshLeadMin'>;
  /** The events in [now − period, now), in any order. */
  events: readonly HistoryEvent[];
  /** Per connection, its newest event of a {@link TOKEN_KINDS} kind before the period, if any. */
  before: readonly HistoryEvent[];
}

/** Computes the Health section's figures. */
export function computeHealth(input: HealthInput): HealthReport {
  const { now, period } = input;
  const { durationMs, bucketMs } = HEALTH_PERIODS[period];
  const from = now - durationMs;
  const events = input.events
    .filter((event) => event.at >= from && event.at < now)
    .sort((a, b) => a.at - b.at || (a.id ?? 0) - (b.id ?? 0));
  const timelineOf = (subset: readonly HistoryEvent[]) =>
    buildTimeline(subset, from, durationMs, bucketMs);
  const leadSec = input.settings.refreshLeadMin * 60;

  const connections = input.connections.map((connection): ConnectionHealth => {
    const own = events.filter((event) => event.connectionId === connection.id);
    const baseline = input.before.find((event) => event.connectionId === connection.id);
    const succeeded = own.filter(isRefreshSuccess);
    const failed = own.filter((event) => event.kind === 'refresh-failed').length;
    const attempts = succeeded.length + failed;
    const durations = succeeded.flatMap((event) =>
      event.durationMs === undefined ? [] : [event.durationMs],
    );
    const validity = walkValidity(own, baseline, from, now);
    return {
      connectionId: connection.id,
      label: connection.label,
      provider: connection.provider,
      state: connection.state,
      attempts,
      succeeded: succeeded.length,
      failed,
      successRate: attempts === 0 ? null : succeeded.length / attempts,
      latencyMs:
        durations.length === 0
          ? null
          : { median: median(durations), p95: percentile(durations, 0.95) },
      marginsMs: validity.margins,
      marginMs:
        validity.margins.length === 0
          ? null
          : { min: Math.min(...validity.margins), median: median(validity.margins) },
      withoutTokenMs: validity.withoutTokenMs,
      failureStreak: connection.failure?.attempt ?? 0,
      effectiveLeadSec:
        connection.lifetimeSec === null ? null : effectiveLeadSec(leadSec, connection.lifetimeSec),
      timeline: timelineOf(own),
    };
  });

  return {
    now,
    period,
    from,
    bucketMs,
    summary: summarize(input, connections),
    connections,
    timeline: timelineOf(events),
  };
}

function isRefreshSuccess(event: HistoryEvent): boolean {
  return event.kind === 'refreshed' && event.ok;
}

/**
 * Follows the token's validity through the period: each issued token is valid until its
 * `expiresAt`; the gaps until the next one are time without a token, and each refresh's margin is
 * the old token's remaining life. A disconnect ends the connection's need for a token.
 */
function walkValidity(
  events: readonly HistoryEvent[],
  baseline: HistoryEvent | undefined,
  from: number,
  now: number,
): { margins: number[]; withoutTokenMs: number } {
  let validUntil: number | null =
    baseline && baseline.kind !== 'disconnected' ? (baseline.expiresAt ?? null) : null;
  let withoutTokenMs = 0;
  const margins: number[] = [];
  const gapUntil = (at: number) => {
    if (validUntil !== null && validUntil < at) withoutTokenMs += at - Math.max(validUntil, from);
  };
  for (const event of events) {
    if (event.kind === 'disconnected') {
      gapUntil(event.at);
      validUntil = null;
    } else if ((event.kind === 'connected' || event.kind === 'refreshed') && event.ok) {
      if (event.kind === 'refreshed' && validUntil !== null) margins.push(validUntil - event.at);
      gapUntil(event.at);
      validUntil = event.expiresAt ?? validUntil;
    }
  }
  gapUntil(now);
  return { margins, withoutTokenMs };
}

function buildTimeline(
  events: readonly HistoryEvent[],
  from: number,
  durationMs: number,
  bucketMs: number,
): TimelineBucket[] {
  const buckets = Array.from({ length: Math.ceil(durationMs / bucketMs) }, (_, i) => ({
    start: from + i * bucketMs,
    succeeded: 0,
    failed: 0,
  }));
  for (const event of events) {
    const bucket = buckets[Math.min(buckets.length - 1, Math.floor((event.at - from) / bucketMs))];
    if (!bucket) continue;
    if (isRefreshSuccess(event)) bucket.succeeded += 1;
    else if (event.kind === 'refresh-failed') bucket.failed += 1;
  }
  return buckets;
}

function summarize(input: HealthInput, connections: readonly ConnectionHealth[]): HealthSummary {
  const { now, settings } = input;
  const counts = new Map<ProviderKind, number>();
  for (const connection of input.connections) {
    counts.set(connection.provider, (counts.get(connection.provider) ?? 0) + 1);
  }
  const withToken = input.connections.filter((c) => c.state !== 'new' && c.expiresAt !== null);
  const leadOf = (id: string) =>
    (connections.find((c) => c.connectionId === id)?.effectiveLeadSec ?? 0) * 1000;
  return {
    total: input.connections.length,
    byProvider: [...counts]
      .map(([provider, count]) => ({ provider, count }))
      .sort((a, b) => b.count - a.count || a.provider.localeCompare(b.provider)),
    expiringSoon: withToken.filter((c) => c.expiresAt! > now && c.expiresAt! - now <= leadOf(c.id))
      .length,
    expired: withToken.filter((c) => c.expiresAt! <= now).length,
    needsReconnect: input.connections.filter((c) => c.state === 'needs-reconnect').length,
    retrying: input.connections.filter((c) => c.state === 'retrying').length,
    refreshEnabled: settings.enabled,
    checkIntervalMin: settings.checkIntervalMin,
    refreshLeadMin: settings.refreshLeadMin,
  };
}

/** The middle value (mean of the two middle ones for an even count); the list must not be empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The nearest-rank percentile `p` in (0, 1]; the list must not be empty. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}
