import type { Connection, RefreshTrigger } from '../model';
import type { Settings } from '../settings';
import {
  dueConnections,
  earliestScheduled,
  inFlightSince,
  listConnections,
  oldestInFlight,
  retryingConnections,
} from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import { capHistory, pruneHistory } from '../store/history';
import type { AlarmsApi, Clock } from './deps';
import { networkFailuresToRetry, peersToRetry, type RetryNow } from './recovery';
import type { Refresher } from './refresher';
import { steadily, timerSleep } from './retrying';
import { alarmTimeFor, STALE_MARKER_MS } from './schedule';
import { hasUnreadableSecrets } from './secrets';

/** The one-shot alarm set to the earliest `nextRefreshAt` (R2). */
export const REFRESH_ALARM = 'refresh';

/** The periodic safety net: catches anything missed and prunes history. */
export const SWEEP_ALARM = 'sweep';

/** How soon a worker that died mid-work is woken again by the watchdog alarm. */
export const WATCHDOG_MS = 60_000;

/** The refresh alarm's repeat period (minutes) until the next re-arm replaces it. */
const REPEAT_MIN = 1;

/** How many connections refresh at the same time during a catch-up. */
const CATCH_UP_CONCURRENCY = 4;

/** What the scheduler needs. */
export interface SchedulerDeps {
  db: TokenKeeperDb;
  alarms: AlarmsApi;
  clock: Clock;
  refresher: Refresher;
  getSettings: () => Promise<Settings>;
  /** True while the passphrase lock is closed: refreshes pause and no refresh alarm is set. */
  isLocked?: () => boolean;
  /** Waits inside the worker (recovery jitter); tests and simulations pass their own. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

/** Decides when the worker wakes up and what it refreshes then. */
export interface Scheduler {
  /** R1: on every worker start — refresh what is overdue or was cut off mid-flight, re-arm alarms. */
  reconcile(): Promise<void>;
  /** Handles a fired alarm. */
  onAlarm(alarm: { name: string }): Promise<void>;
  /** Points the refresh alarm at the earliest scheduled refresh (call after any schedule change). */
  arm(): Promise<void>;
  /** Makes sure the refresh alarm fires by `when` (before a plan is written; see R2). */
  cover(when: number): Promise<void>;
  /** Makes sure the worker wakes within a minute (before a token request leaves, see R5). */
  wakeSoon(): Promise<void>;
  /** Correlated recovery: `succeeded`'s token endpoint answered, so retry now the others waiting on it. */
  retryPeers(succeeded: Connection): Promise<void>;
  /** The browser is back online: retry now what failed for network reasons. */
  retryNetworkFailures(): Promise<void>;
}

/** Builds the scheduler. */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  // Covers so far: an arm that read the plan before a cover must not clear or delay what it set.
  let covers = 0;

  // Many refreshes end at once during a catch-up: their re-arms fold into one more pass, never overlap.
  let arming: Promise<void> | undefined;
  let armAgain = false;
  const locked = () => deps.isLocked?.() ?? false;
  const sleep = deps.sleep ?? timerSleep;
  // What a pass reads to decide what is due is retried in place, as the refresher's own steps are: in a
  // storage storm a pass that gives up at the first hiccup waits an alarm, which a lost answer inside a
  // provider's reuse leeway cannot spare (docs/reliability.md#bugs-the-simulator-found).
  const steady = steadily(sleep);
  const readSettings = () => steady(() => deps.getSettings());

  async function ensureSweep(settings: Settings): Promise<void> {
    const existing = await deps.alarms.get(SWEEP_ALARM);
    // Re-creating an existing alarm resets its timer; only touch it when missing or changed.
    if (existing?.periodInMinutes === settings.checkIntervalMin) return;
    await deps.alarms.create(SWEEP_ALARM, {
      delayInMinutes: settings.checkIntervalMin,
      periodInMinutes: settings.checkIntervalMin,
    });
  }

