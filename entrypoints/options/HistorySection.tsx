import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type {
  ExportFormat,
  HistoryCriteria,
  HistoryExport,
  HistoryPage,
  HistoryQuery,
} from '@/utils/messaging';
import { ANY_CONNECTION, type ConnectionStatus, type HistoryEvent } from '@/utils/model';
import type { Settings } from '@/utils/settings';
import { saveFile as browserSaveFile } from '@/components/download';
import { formatDateTime, formatMs, formatTime } from '@/components/format';
import { t, type MessageKey } from '@/components/i18n';
import { HISTORY_KINDS, kindLabel, triggerLabel } from '@/components/labels';
import { describeSendError } from '@/components/workerClient';
import { HistoryFilters } from './HistoryFilters';
import {
  isBackwards,
  isUnfiltered,
  NO_FILTER,
  pageQuery,
  toCriteria,
  type HistoryFilterValues,
} from './historyFilter';

/** Props for {@link HistorySection}. */
export interface HistorySectionProps {
  /**
   * Known connections, for the filter (and labels); null while the page's status is on its way. Rows do
   * not wait for it: each page of events carries its own connections' labels.
   */
  connections: Pick<ConnectionStatus, 'id' | 'label'>[] | null;
  loadPage: (query: HistoryQuery) => Promise<HistoryPage>;
  exportHistory: (format: ExportFormat, criteria: HistoryCriteria) => Promise<HistoryExport>;
  clearHistory: () => Promise<{ removed: number }>;
  /** For the retention line. */
  loadSettings: () => Promise<Settings>;
  /**
   * Changes whenever the worker reports a change; a first page on screen is re-read. Null until the
   * first status: its arrival is not a change.
   */
  refreshKey: number | null;
  /** Formats event times; tests pin the time zone. */
  formatAt?: (at: number) => string;
  /** Hands an export to the browser as a download; tests capture it instead. */
  saveFile?: (fileName: string, mimeType: string, content: string) => void;
  /** "Now" for relative time ranges; tests pin it. */
  clock?: () => number;
}

interface HistoryView {
  events: HistoryEvent[];
  /** Labels of the shown events' connections, from their pages. */
  labels: ReadonlyMap<string, string>;
  hasMore: boolean;
  loading: boolean;
  error: string | null;
}

type ToolView =
  | { phase: 'idle' }
  | { phase: 'confirm-clear' }
  | { phase: 'pending'; text: MessageKey }
  | { phase: 'done'; ok: boolean; text: string };

