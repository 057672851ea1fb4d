// Where each missed budget's figure comes from, in numbers from the same run (so the text stays true when
// the report is regenerated).
import { MAX_RETRY_DELAY_MS, NEAR_EXPIRY_RETRY_MS } from '../../utils/engine/retry';
import { ALARM_FLOOR_MS, effectiveLeadSec, MAX_JITTER_MS } from '../../utils/engine/schedule';
import { DEFAULT_SETTINGS } from '../../utils/settings';
import type { BudgetVerdict } from './budgets';
import { count, minutes as min } from './format';
import type { BenchResults } from './results';

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
  const poll = others.find((f) => f.name.startsWith('Poll'));
  const ourMedians = ours.recoveries.map((r) => r.medianMs);
  const pollMedians = poll?.recoveries.map((r) => r.medianMs) ?? [];
  if (poll && ourMedians.some((m, i) => m > (pollMedians[i] ?? Infinity))) {
    bullets.push(
      `**Recovery after an outage** is slower than a 5-minute poll's (median ` +
        `${ourMedians.map(min).join(' and ')} against ${pollMedians.map(min).join(' and ')}): the alarm ` +
        `retries back off up to ${min(MAX_RETRY_DELAY_MS)} and the sweep skips connections that wait for a ` +
        'retry. Callers do not wait for that — a call that finds the token expired makes its own request — ' +
        'but they wait on the network instead of getting a token at once.',
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
        `recovering: retries back off to ${min(MAX_RETRY_DELAY_MS)} outside the refresh lead and come every ` +
        `${min(NEAR_EXPIRY_RETRY_MS)} inside it or once expired (worst recovery here ${min(worst)}). ` +
        `${count(m.behindRefreshValid)} waited for a refresh of their connection already under way (a quick ` +
        'retry or a request in flight) although the stored token was still valid for the minute they asked ' +
        'for (a caller whose stored token is valid is answered without taking the lock). ' +
        `${count(m.behindRefreshExpired)} waited for a refresh under way with the token expired (a catch-up ` +
        `after a wake-up), and ${count(m.ownRequest)} made their own token request for an expired token; ` +
        `${count(m.invalid)} got a token the provider no longer accepted (a skewed clock, or — as the ` +
        `emulators track only each connection's newest access token — the stored token handed out while ` +
        `its replacement was in flight, which a real provider still accepts); ${count(m.other)} other.`,
    );
  }
  if (freshness.ok && missed('refreshes per token lifetime')) {
    const { ours } = freshness.value;
    const leadMin = DEFAULT_SETTINGS.refreshLeadMin;
    const maxLeadFor1h = 60 * (1 - 1 / 1.05);
    bullets.push(
      `**Refreshes per token lifetime.** The refresh rule itself (R3) refreshes ${leadMin} min before expiry, ` +
        `at most half a lifetime early, so on plan a 1-hour token is refreshed ${plannedRate(3600).toFixed(2)} ` +
        `times per lifetime and a 5-minute token ${plannedRate(300).toFixed(2)} times; by provider this run measured ` +
        `${ours.perProfile.map((p) => `${p.refreshesPerLifetime.toFixed(2)} (${p.profile})`).join(', ')}` +
        '. The small excess over plan is the catch-up refresh after every night and restart. ' +
        `Meeting ≤ 1.05 would need a lead of at most ${maxLeadFor1h.toFixed(1)} min on 1-hour tokens and ` +
        `${(300 * (1 - 1 / 1.05)) | 0} s on 5-minute tokens — below Chrome's ${ALARM_FLOOR_MS / 1000} s alarm ` +
        'floor, and with no margin left for a failed attempt. The budget and R3 disagree; the engine does what ' +
        'R3 says.',
    );
  }
  if (pages.ok && missed('popup')) {
    const p = pages.value.popup;
    bullets.push(
      `**Popup.** Of the ${p.allCardsMs.toFixed(0)} ms, the page's own start (HTML, scripts, the shell's ` +
        `first render) takes ${p.shellMs.toFixed(0)} ms; it sends \`getStatus\` at ` +
        `${p.statusSentMs.toFixed(0)} ms and has the answer at ${p.statusReplyMs.toFixed(0)} ms (the same ` +
        `round trip alone takes ${p.statusMs.toFixed(1)} ms: the rest is the worker waking up or the page ` +
        `busy); rendering ${p.connections} cards takes the last ` +
        `${(p.allCardsMs - p.statusReplyMs).toFixed(0)} ms. These figures move by tens of ms from run to run ` +
        'on this shared machine.',
    );
  }
  if (pages.ok && missed('history page')) {
    const h = pages.value.history;
    bullets.push(
      `**History page.** The section renders only once the status of every connection is there: the page ` +
        `sends \`getStatus\` at ${h.statusSentMs.toFixed(0)} ms and has the answer for ` +
        `${count(h.connections)} connections at ${h.statusReplyMs.toFixed(0)} ms (alone: ` +
        `${h.statusMs.toFixed(0)} ms); only then does it ask for the first page of events (alone: ` +
        `${h.firstPageMs.toFixed(0)} ms, read from an index whatever the history's size). First row at ` +
        `${h.firstRowMs.toFixed(0)} ms. Filter changes (${h.connectionFilterMs.toFixed(0)} and ` +
        `${h.outcomeFilterMs.toFixed(0)} ms) only re-read a page of events.`,
    );
  }
  return bullets;
}

/** Refreshes per lifetime when every refresh is on plan: lifetime ÷ (lifetime − lead − mean jitter). */
export function plannedRate(lifetimeSec: number): number {
  const leadMs = effectiveLeadSec(DEFAULT_SETTINGS.refreshLeadMin * 60, lifetimeSec) * 1000;
  const meanJitterMs = Math.min(MAX_JITTER_MS, leadMs * 0.1) / 2;
  return (lifetimeSec * 1000) / (lifetimeSec * 1000 - leadMs - meanJitterMs);
}