  /** One pass of `arm`: the alarm at the earliest planned refresh (or stale marker to settle), or none. */
  async function armOnce(): Promise<void> {
    const coversBefore = covers;
    const settings = await deps.getSettings();
    const due = await earliestDue(settings);
    const existing = await deps.alarms.get(REFRESH_ALARM);
    const best = due === undefined ? undefined : alarmTimeFor(due, deps.clock.now());
    // An alarm that fires on time, or sooner than one set now could (30 s floor), stays: re-creating it on
    // every worker start would push a refresh due in 20 s out to 30 s.
    if (existing && due !== undefined && alarmStillRight(existing.scheduledTime, due, best!))
      return;
    const later = best === undefined || (existing !== undefined && existing.scheduledTime < best);
    // What we read may predate a plan written meanwhile (a cover came first): never undo that cover.
    if (later && covers !== coversBefore) {
      armAgain = true;
      return;
    }
    if (best === undefined) await deps.alarms.clear(REFRESH_ALARM);
    else await createRefreshAlarm(best);
  }

  /** The earliest planned refresh, or the moment a marker in flight becomes stale, whichever is first. */
  async function earliestDue(settings: Settings): Promise<number | undefined> {
    // Locked: nothing can be refreshed or settled, so nothing to wake for; the unlock reconciles.
    if (locked()) return undefined;
    const planned = settings.enabled
      ? (await earliestScheduled(deps.db))?.nextRefreshAt
      : undefined;
    const marker = (await oldestInFlight(deps.db))?.inFlightSince;
    const stale = marker === undefined || marker === null ? undefined : marker + STALE_MARKER_MS;
    if (planned === undefined) return stale;
    return stale === undefined ? planned : Math.min(planned, stale);
  }

  /**
   * The refresh alarm repeats every minute until re-armed: if the worker dies after it fired (even
   * while starting, before any code ran), it fires again instead of leaving the schedule to the sweep.
   */
  async function createRefreshAlarm(when: number): Promise<void> {
    await deps.alarms.create(REFRESH_ALARM, { when, periodInMinutes: REPEAT_MIN });
  }

  /**
   * Makes sure the refresh alarm fires no later than `when` allows (never sooner than the 30 s floor).
   * Called *before* a plan is written or work starts that a dying worker could cut short, so a worker
   * killed between the write and the next `arm` is still woken in time (docs/reliability.md#arm-ahead).
   */
  async function cover(when: number): Promise<void> {
    covers += 1;
    const best = alarmTimeFor(when, deps.clock.now());
    const existing = await deps.alarms.get(REFRESH_ALARM);
    if (existing && existing.scheduledTime <= best + 1_000) return;
    await createRefreshAlarm(best);
  }

  /** The watchdog: wake within a minute (a fired alarm's work, a token request in flight). */
  const wakeSoon = () => cover(deps.clock.now() + WATCHDOG_MS);

  function arm(): Promise<void> {
    if (arming) {
      armAgain = true;
      return arming;
    }
    arming = (async () => {
      do {
        armAgain = false;
        try {
          await armOnce();
        } catch {
          // The plan could not be read: wake soon and try again rather than leave no alarm at all.
          await wakeSoon();
        }
      } while (armAgain);
    })().finally(() => {
      arming = undefined;
    });
    return arming;
  }

  /** Refreshes what is due; `settings` are the ones the caller just read (one read per pass). */
  async function refreshDue(
    trigger: RefreshTrigger,
    includeInterrupted: boolean,
    settings: Settings,
  ): Promise<void> {
    // Paused while locked: no request, no state change; nothing is lost (refresh tokens outlive days).
    if (locked()) return;
    // A clock that went back makes every expiry look later than it is: they are expired first, so due.
    await steady(() => deps.refresher.clockGuard.check());
    const now = deps.clock.now();
    const due = settings.enabled ? await steady(() => dueConnections(deps.db, now + 1_000)) : [];
    const ids = new Set(due.map((connection) => connection.id));
    if (includeInterrupted) {
      for (const connection of await steady(() => listConnections(deps.db))) {
        // A marker left behind means a worker died mid-request (R5): settle it now, even when disabled.
        if (connection.inFlightSince !== null) ids.add(connection.id);
        // Unreadable secrets are looked at again: a storage hiccup heals, real damage is found again.
        if (hasUnreadableSecrets(connection)) ids.add(connection.id);
      }
    } else {
      // A marker older than any request can take was left by a worker that died or could not write its
      // outcome: settle it (even when disabled), whatever woke us. (The full pass above takes every marker.)
      for (const connection of await steady(() => inFlightSince(deps.db, now - STALE_MARKER_MS))) {
        ids.add(connection.id);
      }
    }
    await runLimited([...ids], CATCH_UP_CONCURRENCY, (id) => deps.refresher.refresh(id, trigger));
  }

