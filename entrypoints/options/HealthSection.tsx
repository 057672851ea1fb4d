import { useEffect, useRef, useState } from 'preact/hooks';
import type { HealthPeriod, HealthReport } from '@/utils/messaging';
import { formatDuration, formatMs, formatPercent } from '@/components/format';
import { t, type MessageKey } from '@/components/i18n';
import { providerLabel, stateLabel } from '@/components/labels';
import { StatePill } from '@/components/StatePill';
import { TimelineChart } from '@/components/TimelineChart';
import { describeSendError } from '@/components/workerClient';

/** Props for {@link HealthSection}. */
export interface HealthSectionProps {
  loadHealth: (period: HealthPeriod) => Promise<HealthReport>;
  /** Changes whenever the worker reports a change; the figures are read again. */
  refreshKey: number;
  /** Formats chart axis times; tests pin the time zone. */
  formatTick?: (at: number, period: HealthPeriod) => string;
}

const PERIOD_LABELS: Record<HealthPeriod, MessageKey> = { '24h': 'period24h', '7d': 'period7d' };

/** Health figures: a summary across connections, then reliability per connection with a chart. */
export function HealthSection({ loadHealth, refreshKey, formatTick = tick }: HealthSectionProps) {
  const [period, setPeriod] = useState<HealthPeriod>('24h');
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    const request = ++latest.current;
    loadHealth(period).then(
      (next) => {
        if (request !== latest.current) return;
        setReport(next);
        setError(null);
      },
      (reason: unknown) => request === latest.current && setError(describeSendError(reason)),
    );
  }, [loadHealth, period, refreshKey]);

  const shown = report?.period === period ? report : null;

  return (
    <section aria-labelledby="health-heading" class="section">
      <h2 id="health-heading" tabIndex={-1}>
        {t('sectionHealth')}
      </h2>

      <fieldset class="segmented" data-testid="health-period">
        <legend class="visually-hidden">{t('periodLegend')}</legend>
        {(['24h', '7d'] as const).map((value) => (
          <label key={value} class={value === period ? 'checked' : undefined}>
            <input
              type="radio"
              name="health-period"
              value={value}
              checked={value === period}
              onChange={() => setPeriod(value)}
            />
            {t(PERIOD_LABELS[value])}
          </label>
        ))}
      </fieldset>

      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!shown && !error && <p class="muted">{t('loading')}</p>}
      {shown && (
        <>
          <Summary report={shown} />
          <figure class="chart-figure">
            <figcaption>{t('chartAllCaption', t(PERIOD_LABELS[period]))}</figcaption>
            <TimelineChart
              bars={shown.timeline}
              bucketMs={shown.bucketMs}
              label={t('chartAllLabel')}
              formatTick={(at) => formatTick(at, period)}
            />
            <ChartLegend />
          </figure>
          <ConnectionFigures report={shown} formatTick={(at) => formatTick(at, period)} />
        </>
      )}
    </section>
  );
}

