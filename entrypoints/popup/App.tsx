import { useState } from 'preact/hooks';
import { refreshAndDescribe, trackAction, type ActionView } from '@/components/actionView';
import { ConnectionCard } from '@/components/ConnectionCard';
import { clickedRowRefresh, ConnectionRow } from '@/components/ConnectionRow';
import { showExactTime } from '@/components/format';
import { ErrorBanner } from '@/components/ErrorBanner';
import { StartupBanner } from '@/components/StartupBanner';
import { UnlockForm } from '@/components/UnlockForm';
import { t } from '@/components/i18n';
import { popupLayout } from '@/components/popupLayout';
import { summarize, summaryTone } from '@/components/summary';
import { useNow } from '@/components/useNow';
import { useStatus } from '@/components/useStatus';
import type { WorkerClient } from '@/components/workerClient';
import type { StatusSnapshot } from '@/utils/model';

/** Props for the popup {@link App}. */
export interface AppProps {
  client: Pick<
    WorkerClient,
    'getStatus' | 'subscribeToStatus' | 'refreshNow' | 'connect' | 'unlock' | 'lock'
  >;
  /** Opens the options page, at one connection when given. */
  openOptions: (connectionId?: string) => void;
  /** The worker's mirrored last snapshot, drawn until its answer arrives (docs/architecture.md#status-mirror). */
  initialStatus?: StatusSnapshot | null;
}

const IDLE: ActionView = { phase: 'idle' };

/** The toolbar popup: are my connections healthy? */
export function App({ client, openOptions, initialStatus = null }: AppProps) {
  const { snapshot, error, clock, reload } = useStatus(client, initialStatus);
  // One timer for the whole popup: every countdown and "2 min ago" reads this.
  const now = useNow(clock);
  // While the worker cannot start, its connections are unknown: show the problem, not "no connections".
  const problem = snapshot?.problem;
  const status = problem ? null : snapshot;
  const connections = status?.connections ?? [];
  const entries = popupLayout(connections, now);
  // A row has no state of its own (fifty of them draw in the first frame): its Refresh now lives here.
  const [rowRefresh, setRowRefresh] = useState<Record<string, ActionView>>({});
  function onRowClick(event: MouseEvent) {
    const connectionId = clickedRowRefresh(event);
    if (connectionId === null) return;
    const show = (view: ActionView) =>
      setRowRefresh((views) => ({ ...views, [connectionId]: view }));
    void trackAction(show, () =>
      refreshAndDescribe((id) => client.refreshNow({ connectionId: id }), connectionId, now),
    );
  }
  // Red only when something is at risk; a connection retrying with a valid token is amber (utils/attention.ts).
  const tone = summaryTone(connections, now);
  const attention = tone === 'attention';
  // Locked comes first: nothing is refreshed or handed out until the passphrase is given.
  const locked = status?.lock === 'locked';

  function onOptionsLink(event: MouseEvent) {
    // The href keeps it a real link for assistive tech; the extension API opens or focuses the tab.
    event.preventDefault();
    openOptions();
  }

  return (
    <main class="popup">
      <header class="popup-header">
        <h1>{t('extName')}</h1>
        {locked && (
          <>
            <p class="summary summary-locked" data-testid="locked">
              <span class="summary-dot" aria-hidden="true" />
              {t('lockLocked')}
            </p>
            <p class="muted">{t('lockLockedExplain')}</p>
            <UnlockForm
              unlock={(passphrase) => client.unlock({ passphrase })}
              idPrefix="popup-unlock"
            />
          </>
        )}
        {!locked && status && connections.length > 0 && (
          <p
            class={`summary summary-${tone}`}
            data-testid="summary"
            data-attention={attention ? 'true' : 'false'}
            data-tone={tone}
          >
            <span class="summary-dot" aria-hidden="true" />
            {summarize(connections, now)}
          </p>
        )}
      </header>

      {error && <ErrorBanner message={error} onRetry={reload} />}

      {problem && <StartupBanner problem={problem} now={now} />}

      {!snapshot && !error && <p class="muted">{t('loading')}</p>}

      {status && !status.enabled && (
        <p class="banner" data-testid="refresh-off">
          {t('refreshOffPopup')}
        </p>
      )}

      {status && connections.length === 0 && (
        <section class="empty" data-testid="empty-state" aria-labelledby="empty-title">
          <h2 id="empty-title">{t('summaryEmpty')}</h2>
          <p class="muted">{t('emptyExplain')}</p>
          <button type="button" class="primary" onClick={() => openOptions()}>
            {t('actionAddConnection')}
          </button>
        </section>
      )}

      {connections.length > 0 && (
        // One listener each for every row's Refresh now and exact-time tooltips (components/ConnectionRow.tsx).
        <ul class="cards" onClick={onRowClick} onPointerOver={showExactTime}>
          {entries.map(({ connection, row }) =>
            row ? (
              <li key={connection.id} class="row-item">
                {/* Called, not mounted: a row is a plain function of its props (components/ConnectionRow.tsx). */}
                {ConnectionRow({ connection, now, refresh: rowRefresh[connection.id] ?? IDLE })}
              </li>
            ) : (
              <li key={connection.id}>
                <ConnectionCard
                  connection={connection}
                  now={now}
                  headingLevel={2}
                  onRefresh={(connectionId) => client.refreshNow({ connectionId })}
                  onReconnect={(connectionId) => client.connect({ connectionId })}
                  onOpenSettings={openOptions}
                />
              </li>
            ),
          )}
        </ul>
      )}

      <footer class="popup-footer">
        {status?.lock === 'unlocked' && (
          <button type="button" class="link" onClick={() => void client.lock()}>
            {t('lockNow')}
          </button>
        )}
        <a href="/options.html" onClick={onOptionsLink} data-testid="options-link">
          {t('openOptions')}
        </a>
      </footer>
    </main>
  );
}
