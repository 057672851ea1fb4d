// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { TimelineChart } from '@/components/TimelineChart';
import { NOW } from './fixtures';

const HOUR = 3_600_000;
const bars = [
  { start: NOW, succeeded: 4, failed: 0 },
  { start: NOW + HOUR, succeeded: 0, failed: 0 },
  { start: NOW + 2 * HOUR, succeeded: 1, failed: 1 },
];

describe('TimelineChart', () => {
  afterEach(() => {
    cleanup();
  });

  it('names its totals for screen readers', () => {
    render(<TimelineChart bars={bars} bucketMs={HOUR} label="Refreshes of Demo" />);

    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe('Refreshes of Demo: 5 succeeded, 1 failed.');
    expect(chart.querySelector('title')?.textContent).toBe(chart.getAttribute('aria-label'));
  });

  it('draws a bar per non-empty count, scaled to the busiest span', () => {
    const { container } = render(
      <TimelineChart bars={bars} bucketMs={HOUR} label="x" width={300} height={50} />,
    );

    const ok = [...container.querySelectorAll('rect.chart-ok')].map((rect) => ({
      x: Number(rect.getAttribute('x')),
      height: Number(rect.getAttribute('height')),
    }));
    const failed = container.querySelectorAll('rect.chart-failed');
    // Plot height 50 with 2 px headroom: the busiest span's 4 attempts fill 48 px.
    expect(ok).toEqual([
      { x: 0, height: 48 },
      { x: 200, height: 12 },
    ]);
    expect(failed).toHaveLength(1);
    expect(Number(failed[0]!.getAttribute('y'))).toBe(50 - 12 - 12);
  });

  it('labels the start, middle and end of the time axis', () => {
    const { container } = render(
      <TimelineChart
        bars={bars}
        bucketMs={HOUR}
        label="x"
        formatTick={(at) => `${(at - NOW) / HOUR}h`}
      />,
    );

    const ticks = [...container.querySelectorAll('.chart-ticks span')].map((t) => t.textContent);
    expect(ticks).toEqual(['0h', '1.5h', '3h']);
  });
});
