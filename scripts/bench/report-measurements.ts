// Sections 2–4 of the report: latency, scale and footprint.
import { count, formatKb, ms, table } from './format';
import { missing } from './report-freshness';
import type { BenchResults } from './results';

/** The latency section as Markdown. */
export function latencySection({ latency }: BenchResults): string {
  const head = '## 2. Latency (Chromium)\n';
  if (!latency.ok) return `${head}\n${missing(latency)}`;
  const l = latency.value;
  return [
    head,
    'The built extension in headless Chromium with one connection to the real authorization server ' +
      '(oidc-provider on loopback, 1-hour tokens). Messages are sent one after another from the options page ' +
      "in @webext-core/messaging's wire format and timed there with `performance.now()` (Chromium coarsens it " +
      'to 0.1 ms).',
    '',
    table(
      ['figure', 'value'],
      [
        [
          `\`getAccessToken\`, token fresh (${l.fresh.samples} calls): median / p99 / max`,
          `${ms(l.fresh.median, 1)} / ${ms(l.fresh.p99, 1)} / ${ms(l.fresh.max, 1)}`,
        ],
        [
          `first \`getAccessToken\` after Chromium stopped the worker (${l.coldStart.samples} times): median / max`,
          `${ms(l.coldStart.median, 1)} / ${ms(l.coldStart.max, 1)}`,
        ],
        [
          `**Refresh now** end to end (${l.refreshNow.samples} refreshes): median`,
          ms(l.refreshNow.totalMedian, 1),
        ],
        [
          '… of which the token endpoint itself (oidc-provider): median',
          ms(l.refreshNow.serverMedian, 1),
        ],
        [
          '… engine overhead (end to end − token endpoint, per refresh): median / p99',
          `${ms(l.refreshNow.overheadMedian, 1)} / ${ms(l.refreshNow.overheadP99, 1)}`,
        ],
      ],
    ),
    '',
  ].join('\n');
}

/** The scale section as Markdown. */
export function scaleSection({ scheduling, pages }: BenchResults): string {
  const rows: string[][] = [];
  if (scheduling.ok) {
    const s = scheduling.value;
    rows.push(
      [
        `scheduling pass at worker start (\`reconcile\`, nothing due), ${count(s.connections)} connections + ${count(s.events)} events`,
        ms(s.reconcileMs, 1),
      ],
      [
        'safety-net sweep (due query, in-flight scan, retention prune), nothing due',
        ms(s.sweepMs, 1),
      ],
      [
        'refresh alarm with one connection due (instant token endpoint): query, refresh, commit, re-arm',
        ms(s.refreshAlarmMs, 1),
      ],
      [
        'stored data, serialized: connections / secrets / history / total',
        `${formatKb(s.bytes.connections)} / ${formatKb(s.bytes.secrets)} / ${formatKb(s.bytes.history)} / ${formatKb(s.bytes.total)}`,
      ],
    );
  }
  if (pages.ok) {
    const p = pages.value;
    rows.push(
      [
        'an empty extension page (the baseline the page budgets are measured over): its content in the DOM',
        ms(p.emptyPageMs),
      ],
      [
        '… the same page with its element drawn by a module script (context: what any page with a script pays first)',
        ms(p.scriptedEmptyPageMs),
      ],
      [
        `popup with ${p.popup.connections} connections: mirrored status read / its script runs / first connection / all connections in the DOM (calm ones as rows) / \`getStatus\` sent / the worker's answer in`,
        [
          p.popup.mirrorReplyMs,
          p.popup.scriptMs,
          p.popup.firstCardMs,
          p.popup.allCardsMs,
          p.popup.statusSentMs,
          p.popup.statusReplyMs,
        ]
          .map((v) => ms(v))
          .join(' / '),
      ],
      ['… the same `getStatus` round trip timed alone from a page', ms(p.popup.statusMs, 1)],
      [
        `options page History section, ${count(p.history.connections)} connections + ${count(p.history.events)} events: app shell / first page asked / answered / first row / status answered`,
        [
          p.history.shellMs,
          p.history.pageSentMs,
          p.history.pageReplyMs,
          p.history.firstRowMs,
          p.history.statusReplyMs,
        ]
          .map((v) => ms(v))
          .join(' / '),
      ],
      [
        `… round trips timed alone from a page: \`getStatus\` (${count(p.history.connections)} connections) / \`getHistory\` (first 50 events)`,
        `${ms(p.history.statusMs, 1)} / ${ms(p.history.firstPageMs, 1)}`,
      ],
      [
        '… filter change to one connection, until only its rows show',
        ms(p.history.connectionFilterMs),
      ],
      ['… filter change to failures only, until only failures show', ms(p.history.outcomeFilterMs)],
      [
        "Chromium's storage usage for the extension (`navigator.storage.estimate()`): empty / seeded",
        `${formatKb(p.storage.baselineBytes)} / ${formatKb(p.storage.seededBytes)}`,
      ],
    );
  }
  return [
    '## 3. Scale\n',
    ...[missing(scheduling), missing(pages)].filter(Boolean),
    'Scheduling passes: the real scheduler (`createServices`) over fake-indexeddb in Node, median of 5 runs. ' +
      'Pages: the built extension in headless Chromium, its own IndexedDB seeded from an extension page ' +
      '(connections and history only: no secrets, nothing due); times are `performance.now()` in the page, ' +
      'counted from the start of the navigation to the moment a MutationObserver installed before the page ' +
      `scripts sees the element, median of ${pages.ok ? pages.value.repeats : 5} loads. The popup is opened as a tab.`,
    '',
    table(['figure', 'value'], rows),
    '',
  ].join('\n');
}

/** The footprint section as Markdown. */
export function footprintSection({ footprint }: BenchResults): string {
  const head = '## 4. Footprint\n';
  if (!footprint.ok) return `${head}\n${missing(footprint)}`;
  return [
    head,
    'The Chrome production build (`wxt build` into `.output/bench/chrome-mv3`): each entry point with every script, shared chunk and ' +
      'stylesheet it loads (followed from the HTML and the static imports). gzip is each file compressed on its ' +
      'own at level 9 (node:zlib), summed. 1 KB = 1,024 bytes.',
    '',
    table(
      ['bundle', 'files', 'raw', 'gzip'],
      footprint.value.map((b) => [
        b.name,
        b.files.map((f) => `\`${f}\``).join(', '),
        formatKb(b.rawBytes),
        formatKb(b.gzipBytes),
      ]),
    ),
    '',
  ].join('\n');
}
