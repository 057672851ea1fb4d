import { errorName } from '../error-text';
import type { Connection, HistoryEvent, RefreshOutcome, RefreshTrigger } from '../model';
import type { ClassifiedError } from '../oauth/classify';
import type { TokenSet } from '../oauth/client';
import type { Settings } from '../settings';
import type { TokenKeeperDb } from '../store/db';
import { appendHistory } from '../store/history';
import type { Alert } from './attention';
import type { Clock, KeepAlive } from './deps';
import { planFailure, planOffline, type FailurePlan } from './failure';
import { withFreshTokens } from './fresh-tokens';

/** Shows and clears the user-facing notification of a connection. */
export interface AlertSink {
  show(connection: Connection, alert: Alert): Promise<void>;
  clear(connectionId: string): Promise<void>;
  /** Clears every notification shown (Remove all data). */
  clearAll?(): Promise<void>;
}

/** The storage side every part of a refresh writes through (the refresher builds it once). */
export interface RefreshIo {
  db: TokenKeeperDb;
  clock: Clock;
  /** Makes sure the refresh alarm fires by `when` (R2); never throws. */
  cover: (when: number | undefined) => Promise<void>;
  /** Runs a small storage step with retries (`steadily`, utils/engine/retrying.ts). */
  steadily: <T>(work: () => Promise<T>) => Promise<T>;
  /** Tells pages something changed. */
  changed: () => void;
}

/** What recording an attempt's outcome needs. */
export interface OutcomeDeps extends RefreshIo {
  random: () => number;
  keepAlive: KeepAlive;
  alerts?: AlertSink | undefined;
  onSucceeded?: ((connection: Connection) => Promise<void>) | undefined;
}

/** An attempt that got new tokens: the request left at `startedAt`, the answer came at `arrivedAt`. */
export interface Success {
  connection: Connection;
  trigger: RefreshTrigger;
  settings: Settings;
  tokens: TokenSet;
  startedAt: number;
  arrivedAt: number;
}

/** Stores what an attempt ended with: the next plan, history and alerts (the secret is already persisted). */
export interface OutcomeRecorder {
  /** New tokens arrived (their secret persisted): healthy, next refresh planned, recovery logged. */
  succeeded(success: Success): Promise<RefreshOutcome>;
  /** The attempt failed: the next try planned by R6, history, a notification when due. */
  failed(
    connection: Connection,
    trigger: RefreshTrigger,
    durationMs: number,
    settings: Settings,
    error: ClassifiedError,
  ): Promise<RefreshOutcome>;
  /** The browser is offline: no attempt spent, looked at again in a minute. */
  offline(connection: Connection, trigger: RefreshTrigger): Promise<RefreshOutcome>;
}

/** Builds the outcome recorder. */
export function createOutcomeRecorder(deps: OutcomeDeps): OutcomeRecorder {
  async function succeeded(success: Success): Promise<RefreshOutcome> {
    const { connection, trigger, settings, tokens, startedAt, arrivedAt } = success;
    const updated = withFreshTokens(connection, tokens, arrivedAt, {
      leadSec: settings.refreshLeadMin * 60,
      random: deps.random(),
    });
    const expiresAt = updated.expiresAt!;
    await saveState(updated, successEvents(connection, trigger, startedAt, arrivedAt, expiresAt));
    if (connection.failure?.notifiedAt !== undefined) await deps.alerts?.clear(connection.id);
    // The endpoint works again: others waiting on it need not wait for their retry. Not awaited (a caller
    // must not wait for other connections), but the worker is kept alive for it.
    const recover = deps.onSucceeded;
    if (recover) {
      void deps
        .keepAlive(() => recover(connection))
        .catch((error: unknown) => console.error('Correlated recovery failed', errorName(error)));
    }
    return { ok: true, refreshed: true, expiresAt };
  }

  async function failed(
    connection: Connection,
    trigger: RefreshTrigger,
    durationMs: number,
    settings: Settings,
    error: ClassifiedError,
  ): Promise<RefreshOutcome> {
    const plan = planFailure({
      connection,
      error,
      trigger,
      now: deps.clock.now(),
      durationMs,
      quickRetries: settings.quickRetries,
      leadSec: settings.refreshLeadMin * 60,
      random: deps.random(),
    });
    return apply(plan, connection);
  }

  function offline(connection: Connection, trigger: RefreshTrigger): Promise<RefreshOutcome> {
    return apply(planOffline(connection, trigger, deps.clock.now()), connection);
  }

  async function apply(plan: FailurePlan, before: Connection): Promise<RefreshOutcome> {
    // Secrets stay untouched: a failure must never cost the refresh token.
    await saveState(plan.connection, plan.events);
    if (plan.alert) await deps.alerts?.show(plan.connection, plan.alert);
    const error = plan.connection.failure?.lastError ?? before.failure?.lastError;
    return {
      ok: false,
      error: error ?? { code: 'unknown', message: 'Refresh failed.' },
      state: plan.connection.state,
    };
  }

  /**
   * Stores a connection's new state (a few attempts), then its history events on their own, best effort:
   * a full history never blocks a state write. A state that cannot be written leaves the in-flight
   * marker behind, which the next sweep or start settles with a fresh refresh.
   */
  async function saveState(connection: Connection, events: HistoryEvent[]): Promise<void> {
    await deps.cover(connection.nextRefreshAt);
    try {
      await deps.steadily(() => deps.db.put('connections', connection));
    } catch (error) {
      console.error('Connection state not stored', errorName(error));
      deps.changed();
      return;
    }
    await appendHistory(deps.db, events);
    deps.changed();
  }

  return { succeeded, failed, offline };
}

/** A success's history: `refreshed`, and `recovered` with the outage's length when it ends a streak. */
function successEvents(
  connection: Connection,
  trigger: RefreshTrigger,
  startedAt: number,
  arrivedAt: number,
  expiresAt: number,
): HistoryEvent[] {
  const base = { connectionId: connection.id, at: arrivedAt, trigger, ok: true } as const;
  const events: HistoryEvent[] = [
    { ...base, kind: 'refreshed', durationMs: arrivedAt - startedAt, expiresAt },
  ];
  if (connection.failure) {
    events.push({
      ...base,
      kind: 'recovered',
      durationMs: arrivedAt - connection.failure.failedAt,
    });
  }
  return events;
}
