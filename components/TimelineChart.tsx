import { formatDateTime } from './format';
import { t } from './i18n';

/** One bar of the chart: attempts in a span of time. */
export interface TimelineBar {
  start: number;
  succeeded: number;
  failed: number;
}

/** Props for {@link TimelineChart}. */
export interface TimelineChartProps {
  bars: readonly TimelineBar[];
  /** Width of one bar in time (ms). */
  bucketMs: number;
  /** What the chart shows, for screen readers and the tooltip (the totals are added to it). */
  label: string;
  /** Labels the time axis' ends and middle. */
  formatTick?: (at: number) => string;
  width?: number;
  height?: number;
}

/**
 * Refreshes and failures over time as stacked bars in a small SVG: successes from the baseline up,
 * failures stacked on top in the alarm colour. Hand-drawn on purpose — a chart library would weigh
 * more than the rest of the page.
 */
export function TimelineChart({
  bars,
  bucketMs,
  label,
  formatTick = defaultTick,
  width = 480,
  height = 56,
}: TimelineChartProps) {
  const succeeded = bars.reduce((sum, bar) => sum + bar.succeeded, 0);
  const failed = bars.reduce((sum, bar) => sum + bar.failed, 0);
  const max = Math.max(1, ...bars.map((bar) => bar.succeeded + bar.failed));
  const plot = height;
  const slot = width / Math.max(1, bars.length);
  const barWidth = Math.max(1, slot - Math.min(3, slot * 0.25));
  const scale = (count: number) => (count / max) * (plot - 2);
  const first = bars[0]?.start;
  const end = bars.length > 0 ? bars[bars.length - 1]!.start + bucketMs : undefined;
  const summary = t('chartSummary', label, succeeded, failed);

  return (
    <div class="timeline">
      <svg
        class="timeline-chart"
        viewBox={`0 0 ${width} ${plot + 1}`}
        width="100%"
        height={plot + 1}
        // Bars stretch to the available width; the axis labels are HTML so their text never scales.
        preserveAspectRatio="none"
        role="img"
        aria-label={summary}
        data-testid="timeline-chart"
        data-succeeded={succeeded}
        data-failed={failed}
      >
        <title>{summary}</title>
        <line class="chart-axis" x1="0" x2={width} y1={plot + 0.5} y2={plot + 0.5} />
        {bars.map((bar, index) => {
          const x = index * slot;
          const okHeight = scale(bar.succeeded);
          const failHeight = scale(bar.failed);
          return (
            <g key={bar.start}>
              {bar.succeeded > 0 && (
                <rect
                  class="chart-ok"
                  x={x}
                  y={plot - okHeight}
                  width={barWidth}
                  height={okHeight}
                />
              )}
              {bar.failed > 0 && (
                <rect
                  class="chart-failed"
                  x={x}
                  y={plot - okHeight - failHeight}
                  width={barWidth}
                  height={Math.max(2, failHeight)}
                />
              )}
            </g>
          );
        })}
      </svg>
      {first !== undefined && end !== undefined && (
        <div class="chart-ticks" aria-hidden="true">
          <span>{formatTick(first)}</span>
          <span>{formatTick((first + end) / 2)}</span>
          <span>{formatTick(end)}</span>
        </div>
      )}
    </div>
  );
}

function defaultTick(at: number): string {
  return formatDateTime(at);
}
