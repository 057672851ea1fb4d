import { useEffect, useRef, useState } from 'preact/hooks';
import type { HistoryPage, HistoryQuery } from '@/utils/messaging';
import type { ConnectionStatus, HistoryEvent } from '@/utils/model';
import { formatDateTime, formatMs } from '@/components/format';
import { HISTORY_KIND_LABELS, TRIGGER_LABELS } from '@/components/labels';
import { describeSendError } from '@/components/workerClient';

/** Events per page; the worker's index serves them newest first. */
export const HISTORY_PAGE_SIZE = 50;

/** Props for {@link HistorySection}. */
export interface HistorySectionProps {
  /** Known connections, for labels and the filter. */
  connections: Pick<ConnectionStatus, 'id' | 'label'>[];
  loadPage: (query: HistoryQuery) => Promise<HistoryPage>;
  /** Changes whenever the worker reports a change (the snapshot's `now`); the first page is re-read. */
  refreshKey: number;
  /** Formats event times; tests pin the time zone. */
  formatTime?: (at: number) => string;
}

interface HistoryView {
  events: HistoryEvent[];
  hasMore: boolean;
  loading: boolean;
  error: string | null;
}

/** The refresh history: newest first, filterable by connection, paged with "Load more". */
export function HistorySection({
  connections,
  loadPage,
  refreshKey,
  formatTime = formatDateTime,
}: HistorySectionProps) {
  const [filter, setFilter] = useState('');
  const [view, setView] = useState<HistoryView>({
    events: [],
    hasMore: false,
    loading: true,
    error: null,
  });
  // Only the latest request may write: a slow page must not overwrite a newer filter's result.
  const latestRequest = useRef(0);

  async function fetchPage(after: HistoryQuery['after']) {
    const request = ++latestRequest.current;
    setView((current) => ({ ...current, loading: true, error: null }));
    const query: HistoryQuery = { limit: HISTORY_PAGE_SIZE };
    if (filter !== '') query.connectionId = filter;
    if (after !== undefined) query.after = after;
    try {
      const page = await loadPage(query);
      if (request !== latestRequest.current) return;
      setView((current) => ({
        events: after === undefined ? page.events : [...current.events, ...page.events],
        hasMore: page.hasMore,
        loading: false,
        error: null,
      }));
    } catch (error) {
      if (request !== latestRequest.current) return;
      setView((current) => ({ ...current, loading: false, error: describeSendError(error) }));
    }
  }

  useEffect(() => {
    void fetchPage(undefined);
    // fetchPage reads `filter` and `loadPage` from this render; these are the inputs that matter.
  }, [filter, loadPage, refreshKey]);

  const labels = new Map(connections.map((c) => [c.id, c.label]));
  const oldest = view.events.at(-1);

  return (
    <section aria-labelledby="history-heading" class="section">
      <h2 id="history-heading">History</h2>

      <div class="field inline">
        <label for="history-filter">Connection</label>
        <select
          id="history-filter"
          value={filter}
          onChange={(event) => setFilter(event.currentTarget.value)}
        >
          <option value="">All connections</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>

      {view.error && (
        <p class="error" role="alert">
          {view.error}
        </p>
      )}

      {view.events.length === 0 && !view.loading && !view.error ? (
        <p class="muted" data-testid="history-empty">
          No events yet.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="history" aria-busy={view.loading}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Connection</th>
                <th scope="col">Event</th>
                <th scope="col">Trigger</th>
                <th scope="col">Result</th>
                <th scope="col" class="num">
                  Duration
                </th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {view.events.map((event) => (
                <tr
                  key={event.id ?? `${event.connectionId}-${event.at}-${event.kind}`}
                  data-testid="history-row"
                  data-kind={event.kind}
                  data-connection-id={event.connectionId}
                >
                  <td class="nowrap">{formatTime(event.at)}</td>
                  <td>{labels.get(event.connectionId) ?? 'Removed connection'}</td>
                  <td>{HISTORY_KIND_LABELS[event.kind]}</td>
                  <td>{event.trigger ? TRIGGER_LABELS[event.trigger] : '—'}</td>
                  <td class={event.ok ? 'ok' : 'error'}>{event.ok ? 'OK' : 'Failed'}</td>
                  <td class="num">
                    {event.durationMs === undefined ? '—' : formatMs(event.durationMs)}
                  </td>
                  <td>{event.error?.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {view.hasMore && oldest && (
        <button
          type="button"
          onClick={() => fetchPage({ at: oldest.at, id: oldest.id ?? 0 })}
          disabled={view.loading}
        >
          Load more
        </button>
      )}
    </section>
  );
}
