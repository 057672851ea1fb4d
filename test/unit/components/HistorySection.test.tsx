// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryPage, HistoryQuery } from '@/utils/messaging';
import type { HistoryEvent } from '@/utils/model';
import { HistorySection } from '@/entrypoints/options/HistorySection';
import { NOW, settle } from './fixtures';

type LoadPage = (query: HistoryQuery) => Promise<HistoryPage>;

const connections = [
  { id: 'c1', label: 'Demo' },
  { id: 'c2', label: 'Jira' },
];
const formatTime = (at: number) => `t${(at - NOW) / 1000}`;

const refreshed: HistoryEvent = {
  id: 2,
  connectionId: 'c1',
  at: NOW,
  kind: 'refreshed',
  trigger: 'alarm',
  ok: true,
  durationMs: 1234,
};
const failed: HistoryEvent = {
  id: 1,
  connectionId: 'gone',
  at: NOW - 60_000,
  kind: 'refresh-failed',
  trigger: 'manual',
  ok: false,
  durationMs: 87,
  error: { code: 'invalid_grant', message: 'The refresh token was revoked.' },
};

const cells = () =>
  screen
    .getAllByTestId('history-row')
    .map((row) => [
      row.dataset.kind,
      ...[...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent),
    ]);

async function renderSection(loadPage: LoadPage, refreshKey = 1) {
  const result = render(
    <HistorySection
      connections={connections}
      loadPage={loadPage}
      refreshKey={refreshKey}
      formatTime={formatTime}
    />,
  );
  await settle();
  return result;
}

describe('HistorySection', () => {
  afterEach(() => {
    cleanup();
  });

  it('lists the first page newest first, with a row per event', async () => {
    const loadPage = vi.fn<LoadPage>(async () => ({ events: [refreshed, failed], hasMore: false }));

    await renderSection(loadPage);

    expect(loadPage).toHaveBeenCalledWith({ limit: 50 });
    expect(cells()).toEqual([
      ['refreshed', 't0', 'Demo', 'Refreshed', 'Schedule', 'OK', '1,234 ms', ''],
      [
        'refresh-failed',
        't-60',
        'Removed connection',
        'Refresh failed',
        'Manual',
        'Failed',
        '87 ms',
        'The refresh token was revoked.',
      ],
    ]);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('loads the next page after the oldest event shown (time and id)', async () => {
    const loadPage = vi.fn<LoadPage>(async (query) =>
      query.after === undefined
        ? { events: [refreshed], hasMore: true }
        : { events: [failed], hasMore: false },
    );
    await renderSection(loadPage);

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await settle();

    expect(loadPage).toHaveBeenLastCalledWith({ limit: 50, after: { at: NOW, id: 2 } });
    expect(cells().map((row) => row[0])).toEqual(['refreshed', 'refresh-failed']);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('asks for one connection when filtered', async () => {
    const loadPage = vi.fn<LoadPage>(async () => ({ events: [], hasMore: false }));
    await renderSection(loadPage);

    fireEvent.change(screen.getByLabelText('Connection'), { target: { value: 'c2' } });
    await settle();
    await settle();

    expect(loadPage).toHaveBeenLastCalledWith({ limit: 50, connectionId: 'c2' });
    expect(screen.getByTestId('history-empty').textContent).toBe('No events yet.');
  });

  it('re-reads the first page when the worker reports a change', async () => {
    const pages = [
      { events: [failed], hasMore: false },
      { events: [refreshed, failed], hasMore: false },
    ];
    const loadPage = vi.fn<LoadPage>(async () => pages.shift()!);
    const { rerender } = await renderSection(loadPage, 1);

    rerender(
      <HistorySection
        connections={connections}
        loadPage={loadPage}
        refreshKey={2}
        formatTime={formatTime}
      />,
    );
    await settle();

    expect(loadPage).toHaveBeenCalledTimes(2);
    expect(cells().map((row) => row[0])).toEqual(['refreshed', 'refresh-failed']);
  });
});