/** The refresh history: filter, page, export, clear. */
export function HistorySection({
  connections,
  loadPage,
  exportHistory,
  clearHistory,
  loadSettings,
  refreshKey,
  formatAt = formatDateTime,
  saveFile = browserSaveFile,
  clock = Date.now,
}: HistorySectionProps) {
  const [filter, setFilter] = useState<HistoryFilterValues>(NO_FILTER);
  const [view, setView] = useState<HistoryView>({
    events: [],
    labels: new Map(),
    hasMore: false,
    loading: true,
    error: null,
  });
  const [tool, setTool] = useState<ToolView>({ phase: 'idle' });
  const [retentionDays, setRetentionDays] = useState<number | null>(null);
  // Only the latest request may write: a slow page must not overwrite a newer filter's result.
  const latestRequest = useRef(0);
  // The criteria of the pages on screen: "Load more" continues with exactly these.
  const shownCriteria = useRef<HistoryCriteria>({});
  const pagesShown = useRef(0);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const backwards = isBackwards(filter);

  async function fetchPage(after: HistoryQuery['after']) {
    const request = ++latestRequest.current;
    if (after === undefined) shownCriteria.current = toCriteria(filter, clock());
    setView((current) => ({ ...current, loading: true, error: null }));
    try {
      const page = await loadPage(pageQuery(shownCriteria.current, after));
      if (request !== latestRequest.current) return;
      pagesShown.current = after === undefined ? 1 : pagesShown.current + 1;
      const labels = page.connections.map((c) => [c.id, c.label] as const);
      setView((current) => ({
        events: after === undefined ? page.events : [...current.events, ...page.events],
        labels: new Map(after === undefined ? labels : [...current.labels, ...labels]),
        hasMore: page.hasMore,
        loading: false,
        error: null,
      }));
    } catch (error) {
      if (request !== latestRequest.current) return;
      setView((current) => ({ ...current, loading: false, error: describeSendError(error) }));
    }
  }

  // A layout effect: the first page is asked for at mount, alongside the page's status, not a
  // frame later.
  useLayoutEffect(() => {
    if (backwards) return;
    void fetchPage(undefined);
    // fetchPage reads `filter` and `loadPage` from this render; these are the inputs that matter.
  }, [filter, loadPage, backwards]);

  const shownKey = useRef(refreshKey);
  useEffect(() => {
    const first = shownKey.current === null;
    shownKey.current = refreshKey;
    // The first status is no news: the page asked for at mount is as recent as it is.
    if (first) return;
    // New events arrived: show them when the person is looking at the newest page, but never
    // throw away older pages they loaded on purpose.
    if (pagesShown.current === 1 && !backwards) void fetchPage(undefined);
  }, [refreshKey]);

  useEffect(() => {
    let active = true;
    loadSettings().then(
      (settings) => active && setRetentionDays(settings.historyRetentionDays),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [loadSettings]);

  useEffect(() => {
    if (tool.phase === 'confirm-clear') confirmButton.current?.focus();
  }, [tool.phase]);

  async function runExport(format: ExportFormat) {
    setTool({ phase: 'pending', text: 'exportPending' });
    try {
      const file = await exportHistory(format, toCriteria(filter, clock()));
      saveFile(file.fileName, file.mimeType, file.content);
      setTool({ phase: 'done', ok: true, text: t('exportDone', file.count, file.fileName) });
    } catch (error) {
      setTool({ phase: 'done', ok: false, text: describeSendError(error) });
    }
  }

  async function runClear() {
    setTool({ phase: 'pending', text: 'clearPending' });
    try {
      const { removed } = await clearHistory();
      setTool({ phase: 'done', ok: true, text: t('clearDone', removed) });
      void fetchPage(undefined);
    } catch (error) {
      setTool({ phase: 'done', ok: false, text: describeSendError(error) });
    }
  }

  // A page brings its rows' labels, so rows never wait for the status nor flash "removed connection".
  const { events, loading } = view;
  const labels = new Map([
    ...view.labels,
    ...(connections ?? []).map((c) => [c.id, c.label] as const),
  ]);
  const oldest = events.at(-1);
  const busy = tool.phase === 'pending';

  return (
    <section aria-labelledby="history-heading" class="section">
      <h2 id="history-heading" tabIndex={-1}>
        {t('sectionHistory')}
      </h2>

      <HistoryFilters
        values={filter}
        connections={connections ?? []}
        kinds={HISTORY_KINDS}
        onChange={setFilter}
      />
      {backwards && (
        <p class="error" role="alert" data-testid="history-range-error">
          {t('historyRangeBackwards')}
        </p>
      )}

      <div class="history-tools">
        <button type="button" onClick={() => runExport('csv')} disabled={busy}>
          {t('exportCsv')}
        </button>
        <button type="button" onClick={() => runExport('json')} disabled={busy}>
          {t('exportJson')}
        </button>
        {tool.phase === 'confirm-clear' ? (
          <span class="confirm" role="group" aria-label={t('clearConfirmGroup')}>
            <span>{t('clearConfirmQuestion')}</span>
            <button ref={confirmButton} type="button" class="danger" onClick={runClear}>
              {t('clearConfirm')}
            </button>
            <button type="button" onClick={() => setTool({ phase: 'idle' })}>
              {t('cancel')}
            </button>
          </span>
        ) : (
          <button
            type="button"
            class="danger"
            onClick={() => setTool({ phase: 'confirm-clear' })}
            disabled={busy}
          >
            {t('clearHistory')}
          </button>
        )}
        <p
          class={tool.phase === 'done' && !tool.ok ? 'action-status error' : 'action-status'}
          role="status"
          data-testid="history-tool-status"
        >
          {tool.phase === 'pending' && t(tool.text)}
          {tool.phase === 'done' && tool.text}
        </p>
      </div>

      {retentionDays !== null && (
        <p class="hint" data-testid="history-retention">
          {t('historyRetention', retentionDays)}{' '}
          <a href="#settings">{t('historyRetentionChange')}</a>
        </p>
      )}

      {view.error && (
        <p class="error" role="alert">
          {view.error}
        </p>
      )}

      {events.length === 0 && !loading && !view.error ? (
        <p class="muted" data-testid="history-empty">
          {isUnfiltered(filter) ? t('historyEmpty') : t('historyNoMatch')}
        </p>
      ) : (
        <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="history-heading">
          <table class="history" aria-busy={loading} data-testid="history-table">
            <caption class="visually-hidden">{t('historyCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('columnTime')}</th>
                <th scope="col">{t('columnConnection')}</th>
                <th scope="col">{t('columnEvent')}</th>
                <th scope="col">{t('columnTrigger')}</th>
                <th scope="col">{t('columnResult')}</th>
                <th scope="col" class="num">
                  {t('columnDuration')}
                </th>
                <th scope="col">{t('columnDetails')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr
                  key={event.id ?? `${event.connectionId}-${event.at}-${event.kind}`}
                  data-testid="history-row"
                  data-kind={event.kind}
                  data-ok={event.ok ? 'true' : 'false'}
                  data-connection-id={event.connectionId}
                >
                  <td class="nowrap">{formatAt(event.at)}</td>
                  <td>
                    {labels.get(event.connectionId) ??
                      (event.connectionId === ANY_CONNECTION
                        ? t('historyAnyConnection')
                        : t('removedConnection'))}
                  </td>
                  <td>{kindLabel(event.kind)}</td>
                  <td>{event.trigger ? triggerLabel(event.trigger) : t('valueNone')}</td>
                  <td class={event.ok ? 'ok' : 'error'}>
                    {event.ok ? t('resultOk') : t('resultFailed')}
                  </td>
                  <td class="num">
                    {event.durationMs === undefined ? t('valueNone') : formatMs(event.durationMs)}
                  </td>
                  <td>{details(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div class="history-more">
        <p class="muted" data-testid="history-count">
          {events.length > 0 &&
            (view.hasMore
              ? t('historyShowingMore', events.length)
              : t('historyShowingAll', events.length))}
        </p>
        {view.hasMore && oldest && (
          <button
            type="button"
            onClick={() => fetchPage({ at: oldest.at, id: oldest.id ?? 0 })}
            disabled={view.loading}
          >
            {t('loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}

/** The detail that matters for the event: the other extension, then the error, expiry or next attempt. */
function details(event: HistoryEvent): string {
  const own = ownDetails(event);
  if (event.caller === undefined) return own;
  const caller = t('detailExtension', event.caller);
  return own === '' ? caller : `${caller} ${own}`;
}

function ownDetails(event: HistoryEvent): string {
  if (event.error) {
    const { message, detail } = event.error;
    return detail ? `${message} ${t('detailProviderSaid', detail)}` : message;
  }
  if (event.expiresAt === undefined) return '';
  // A retry-scheduled event keeps the next attempt's time in `expiresAt`.
  return event.kind === 'retry-scheduled'
    ? t('detailNextAttempt', formatTime(event.expiresAt))
    : t('detailValidUntil', formatTime(event.expiresAt));
}