/** The figures across all connections, worded for a person. */
function Summary({ report }: { report: HealthReport }) {
  const { summary } = report;
  const providers =
    summary.byProvider.length === 0
      ? t('valueNone')
      : summary.byProvider
          .map(({ provider, count }) => t('providerCount', providerLabel(provider), count))
          .join(t('listSeparator'));
  const figures: [MessageKey, string, string?][] = [
    ['figureConnections', String(summary.total), providers],
    ['figureExpiringSoon', String(summary.expiringSoon), t('figureExpiringSoonHint')],
    ['figureExpired', String(summary.expired)],
    ['figureNeedsReconnect', String(summary.needsReconnect)],
    ['figureRetrying', String(summary.retrying)],
    [
      'figureBackgroundRefresh',
      summary.refreshEnabled ? t('valueOn') : t('valueOff'),
      t(
        'figureScheduleHint',
        formatDuration(summary.checkIntervalMin * 60_000),
        formatDuration(summary.refreshLeadMin * 60_000),
      ),
    ],
  ];
  return (
    <dl class="figures" data-testid="health-summary">
      {figures.map(([label, value, hint]) => (
        <div key={label} data-figure={label}>
          <dt>{t(label)}</dt>
          <dd>
            <span class="figure-value">{value}</span>
            {hint && <span class="figure-hint">{hint}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Reliability per connection: a table to compare, then each one's own chart. */
function ConnectionFigures({
  report,
  formatTick,
}: {
  report: HealthReport;
  formatTick: (at: number) => string;
}) {
  if (report.connections.length === 0) {
    return <p class="muted">{t('healthNoConnections')}</p>;
  }
  return (
    <>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('healthTableCaption')}>
        <table class="history health-table" data-testid="health-table">
          <caption class="visually-hidden">{t('healthTableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('columnConnection')}</th>
              <th scope="col" class="num">
                {t('columnSuccessRate')}
              </th>
              <th scope="col" class="num">
                {t('columnRefreshes')}
              </th>
              <th scope="col" class="num">
                {t('columnLatency')}
              </th>
              <th scope="col" class="num">
                {t('columnMargin')}
              </th>
              <th scope="col" class="num">
                {t('columnWithoutToken')}
              </th>
              <th scope="col" class="num">
                {t('columnStreak')}
              </th>
            </tr>
          </thead>
          <tbody>
            {report.connections.map((c) => (
              <tr key={c.connectionId} data-testid="health-row" data-connection-id={c.connectionId}>
                <th scope="row">
                  {c.label} <span class="visually-hidden">({stateLabel(c.state)})</span>
                </th>
                <td class="num" data-cell="success-rate">
                  {c.successRate === null ? t('valueNone') : formatPercent(c.successRate)}
                </td>
                <td class="num" data-cell="attempts">
                  {c.failed > 0 ? t('refreshesWithFailures', c.attempts, c.failed) : c.attempts}
                </td>
                <td class="num" data-cell="latency">
                  {c.latencyMs === null
                    ? t('valueNone')
                    : t('latencyValue', formatMs(c.latencyMs.median), formatMs(c.latencyMs.p95))}
                </td>
                <td class="num" data-cell="margin">
                  {c.marginMs === null
                    ? t('valueNone')
                    : t(
                        'marginValue',
                        signedDuration(c.marginMs.min),
                        signedDuration(c.marginMs.median),
                      )}
                </td>
                <td class="num" data-cell="without-token">
                  {c.withoutTokenMs === 0 ? t('valueZero') : formatDuration(c.withoutTokenMs)}
                </td>
                <td class={c.failureStreak > 0 ? 'num error' : 'num'} data-cell="streak">
                  {c.failureStreak}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="hint">{t('healthTableHint')}</p>

      <ul class="health-cards">
        {report.connections.map((c) => (
          <li key={c.connectionId} class="card" data-testid="health-card">
            <header class="card-header">
              <h3>{c.label}</h3>
              <StatePill state={c.state} />
            </header>
            <TimelineChart
              bars={c.timeline}
              bucketMs={report.bucketMs}
              label={t('chartConnectionLabel', c.label)}
              formatTick={formatTick}
              height={40}
            />
            {c.marginsMs.length > 0 && (
              <p class="hint">
                {t('marginLast', signedDuration(c.marginsMs[c.marginsMs.length - 1]!))}
              </p>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function ChartLegend() {
  return (
    <p class="chart-legend">
      <span class="legend-swatch chart-ok-swatch" aria-hidden="true" /> {t('legendSucceeded')}
      <span class="legend-swatch chart-failed-swatch" aria-hidden="true" /> {t('legendFailed')}
    </p>
  );
}

/** "5 min", or "−2 min" for a refresh that landed after the old token had expired. */
function signedDuration(ms: number): string {
  return ms < 0 ? t('negativeDuration', formatDuration(ms)) : formatDuration(ms);
}

function tick(at: number, period: HealthPeriod): string {
  return new Intl.DateTimeFormat(
    undefined,
    period === '24h'
      ? { timeStyle: 'short' }
      : {
          weekday: 'short',
          hour: 'numeric',
        },
  ).format(at);
}
