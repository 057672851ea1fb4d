// Where each missed budget's figure comes from, in numbers from the same run (so the text stays true when
// the report is regenerated).
import {
  MAX_REQUESTS_PER_HOUR,
  MAX_RETRY_DELAY_MS,
  NEAR_EXPIRY_RETRY_MS,
} from '../../utils/engine/retry';
import { DEFAULT_SETTINGS } from '../../utils/settings';
import type { BudgetVerdict } from './budgets';
import { count, minutes as min } from './format';
import { plannedRate, type Recovery } from './outcome';
import type { BenchResults } from './results';
import { POLLING } from './strategies';

/** Findings of the month that no budget covers but the engine's owners should know. */
export function observations(results: BenchResults): string[] {
  const { freshness } = results;
  if (!freshness.ok) return [];
  const { ours, others } = freshness.value;
  const bullets: string[] = [];
  const notes = ours.notifications;
  if (notes.wakeUp + notes.other > 0) {
    bullets.push(
      `**Notifications outside outages.** Our engine showed ${count(notes.wakeUp + notes.other)} ` +
        `notifications outside the outages (besides ${count(notes.outage)} during or right after them), ` +
        `${count(notes.wakeUp)} of them within 5 minutes of a wake-up or browser start. After a night every ` +
        'token has expired, so a single transient failure of the catch-up refresh meets the "token expired ' +
        'before the next attempt" rule and notifies at once — before the quick retries (2 s, 4 s, 8 s), which ' +
        'then almost always succeed seconds later.',
    );
  }
  const poll = others.find((f) => f.name === POLLING.name);
  if (poll) {
    const pair = (f: (r: Recovery) => number) =>
      ours.recoveries
        .map((r, i) => `${min(f(r))} (poll ${min(f(poll.recoveries[i]!))})`)
        .join(' and ');
    bullets.push(
      `**Recovery after an outage**: median ${pair((r) => r.medianMs)}, worst ${pair((r) => r.maxMs)}. ` +
        `While a token is inside its refresh lead or expired, retries come every ` +
        `${(NEAR_EXPIRY_RETRY_MS / 1000).toFixed(0)}–${((NEAR_EXPIRY_RETRY_MS * 1.1) / 1000).toFixed(0)} s ` +
        `(outside it they back off to ${min(MAX_RETRY_DELAY_MS)}), and the first success at a token ` +
        'endpoint retries at once every other connection waiting on it; the slowest are those whose first ' +
        "attempt after the outage failed again by chance (the month's 5 % transient failures). The busiest " +
        `hour of any one connection during an outage held ` +
        `${ours.recoveries.map((r) => r.busiestHourRequests).join(' and ')} token requests ` +
        `(cap ${MAX_REQUESTS_PER_HOUR}).`,
    );
  }
  const wakeBound = ours.alarmEventsPerRefresh;
  bullets.push(
    `**Wake-ups.** With 50 connections the worker is rarely idle for 30 s, so few alarms find it stopped ` +
      `(${ours.wakeUpsPerRefresh.toFixed(3)} wake-ups per refresh). Even if Chrome stopped it before every ` +
      `alarm, wake-ups per refresh could not exceed the alarm events per refresh, ${wakeBound.toFixed(2)}: ` +
      'connections due within the 30 s alarm floor of each other are refreshed by one alarm.',
  );
  return bullets;
}

