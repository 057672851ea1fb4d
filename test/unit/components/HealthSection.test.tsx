// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HealthPeriod, HealthReport } from '@/utils/messaging';
import { HealthSection } from '@/entrypoints/options/HealthSection';
import { NOW, settle } from './fixtures';

const HOUR = 3_600_000;

function report(period: HealthPeriod): HealthReport {
  const buckets = period === '24h' ? 24 : 28;
  const bucketMs = period === '24h' ? HOUR : 6 * HOUR;
  const timeline = Array.from({ length: buckets }, (_, i) => ({
    start: NOW - (buckets - i) * bucketMs,
    succeeded: i % 2,
    failed: i === 3 ? 1 : 0,
  }));
  return {
    now: NOW,
    period,
    from: NOW - buckets * bucketMs,
    bucketMs,
    summary: {
      total: 3,
      byProvider: [
        { provider: 'jira', count: 2 },
        { provider: 'google', count: 1 },
      ],
      expiringSoon: 1,
      expired: 0,
      needsReconnect: 1,
      retrying: 0,
      refreshEnabled: true,
      checkIntervalMin: 5,
      refreshLeadMin: 10,
    },
    connections: [
      {
        connectionId: 'c1',
        label: 'Jira',
        provider: 'jira',
        state: 'healthy',
        attempts: 24,
        succeeded: 23,
        failed: 1,
        successRate: 23 / 24,
        latencyMs: { median: 180, p95: 1250 },
        marginsMs: [600_000, 540_000],
        marginMs: { min: 540_000, median: 570_000 },
        withoutTokenMs: 0,
        failureStreak: 0,
        effectiveLeadSec: 600,
        timeline,
      },
      {
        connectionId: 'c2',
        label: 'Mail',
        provider: 'google',
        state: 'needs-reconnect',
        attempts: 0,
        succeeded: 0,
        failed: 0,
        successRate: null,
        latencyMs: null,
        marginsMs: [],
        marginMs: null,
        withoutTokenMs: 2 * HOUR + 5 * 60_000,
        failureStreak: 3,
        effectiveLeadSec: 600,
        timeline,
      },
    ],
    timeline,
  };
}

const rows = () =>
  screen
    .getAllByTestId('health-row')
    .map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent));

describe('HealthSection', () => {
  afterEach(() => {
    cleanup();
  });

  it('shows the summary figures as in a status endpoint', async () => {
    render(<HealthSection loadHealth={async (p) => report(p)} refreshKey={1} />);
    await settle();

    const figures = [...screen.getByTestId('health-summary').querySelectorAll('div')].map((d) => [
      d.querySelector('dt')?.textContent,
      d.querySelector('dd')?.textContent,
    ]);
    expect(figures).toEqual([
      ['Connections', '3Jira Cloud: 2 · Google: 1'],
      ['Expiring soon', '1inside their refresh lead, not yet refreshed'],
      ['Expired', '0'],
      ['Need reconnecting', '1'],
      ['Retrying', '0'],
      ['Background refresh', 'Oncheck every 5 min, refresh 10 min before expiry'],
    ]);
  });

  it('compares connections: rate, refreshes, latency, margin, time without token, streak', async () => {
    render(<HealthSection loadHealth={async (p) => report(p)} refreshKey={1} />);
    await settle();

    expect(rows()).toEqual([
      ['Jira (Healthy)', '96%', '24 (1 failed)', '180 ms / 1,250 ms', '9 min / 9 min', 'none', '0'],
      ['Mail (Needs reconnect)', '—', '0', '—', '—', '2 h 5 min', '3'],
    ]);
  });

  it('draws the overall chart and one per connection', async () => {
    render(<HealthSection loadHealth={async (p) => report(p)} refreshKey={1} />);
    await settle();

    const charts = screen.getAllByRole('img').map((chart) => chart.getAttribute('aria-label'));
    expect(charts).toEqual([
      'Refreshes of all connections: 12 succeeded, 1 failed.',
      'Refreshes of Jira: 12 succeeded, 1 failed.',
      'Refreshes of Mail: 12 succeeded, 1 failed.',
    ]);
  });

  it('switches to 7 days with the keyboard-operable period choice', async () => {
    const loadHealth = vi.fn(async (p: HealthPeriod) => report(p));
    render(<HealthSection loadHealth={loadHealth} refreshKey={1} />);
    await settle();

    fireEvent.click(screen.getByRole('radio', { name: 'Last 7 days' }));
    await settle();

    expect(loadHealth.mock.calls.map(([period]) => period)).toEqual(['24h', '7d']);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Last 7 days' }).checked).toBe(true);
    expect(screen.getByText('Refreshes of all connections · Last 7 days')).toBeTruthy();
  });

  it('reads the figures again when the worker reports a change', async () => {
    const loadHealth = vi.fn(async (p: HealthPeriod) => report(p));
    const { rerender } = render(<HealthSection loadHealth={loadHealth} refreshKey={1} />);
    await settle();

    rerender(<HealthSection loadHealth={loadHealth} refreshKey={2} />);
    await settle();

    expect(loadHealth).toHaveBeenCalledTimes(2);
  });

  it('says why the figures could not be read', async () => {
    render(
      <HealthSection
        loadHealth={() => Promise.reject(new Error('Receiving end does not exist.'))}
        refreshKey={1}
      />,
    );
    await settle();

    expect(screen.getByRole('alert').textContent).toBe(
      "Couldn't reach Token Keeper's background worker: Receiving end does not exist.",
    );
  });
});