  async function reconcile(): Promise<void> {
    try {
      const settings = await readSettings();
      await ensureSweep(settings);
      await refreshDue('startup', true, settings);
    } catch (error) {
      // Storage failed part-way: the alarm below brings the worker back to finish the job.
      await wakeSoon();
      throw error;
    } finally {
      await arm();
      await deps.refresher.clockGuard.remember().catch(() => undefined);
    }
  }

  async function onAlarm(alarm: { name: string }): Promise<void> {
    if (alarm.name !== REFRESH_ALARM && alarm.name !== SWEEP_ALARM) return;
    // The one-shot alarm that fired is gone: a worker dying in what follows must still be woken again.
    await wakeSoon();
    try {
      if (alarm.name === REFRESH_ALARM) {
        await refreshDue('alarm', false, await readSettings());
      } else {
        const settings = await readSettings();
        await ensureSweep(settings);
        await deps.refresher.secrets.flush();
        await refreshDue('sweep', true, settings);
        await pruneHistory(deps.db, deps.clock.now() - settings.historyRetentionDays * 86_400_000);
        await capHistory(deps.db);
      }
    } finally {
      await arm();
      await deps.refresher.clockGuard.remember().catch(() => undefined);
    }
  }

  const random = deps.random ?? Math.random;

  /**
   * Moves the chosen retries in (docs/reliability.md#correlated-recovery): the alarm covers the earliest
   * first, then each plan is rewritten unless the connection moved on meanwhile, and while this worker
   * lives each runs at its time (sooner than the alarm's 30 s floor allows).
   */
  async function retrySoon(
    choose: (waiting: Connection[], now: number) => RetryNow[],
  ): Promise<void> {
    // Locked: no request may leave; the unlock's reconcile refreshes what is overdue then.
    if (locked()) return;
    // Every successful refresh asks this: most find nobody waiting, so the settings are read only when
    // there is something to move.
    const picks = choose(await retryingConnections(deps.db), deps.clock.now());
    if (picks.length === 0) return;
    if (!(await deps.getSettings()).enabled) return;
    await cover(picks[0]!.at);
    const moved = await moveRetries(picks);
    if (moved.length === 0) return;
    try {
      await runLimited(moved, CATCH_UP_CONCURRENCY, async (pick) => {
        await sleep(Math.max(0, pick.at - deps.clock.now()));
        await deps.refresher.refresh(pick.connectionId, 'alarm');
      });
    } finally {
      await arm();
    }
  }

  /** Writes the earlier retry times in one transaction, skipping connections that changed since chosen. */
  async function moveRetries(picks: RetryNow[]): Promise<RetryNow[]> {
    const tx = deps.db.transaction('connections', 'readwrite');
    const moved: RetryNow[] = [];
    for (const pick of picks) {
      const current = await tx.store.get(pick.connectionId);
      if (
        current?.state !== 'retrying' ||
        current.inFlightSince !== null ||
        current.nextRefreshAt === undefined ||
        current.nextRefreshAt <= pick.at
      )
        continue;
      await tx.store.put({ ...current, nextRefreshAt: pick.at });
      moved.push(pick);
    }
    await tx.done;
    return moved;
  }

  const retryPeers = (succeeded: Connection) =>
    retrySoon((waiting, now) => peersToRetry(succeeded, waiting, now, random));
  const retryNetworkFailures = () =>
    retrySoon((waiting, now) => networkFailuresToRetry(waiting, now, random));

  return { reconcile, onAlarm, arm, cover, wakeSoon, retryPeers, retryNetworkFailures };
}

async function runLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      // One connection's failure is recorded by the refresher; it must not stop the others.
      await task(item).catch((error: unknown) =>
        console.error('Refresh failed unexpectedly', error),
      );
    }
  });
  await Promise.all(workers);
}

/**
 * Whether an existing alarm at `scheduled` still serves a refresh due at `due`: not early (it would wake
 * for nothing) and no later than `best`, the soonest time an alarm set now could fire.
 */
export function alarmStillRight(scheduled: number, due: number, best: number): boolean {
  return scheduled >= due - 1_000 && scheduled <= best + 1_000;
}