/** One bullet per missed budget that this run can explain. */
export function explainMisses(results: BenchResults, verdicts: readonly BudgetVerdict[]): string[] {
  const missed = (prefix: string) => verdicts.some((v) => !v.met && v.budget.startsWith(prefix));
  const bullets: string[] = [];
  const { freshness, pages } = results;
  if (freshness.ok && missed('availability')) {
    const { ours } = freshness.value;
    const m = ours.missesOutside;
    const total = Object.values(m).reduce((sum, n) => sum + n, 0);
    const worst = Math.max(...ours.recoveries.map((r) => r.maxMs).filter(Number.isFinite));
    bullets.push(
      `**Availability.** ${count(total)} of the ${count(ours.callsOutside)} calls outside the outages were not ` +
        `answered at once. ${count(m.recovering)} came after an outage while the connection was still ` +
        `recovering (worst recovery here ${min(worst)}). ` +
        `${count(m.behindRefreshValid)} waited for a refresh of their connection already under way (a quick ` +
        'retry or a request in flight) although the stored token was still valid for the minute they asked ' +
        'for (a caller whose stored token is valid is answered without taking the lock). ' +
        `${count(m.behindRefreshExpired)} waited for a refresh under way with the token expired (a catch-up ` +
        `after a wake-up), and ${count(m.ownRequest)} made their own token request for an expired token; ` +
        `${count(m.invalid)} got a token the provider no longer accepted (a skewed clock); ` +
        `${count(m.other)} other.`,
    );
  }
  if (freshness.ok && missed('recovery')) {
    const { ours } = freshness.value;
    bullets.push(
      `**Recovery.** ${ours.recoveries
        .map(
          (r) =>
            `After "${r.label}" ${r.affected} connections recovered in ${min(r.medianMs)} (median), the slowest in ${min(r.maxMs)}${r.neverRecovered > 0 ? `, ${r.neverRecovered} never` : ''}`,
        )
        .join(
          '; ',
        )}. A connection whose first attempt after the outage fails again waits for its next retry ` +
        `(${(NEAR_EXPIRY_RETRY_MS / 1000).toFixed(0)} s or more) unless another connection on its endpoint ` +
        'succeeds meanwhile.',
    );
  }
  if (freshness.ok && missed('token requests')) {
    const { ours, plannedPerLifetime } = freshness.value;
    const leadMin = DEFAULT_SETTINGS.refreshLeadMin;
    bullets.push(
      `**Token requests.** The refresh rule itself (R3) refreshes ${leadMin} min before expiry, at most half a ` +
        `lifetime early: on plan a 1-hour token is refreshed ${plannedRate(3600).toFixed(2)} times per ` +
        `lifetime and a 5-minute token ${plannedRate(300).toFixed(2)} times, ${plannedPerLifetime.toFixed(3)} ` +
        `over this month's connections. The engine sent ${ours.requestsPerLifetime.toFixed(3)} requests per ` +
        `lifetime, ${ours.refreshesPerLifetime.toFixed(3)} of them successful: the rest are the failures ` +
        'and their retries (the transient ones and the outages).',
    );
  }
  if (pages.ok && missed('popup')) {
    const { popup: p, emptyPageMs, scriptedEmptyPageMs } = pages.value;
    const drawnFrom = Math.max(p.mirrorReplyMs, p.scriptMs);
    bullets.push(
      `**Popup.** An empty extension page shows its content at ${emptyPageMs.toFixed(0)} ms, the same page ` +
        `drawing it from a module script at ${scriptedEmptyPageMs.toFixed(0)} ms. The popup's script runs ` +
        `at ${p.scriptMs.toFixed(0)} ms (one file), with the mirrored status read by ` +
        `its head at ${p.mirrorReplyMs.toFixed(0)} ms; its ${p.connections} connections are in the DOM at ` +
        `${p.allCardsMs.toFixed(0)} ms (${(p.allCardsMs - drawnFrom).toFixed(0)} ms of rendering). Only then ` +
        `does it ask the worker (sent at ${p.statusSentMs.toFixed(0)} ms, answered at ` +
        `${p.statusReplyMs.toFixed(0)} ms; alone ${p.statusMs.toFixed(1)} ms). These ` +
        'figures move by tens of ms from run to run on this shared machine.',
    );
  }
  if (pages.ok && missed('history')) {
    const { history: h, emptyPageMs } = pages.value;
    bullets.push(
      `**History page.** An empty extension page shows its content at ${emptyPageMs.toFixed(0)} ms. The ` +
        `page asks for its first page of events at ${h.pageSentMs.toFixed(0)} ms and has it at ` +
        `${h.pageReplyMs.toFixed(0)} ms (alone: ${h.firstPageMs.toFixed(0)} ms, read from an index whatever ` +
        `the history's size); first row at ${h.firstRowMs.toFixed(0)} ms. The status of ` +
        `${count(h.connections)} connections (alone: ${h.statusMs.toFixed(0)} ms) is asked for after it and ` +
        `answered at ${h.statusReplyMs.toFixed(0)} ms. Filter changes (${h.connectionFilterMs.toFixed(0)} ` +
        `and ${h.outcomeFilterMs.toFixed(0)} ms) only re-read a page of events.`,
    );
  }
  return bullets;
}
