import { ConnectionCard } from '@/components/ConnectionCard';
import { needsAttention, summarize } from '@/components/summary';
import { useStatus } from '@/components/useStatus';
import type { WorkerClient } from '@/components/workerClient';

/** Props for the popup {@link App}. */
export interface AppProps {
  client: Pick<WorkerClient, 'getStatus' | 'subscribeToStatus' | 'refreshNow'>;
  /** Opens the options page (browser.runtime.openOptionsPage in the extension). */
  openOptions: () => void;
}

/** The toolbar popup: are my connections healthy? */
export function App({ client, openOptions }: AppProps) {
  const { snapshot, error, clock, reload } = useStatus(client);

  function onOptionsLink(event: MouseEvent) {
    // The href keeps it a real link for assistive tech; the extension API opens or focuses the tab.
    event.preventDefault();
    openOptions();
  }

  return (
    <main class="popup">
      <header class="popup-header">
        <h1>Token Keeper</h1>
        {snapshot && snapshot.connections.length > 0 && (
          <p
            class={snapshot.connections.some((c) => needsAttention(c.state)) ? 'error' : 'muted'}
            data-testid="summary"
          >
            {summarize(snapshot.connections)}
          </p>
        )}
      </header>

      {error && (
        <div class="banner" role="alert">
          <p>{error}</p>
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}

      {!snapshot && !error && <p class="muted">Loading…</p>}

      {snapshot && !snapshot.enabled && (
        <p class="banner" data-testid="refresh-off">
          Background refresh is turned off in settings.
        </p>
      )}

      {snapshot && snapshot.connections.length === 0 && (
        <section class="empty" data-testid="empty-state">
          <p>No connections yet</p>
          <button type="button" class="primary" onClick={openOptions}>
            Add a connection
          </button>
        </section>
      )}

      {snapshot && snapshot.connections.length > 0 && (
        <ul class="cards">
          {snapshot.connections.map((connection) => (
            <li key={connection.id}>
              <ConnectionCard connection={connection} onRefresh={client.refreshNow} clock={clock} />
            </li>
          ))}
        </ul>
      )}

      <footer class="popup-footer">
        <a href="/options.html" onClick={onOptionsLink} data-testid="options-link">
          Options
        </a>
      </footer>
    </main>
  );
}
