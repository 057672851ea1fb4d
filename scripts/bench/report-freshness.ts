// Section 1 of the report: the hostile month, ours against each strategy.
import { DEFAULT_SETTINGS } from '../../utils/settings';
import { count, formatPercent, minutes, table, times } from './format';
import type { FreshnessResult } from './freshness';
import { plannedRate, runningMs, type StrategyFigures } from './outcome';
import type { Measured } from './results';

/** The line saying why a section is missing, or nothing. */
export function missing(section: Measured<unknown>): string {
  return section.ok ? '' : `Not measured in this run: ${section.reason}\n`;
}

/** The freshness section as Markdown. */
export function freshnessSection(section: Measured<FreshnessResult>): string {
  const head = '## 1. Freshness under a hostile month\n';
  if (!section.ok) return `${head}\n${missing(section)}`;
  const { month, ours, others } = section.value;
  const all = [ours, ...others];
  const days = (month.end - month.start) / 86_400_000;
  const mix = [...new Set(month.connections.map((c) => c.profile))]
    .map((p) => `${month.connections.filter((c) => c.profile === p).length} × ${p.name}`)
    .join(', ');
  const skewed = month.connections.filter((c) => c.skewMs !== 0).length;
  const col = (pick: (f: StrategyFigures) => string) => all.map(pick);
  const recovery = (i: number) => (f: StrategyFigures) => {
    const r = f.recoveries[i];
    if (!r || r.affected === 0) return 'not hit';
    const never = r.neverRecovered > 0 ? `, ${r.neverRecovered} never` : '';
    return `${minutes(r.medianMs)} / ${minutes(r.maxMs)} (${r.affected} conn.${never})`;
  };
  const main = table(
    ['', ...all.map((f) => f.name)],
    [
      [
        '**availability outside forced outages**',
        ...col((f) => `**${formatPercent(f.availability, 3)}**`),
      ],
      ['availability, outages included', ...col((f) => formatPercent(f.availabilityAll, 3))],
      ['token calls: answered at once', ...col((f) => count(f.calls.immediate))],
      ['… had to wait for a token request', ...col((f) => count(f.calls.waited))],
      ['… got a token the provider no longer accepts', ...col((f) => count(f.calls.invalid))],
      ['… got no token', ...col((f) => count(f.calls.failed))],
      [
        'calls outside outages not answered at once',
        ...col((f) => count(Object.values(f.missesOutside).reduce((sum, n) => sum + n, 0))),
      ],
      [
        '… the connection was still recovering from an outage',
        ...col((f) => count(f.missesOutside.recovering)),
      ],
      ['… the connection had been lost', ...col((f) => count(f.missesOutside.lost))],
      [
        '… the token was already dead at a skewed provider',
        ...col((f) => count(f.missesOutside.invalid)),
      ],
      [
        '… the token had expired: the call made its own request',
        ...col((f) => count(f.missesOutside.ownRequest)),
      ],
      [
        '… waited for a refresh under way although the stored token was still valid',
        ...col((f) => count(f.missesOutside.behindRefreshValid)),
      ],
      [
        '… waited for a refresh under way, the stored token expired',
        ...col((f) => count(f.missesOutside.behindRefreshExpired)),
      ],
      ['… other', ...col((f) => count(f.missesOutside.other))],
      [
        '**successful refreshes per token lifetime** (ideal 1.0)',
        ...col((f) => `**${f.refreshesPerLifetime.toFixed(2)}**`),
      ],
      [
        'token requests per token lifetime (failures included)',
        ...col((f) => f.requestsPerLifetime.toFixed(2)),
      ],
      [
        'successful refreshes / token requests',
        ...col((f) => `${count(f.refreshes)} / ${count(f.requests)}`),
      ],
      [
        '**worker wake-ups by alarm per refresh**',
        ...col((f) => `**${f.wakeUpsPerRefresh.toFixed(3)}**`),
      ],
      [
        'alarm events per refresh (running worker or not)',
        ...col((f) => f.alarmEventsPerRefresh.toFixed(3)),
      ],
      [
        'worker starts: by alarm / by a caller / by browser start',
        ...col(
          (f) =>
            `${count(f.wakeUps.alarm)} / ${count(f.wakeUps.caller)} / ${count(f.wakeUps.browserStart)}`,
        ),
      ],
      ['**refresh-token reuse errors**', ...col((f) => `**${f.reuseErrors}**`)],
      ['reused within the provider leeway', ...col((f) => String(f.reuseWithinLeeway))],
      ['**connections lost**', ...col((f) => `**${f.connectionsLost}**`)],
      ...month.outages.map((o, i) => [
        `**time to recover** after "${o.label}": median / worst`,
        ...col(recovery(i)),
      ]),
      [
        'notifications: during or right after an outage / within 5 min of a wake-up or browser start / other',
        ...col(
          (f) => `${f.notifications.outage} / ${f.notifications.wakeUp} / ${f.notifications.other}`,
        ),
      ],
      ['simulation time (real)', ...col((f) => `${(f.realMs / 1000).toFixed(1)} s`)],
    ],
  );
  const ratios = table(
    ['ours against', ...others.map((f) => f.name)],
    [
      [
        'calls not answered at once, outside outages: theirs ÷ ours',
        ...others.map((f) => times(misses(f) / misses(ours))),
      ],
      [
        'availability outside outages: ours ÷ theirs',
        ...others.map((f) => times(ours.availability / f.availability)),
      ],
      [
        'successful refreshes: ours ÷ theirs',
        ...others.map((f) => times(ours.refreshes / f.refreshes)),
      ],
      ['token requests: ours ÷ theirs', ...others.map((f) => times(ours.requests / f.requests))],
      [
        'worker wake-ups by alarm: ours ÷ theirs',
        ...others.map((f) =>
          f.wakeUps.alarm === 0 ? 'theirs 0' : times(ours.wakeUps.alarm / f.wakeUps.alarm),
        ),
      ],
      ['all worker starts: ours ÷ theirs', ...others.map((f) => times(starts(ours) / starts(f)))],
    ],
  );
  const profiles = table(
    [
      'provider profile',
      'connections',
      ...all.map((f) => f.name),
      'R3 on plan: lifetime ÷ (lifetime − lead)',
    ],
    ours.perProfile.map((p, i) => {
      const spec = month.connections.find((c) => c.profile.name === p.profile)!;
      return [
        p.profile,
        String(p.connections),
        ...all.map((f) => f.perProfile[i]!.refreshesPerLifetime.toFixed(2)),
        plannedRate(spec.profile.lifetimeSec).toFixed(2),
      ];
    }),
  );
  const runningHours = runningMs(month) / 3_600_000;
  return [
    head,
    `The real engine (\`createServices\`: scheduler, refresher, store, vault) on fake-indexeddb, with fake alarms ` +
      `and a virtual clock, against in-process provider emulators, for ${days} simulated days: ${mix}; ` +
      `${skewed} connections' providers run their clock 2 min fast or slow. The browser runs ` +
      `${runningHours.toFixed(0)} h of the month: it sleeps 23:00–07:00 every night (alarms fire late, at wake-up), ` +
      `restarts once a day (closed 1–3 min, every alarm lost), and Chrome stops the worker after 30 s without ` +
      `events. ${formatPercent(month.transientFailureRate, 0)} of token requests fail transiently (half network ` +
      `errors, half HTTP 503), and ${month.outages.length} outages last an hour each: ` +
      `${month.outages.map((o) => `"${o.label}"`).join(' and ')}. ${count(month.calls.length)} token calls ` +
      '(`getAccessToken` with 60 s minimum validity) arrive at random (Poisson, one per connection every 20 min ' +
      `on average while the browser runs). Seed ${month.seed}. The other columns are ${others.length} ` +
      `hand-rolled timer designs modelled as strategies (${others.map((f) => f.name).join('; ')}), run in the ` +
      'same browser against the same emulators and the same month (see "What is measured").',
    '',
    main,
    '',
    '### Ours against each',
    '',
    ratios,
    '',
    '### Refreshes per token lifetime by provider',
    '',
    `The last column is what the refresh rule R3 itself implies when every refresh happens on plan: a token is ` +
      `refreshed ${DEFAULT_SETTINGS.refreshLeadMin} min before expiry (at most half its lifetime earlier) minus up ` +
      'to 10 % of that lead as jitter, so each token is used for lifetime − lead.',
    '',
    profiles,
    '',
  ].join('\n');
}

/** Calls outside outages not answered at once with a valid token. */
function misses(f: StrategyFigures): number {
  return Object.values(f.missesOutside).reduce((sum, n) => sum + n, 0);
}

function starts(f: StrategyFigures): number {
  return f.wakeUps.alarm + f.wakeUps.caller + f.wakeUps.browserStart;
}
