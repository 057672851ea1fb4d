// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryExport, HistoryPage, HistoryQuery } from '@/utils/messaging';
import type { HistoryEvent } from '@/utils/model';
import { DEFAULT_SETTINGS } from '@/utils/settings';
import { HistorySection, type HistorySectionProps } from '@/entrypoints/options/HistorySection';
import { NOW, settle } from './fixtures';

type LoadPage = (query: HistoryQuery) => Promise<HistoryPage>;

const connections = [
  { id: 'c1', label: 'Demo' },
  { id: 'c2', label: 'Jira' },
];
const formatAt = (at: number) => `t${(at - NOW) / 1000}`;

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

/** A page as the worker answers it: the events and their connections' labels (those that exist). */
const page = (events: HistoryEvent[], hasMore = false): HistoryPage => ({
  events,
  hasMore,
  connections: connections.filter((c) => events.some((event) => event.connectionId === c.id)),
});

const cells = () =>
  screen
    .getAllByTestId('history-row')
    .map((row) => [
      row.dataset.kind,
      ...[...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent),
    ]);

function props(overrides: Partial<HistorySectionProps> = {}): HistorySectionProps {
  return {
    connections,
    loadPage: vi.fn<LoadPage>(async () => page([refreshed, failed])),
    exportHistory: vi.fn(),
    clearHistory: vi.fn(),
    loadSettings: async () => DEFAULT_SETTINGS,
    refreshKey: 1,
    formatAt,
    saveFile: vi.fn(),
    clock: () => NOW,
    ...overrides,
  };
}

async function renderSection(overrides: Partial<HistorySectionProps> = {}) {
  const all = props(overrides);
  const result = render(<HistorySection {...all} />);
  await settle();
  return { ...result, props: all };
}

