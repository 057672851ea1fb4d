import type { Connection, RefreshOutcome, RefreshTrigger } from '../model';
import { missingOutcome, notConnected, notPossible, alreadyFresh } from './refresh-answers';
import { earliestRetry } from './retry';
import { hasStaleMarker, isDue } from './schedule';
import { hasUnreadableSecrets } from './secrets';

/** Options of one refresh request. */
export interface RefreshRequest {
  /** For on-demand callers: refresh only if the token is valid for less than this. */
  minValiditySec?: number;
}

/**
 * On-demand refreshes of a connection whose token is still valid are at least this far apart (counted from
 * the connection's last write, which every attempt makes): callers cannot force a request per call.
 */
export const ON_DEMAND_SPACING_MS = 30_000;

/** The gate's verdict: answer the caller without a request, or attempt one on this (re-read) connection. */
export type GateVerdict = { answer: RefreshOutcome } | { attempt: Connection };

/**
 * Before the lock: a caller whose stored token is valid long enough never waits behind a refresh in flight;
 * one whose refresh outlived its worker is settled first (docs/reliability.md: no dead token handed out).
 */
export function answerAtOnce(
  seen: Connection | undefined,
  trigger: RefreshTrigger,
  request: RefreshRequest,
  now: number,
): RefreshOutcome | undefined {
  if (
    trigger === 'on-demand' &&
    seen &&
    usable(seen) &&
    !hasStaleMarker(seen, now) &&
    !needed(seen, trigger, now, request)
  ) {
    return alreadyFresh(seen.expiresAt!);
  }
  return undefined;
}

/**
 * Inside the lock (R4), on the connection re-read there: whoever held the lock before may have done the work
 * already (`lastRefreshAt` moved from `seenRefreshAt`, read before waiting), or it may not be due or allowed.
 */
export function admit(
  connection: Connection | undefined,
  seenRefreshAt: number | null,
  trigger: RefreshTrigger,
  request: RefreshRequest,
  now: number,
): GateVerdict {
  if (!connection) return { answer: missingOutcome() };
  // A configuration error (wrong secret, endpoint) may be fixed on the provider's side: let the person try
  // again by hand; a dead grant (permanent) needs the consent flow instead. Unreadable secrets are retried
  // too: a storage hiccup heals, real damage is found again.
  const retryByHand = trigger === 'manual' && connection.failure?.kind === 'configuration';
  const mayHeal = hasUnreadableSecrets(connection);
  if (
    connection.state === 'new' ||
    (connection.state === 'needs-reconnect' && !retryByHand && !mayHeal)
  ) {
    return { answer: notConnected(connection) };
  }
  const fresh = connection.expiresAt !== null && connection.expiresAt > now;
  if (fresh && connection.lastRefreshAt !== seenRefreshAt) {
    return { answer: alreadyFresh(connection.expiresAt!) };
  }
  if (
    fresh &&
    connection.inFlightSince === null &&
    !mayHeal &&
    !needed(connection, trigger, now, request)
  ) {
    return { answer: alreadyFresh(connection.expiresAt!) };
  }
  // During a failure streak requests are paced (≤ 60 an hour, Retry-After): neither a caller nor a pass
  // that finds the token expired may send one early; only the person's Refresh now may.
  const pacedUntil = trigger === 'manual' ? undefined : earliestRetry(connection);
  if (
    pacedUntil !== undefined &&
    !isDue(pacedUntil, now) &&
    connection.inFlightSince === null &&
    !mayHeal
  ) {
    return {
      answer: notPossible(
        connection.failure!.lastError.code,
        connection.failure!.lastError.message,
        connection.state,
      ),
    };
  }
  return { attempt: connection };
}

/**
 * A quick retry re-takes the lock after its wait (docs/reliability.md#quick-retries) and re-reads the
 * connection: if another attempt refreshed it meanwhile, a second request would only spend (and, with a
 * rotating provider, retire) the new refresh token; if it was disconnected, failed for good or tried again by
 * another caller, the streak's plan stands. `before` is the connection as the failed attempt read it.
 */
export function readmit(
  connection: Connection | undefined,
  before: Connection,
  now: number,
): GateVerdict {
  if (!connection) return { answer: missingOutcome() };
  const fresh = connection.expiresAt !== null && connection.expiresAt > now;
  if (fresh && connection.lastRefreshAt !== before.lastRefreshAt) {
    return { answer: alreadyFresh(connection.expiresAt!) };
  }
  if (connection.state === 'new' || connection.state === 'needs-reconnect') {
    return { answer: notConnected(connection) };
  }
  // Our failed attempt counted one; more means another caller's request went out during the wait.
  const failure = connection.failure;
  if (failure && failure.attempt > (before.failure?.attempt ?? 0) + 1) {
    return {
      answer: notPossible(failure.lastError.code, failure.lastError.message, connection.state),
    };
  }
  return { attempt: connection };
}

function needed(
  connection: Connection,
  trigger: RefreshTrigger,
  now: number,
  request: RefreshRequest,
): boolean {
  if (trigger === 'manual') return true;
  if (trigger === 'on-demand') {
    if (connection.expiresAt === null || connection.expiresAt <= now) return true;
    // A caller cannot ask for more than a refresh gives: past half a lifetime, every call would refresh.
    const capMs = connection.lifetimeSec === null ? Infinity : (connection.lifetimeSec * 1000) / 2;
    const minValidityMs = Math.min((request.minValiditySec ?? 60) * 1000, capMs);
    if (connection.expiresAt - now >= minValidityMs) return false;
    // A still-valid token is not refreshed again within ON_DEMAND_SPACING_MS of the last attempt.
    return now - connection.updatedAt >= ON_DEMAND_SPACING_MS;
  }
  return isDue(connection.nextRefreshAt, now);
}

/** Whether a connection's stored token may be handed out (connected, not waiting for a reconnect). */
function usable(connection: Connection): boolean {
  return connection.state === 'healthy' || connection.state === 'retrying';
}
