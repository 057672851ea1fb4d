import type { Connection } from '../model';
import { OFFLINE_ERROR } from './failure';
import { earliestRetry } from './retry';

/**
 * Connections retried together after a recovery are spread over this much time, so they do not all reach
 * the endpoint in the same instant.
 */
export const RECOVERY_JITTER_MS = 5_000;

/** Error codes that mean the request never reached a server (R6): worth retrying once the network is back. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  OFFLINE_ERROR.code,
  'network',
  'timeout',
]);

/** A connection to retry now, and when exactly. */
export interface RetryNow {
  connectionId: string;
  at: number;
}

/** The origin of a connection's token endpoint: connections behind one origin share its outages. */
export function tokenOrigin(connection: Pick<Connection, 'endpoints'>): string {
  try {
    return new URL(connection.endpoints.token).origin;
  } catch {
    return connection.endpoints.token;
  }
}

/**
 * Correlated recovery (docs/reliability.md): a token request to `succeeded`'s endpoint just worked, so the
 * other connections waiting for a transient retry on the same origin are retried now (a little jitter each),
 * as soon as their pace allows — not at their backed-off retry time.
 */
export function peersToRetry(
  succeeded: Connection,
  waiting: readonly Connection[],
  now: number,
  random: () => number,
): RetryNow[] {
  const origin = tokenOrigin(succeeded);
  return pullIn(
    waiting.filter((c) => c.id !== succeeded.id && tokenOrigin(c) === origin),
    now,
    random,
  );
}

/** The browser is online again: the connections whose last attempt failed for network reasons, retried now. */
export function networkFailuresToRetry(
  waiting: readonly Connection[],
  now: number,
  random: () => number,
): RetryNow[] {
  return pullIn(
    waiting.filter((c) => NETWORK_ERROR_CODES.has(c.failure?.lastError.code ?? '')),
    now,
    random,
  );
}

/** Each waiting connection's new retry time, when that is earlier than the one it has. */
function pullIn(candidates: readonly Connection[], now: number, random: () => number): RetryNow[] {
  const picks: RetryNow[] = [];
  for (const connection of candidates) {
    // Only a transient streak waits for a retry (earliestRetry is undefined otherwise); a request in flight
    // or a connection with nothing planned is left alone.
    const paced = earliestRetry(connection);
    const planned = connection.nextRefreshAt;
    if (paced === undefined || planned === undefined || connection.inFlightSince !== null) continue;
    const at = Math.round(Math.max(now + RECOVERY_JITTER_MS * clamp01(random()), paced));
    // Already moved in by an earlier success (a catch-up succeeds many times in a row): leave it.
    if (planned <= now + RECOVERY_JITTER_MS) continue;
    if (at < planned) picks.push({ connectionId: connection.id, at });
  }
  return picks.sort((a, b) => a.at - b.at);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(Math.max(x, 0), 1) : 0;
}