function choose(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('HistorySection', () => {
  afterEach(() => {
    cleanup();
  });

  it('lists the first page newest first, with a row per event', async () => {
    const { props } = await renderSection();

    expect(props.loadPage).toHaveBeenCalledWith({ limit: 50 });
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
    expect(screen.getByTestId('history-count').textContent).toBe('Showing all 2 events.');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('loads the next page after the oldest event shown (time and id), with the same filter', async () => {
    const loadPage = vi.fn<LoadPage>(async (query) =>
      query.after === undefined ? page([refreshed], true) : page([failed]),
    );
    await renderSection({ loadPage });
    choose('Result', 'ok');
    await settle();

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await settle();

    expect(loadPage).toHaveBeenLastCalledWith({
      limit: 50,
      outcome: 'ok',
      after: { at: NOW, id: 2 },
    });
    expect(cells().map((row) => row[0])).toEqual(['refreshed', 'refresh-failed']);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('sends every filter to the worker: connection, event, result and time range', async () => {
    const loadPage = vi.fn<LoadPage>(async () => page([]));
    await renderSection({ loadPage });

    choose('Connection', 'c2');
    choose('Event', 'refresh-failed');
    choose('Result', 'failed');
    choose('Time', 'day');
    await settle();

    expect(loadPage).toHaveBeenLastCalledWith({
      limit: 50,
      connectionId: 'c2',
      kinds: ['refresh-failed'],
      outcome: 'failed',
      from: NOW - 86_400_000,
    });
    expect(screen.getByTestId('history-empty').textContent).toBe('No events match this filter.');
  });

  it('filters a custom range and refuses a backwards one with a clear message', async () => {
    const loadPage = vi.fn<LoadPage>(async () => page([]));
    await renderSection({ loadPage });
    choose('Time', 'custom');

    choose('From', '2025-11-22T10:00');
    choose('To', '2025-11-22T11:00');
    await settle();
    const good = loadPage.mock.lastCall?.[0];
    const callsBefore = loadPage.mock.calls.length;
    choose('From', '2025-11-22T12:00');
    await settle();

    expect(good).toEqual({
      limit: 50,
      from: new Date('2025-11-22T10:00').getTime(),
      to: new Date('2025-11-22T11:00').getTime() + 60_000,
    });
    expect(loadPage.mock.calls.length).toBe(callsBefore);
    expect(screen.getByTestId('history-range-error').textContent).toBe(
      'The start of the time range is after its end.',
    );
  });

  it('exports the filtered history as a file and says how many events it holds', async () => {
    const file: HistoryExport = {
      fileName: 'token-keeper-history.csv',
      mimeType: 'text/csv',
      content: 'time,…',
      count: 2,
    };
    const exportHistory = vi.fn(async () => file);
    const { props } = await renderSection({ exportHistory });
    choose('Connection', 'c1');
    await settle();

    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await settle();

    expect(exportHistory).toHaveBeenCalledWith('csv', { connectionId: 'c1' });
    expect(props.saveFile).toHaveBeenCalledWith(file.fileName, file.mimeType, file.content);
    expect(screen.getByTestId('history-tool-status').textContent).toBe(
      'Exported 2 events to token-keeper-history.csv.',
    );
  });

  it('clears the history only after a second, explicit confirmation', async () => {
    const clearHistory = vi.fn(async () => ({ removed: 2 }));
    await renderSection({ clearHistory });

    fireEvent.click(screen.getByRole('button', { name: 'Clear history…' }));
    const asked = screen.getByRole('group', { name: 'Confirm clearing the history' }).textContent;
    const focused = document.activeElement?.textContent;
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    const afterCancel = clearHistory.mock.calls.length;
    fireEvent.click(screen.getByRole('button', { name: 'Clear history…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete all history' }));
    await settle();

    expect(asked).toContain('Delete every event? This cannot be undone.');
    expect(focused).toBe('Delete all history');
    expect(afterCancel).toBe(0);
    expect(clearHistory).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('history-tool-status').textContent).toBe('Deleted 2 events.');
  });

  it('states the retention and links to the setting', async () => {
    await renderSection();

    expect(screen.getByTestId('history-retention').textContent).toBe(
      'Events older than 30 days are deleted automatically. Change in Settings',
    );
  });

  it('re-reads the first page when the worker reports a change', async () => {
    const pages = [page([failed]), page([refreshed, failed])];
    const loadPage = vi.fn<LoadPage>(async () => pages.shift()!);
    const { rerender, props } = await renderSection({ loadPage });

    rerender(<HistorySection {...props} refreshKey={2} />);
    await settle();

    expect(loadPage).toHaveBeenCalledTimes(2);
    expect(cells().map((row) => row[0])).toEqual(['refreshed', 'refresh-failed']);
  });

  it('keeps older pages the person loaded when the worker reports a change', async () => {
    const loadPage = vi.fn<LoadPage>(async (query) =>
      query.after === undefined ? page([refreshed], true) : page([failed]),
    );
    const { rerender, props } = await renderSection({ loadPage });
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await settle();

    rerender(<HistorySection {...props} refreshKey={2} />);
    await settle();

    expect(loadPage).toHaveBeenCalledTimes(2);
    expect(cells()).toHaveLength(2);
  });

  it('shows the first page before the connections are known, labelled by the page itself', async () => {
    const loadPage = vi.fn<LoadPage>(async () => page([refreshed, failed]));
    const { rerender, props } = await renderSection({
      connections: null,
      refreshKey: null,
      loadPage,
    });
    const before = {
      asked: loadPage.mock.calls.length,
      rows: cells().map((row) => row.slice(0, 3)),
      busy: screen.getByTestId('history-table').getAttribute('aria-busy'),
    };

    rerender(<HistorySection {...props} connections={connections} refreshKey={1} />);
    await settle();

    expect(before).toEqual({
      asked: 1,
      rows: [
        ['refreshed', 't0', 'Demo'],
        ['refresh-failed', 't-60', 'Removed connection'],
      ],
      busy: 'false',
    });
    // The first status is no change: the page read at mount is not read again.
    expect(loadPage).toHaveBeenCalledTimes(1);
  });

  it('describes the next attempt and the new expiry in the details column', async () => {
    const events: HistoryEvent[] = [
      { id: 4, connectionId: 'c1', at: NOW, kind: 'retry-scheduled', ok: false, expiresAt: NOW },
      { id: 3, connectionId: 'c1', at: NOW, kind: 'connected', ok: true, expiresAt: NOW },
    ];
    await renderSection({ loadPage: async () => page(events) });

    const details = cells().map((row) => row.at(-1));

    expect(details[0]).toMatch(/^next attempt at /);
    expect(details[1]).toMatch(/^valid until /);
  });
});
