import type { Connection, HistoryEvent, RefreshTrigger, StoredError } from '../model';
import type { ClassifiedError } from '../oauth/classify';
import { alertFor, type Alert } from './attention';
import { allowanceAt, retryAt } from './retry';
import { effectiveLeadSec } from '../refresh-lead';

/** Error recorded while the browser reports no network: no attempt is spent on it. */
export const OFFLINE_ERROR: StoredError = {
  code: 'offline',
  message: 'The browser is offline; the token will be refreshed when the network is back.',
};

/** How often to look again while offline. */
export const OFFLINE_RECHECK_MS = 60_000;

/** The state change a failed attempt causes: what to store, what to log, whether to notify. */
export interface FailurePlan {
  connection: Connection;
  events: HistoryEvent[];
  alert?: Alert;
}

/** Inputs of `planFailure`. */
export interface FailureInput {
  connection: Connection;
  error: ClassifiedError;
  trigger: RefreshTrigger;
  now: number;
  durationMs: number;
  /** Quick in-worker retries configured before alarms take over. */
  quickRetries: number;
  /** The configured refresh lead (s): inside it (capped at half the lifetime) retries stay frequent. */
  leadSec: number;
  random: number;
}

/**
 * R6: a transient failure keeps the refresh token, counts an attempt and plans an alarm retry; a permanent or
 * configuration failure stops the schedule and asks for a reconnect. Pure: the caller commits the result.
 */
export function planFailure(input: FailureInput): FailurePlan {
  const { connection, error, now } = input;
  const attempt = (connection.failure?.attempt ?? 0) + 1;
  const stored: StoredError = {
    code: error.code,
    message: error.message,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
  };
  const retryable = error.kind === 'transient';
  const failedAt = connection.failure?.failedAt ?? now;
  const lead = effectiveLeadSec(input.leadSec, connection.lifetimeSec ?? input.leadSec * 2);
  // This request spent one of the streak's allowance (≤ 60 requests an hour, retry.ts).
  const allowance = allowanceAt(connection.failure, now) - 1;
  const retryTime = retryable
    ? retryAt({
        now,
        // Alarm retries start their own backoff once the quick retries are spent.
        attempt: Math.max(1, attempt - input.quickRetries),
        expiresAt: connection.expiresAt,
        leadMs: lead * 1000,
        allowance,
        random: input.random,
        ...(error.retryAfterSec === undefined ? {} : { retryAfterSec: error.retryAfterSec }),
      })
    : undefined;
  const { nextRefreshAt: _dropped, ...unscheduled } = connection;
  const failed: Connection = {
    ...unscheduled,
    ...(retryTime === undefined ? {} : { nextRefreshAt: retryTime }),
    state: retryable ? 'retrying' : 'needs-reconnect',
    inFlightSince: null,
    failure: {
      failedAt,
      attempt,
      lastError: stored,
      kind: error.kind,
      lastAttemptAt: now,
      allowance,
      ...(error.retryAfterSec === undefined ? {} : { notBefore: now + error.retryAfterSec * 1000 }),
      ...(connection.failure?.notifiedAt === undefined
        ? {}
        : { notifiedAt: connection.failure.notifiedAt }),
    },
    updatedAt: now,
  };
  const alert = alertFor(failed, now, input.quickRetries);
  const updated: Connection = alert
    ? { ...failed, failure: { ...failed.failure!, notifiedAt: now } }
    : failed;
  const base = { connectionId: connection.id, at: now, trigger: input.trigger, ok: false } as const;
  const events: HistoryEvent[] = [
    { ...base, kind: 'refresh-failed', durationMs: input.durationMs, error: stored },
    retryable
      ? { ...base, kind: 'retry-scheduled', expiresAt: retryTime! }
      : { ...base, kind: 'needs-reconnect', error: stored },
  ];
  return { connection: updated, events, ...(alert ? { alert } : {}) };
}

/**
 * While offline no attempt is spent: the connection waits a minute and looks again. Logged once when the
 * offline spell starts, not on every check.
 */
export function planOffline(
  connection: Connection,
  trigger: RefreshTrigger,
  now: number,
): FailurePlan {
  const alreadyOffline = connection.failure?.lastError.code === OFFLINE_ERROR.code;
  const updated: Connection = {
    ...connection,
    state: 'retrying',
    nextRefreshAt: now + OFFLINE_RECHECK_MS,
    inFlightSince: null,
    failure: {
      // The streak's pace and the server's Retry-After carry over: no request was sent.
      ...connection.failure,
      failedAt: connection.failure?.failedAt ?? now,
      attempt: connection.failure?.attempt ?? 0,
      lastError: OFFLINE_ERROR,
      kind: 'transient',
    },
    updatedAt: now,
  };
  const events: HistoryEvent[] = alreadyOffline
    ? []
    : [
        {
          connectionId: connection.id,
          at: now,
          kind: 'refresh-failed',
          trigger,
          ok: false,
          error: OFFLINE_ERROR,
        },
      ];
  return { connection: updated, events };
}
