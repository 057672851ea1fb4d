import { useEffect, useState } from 'preact/hooks';
import { useStatus } from '@/components/useStatus';
import type { WorkerClient } from '@/components/workerClient';
import type { ConnectionFormValues } from './connectionForm';
import { ConnectionsSection } from './ConnectionsSection';
import { HistorySection } from './HistorySection';
import type { RequestOrigins } from './hostPermissions';
import { SettingsSection } from './SettingsSection';

/** Props for the options {@link App}. */
export interface AppProps {
  client: WorkerClient;
  /** Add-connection form values from the page's query string. */
  prefill: ConnectionFormValues;
  /** Asks the browser for host access (browser.permissions.request in the extension). */
  requestOrigins: RequestOrigins;
}

/** The options page: connections, settings and the refresh history. */
export function App({ client, prefill, requestOrigins }: AppProps) {
  const { snapshot, error, clock, reload } = useStatus(client);
  const [redirectUrl, setRedirectUrl] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    // On failure the URI stays "…"; the banner below already says the worker is unreachable.
    client.getRedirectUrl().then(
      (url) => active && setRedirectUrl(url),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [client]);

  return (
    <div class="options">
      <header class="options-header">
        <h1>Token Keeper</h1>
        <nav aria-label="Sections">
          <a href="#connections-heading">Connections</a>
          <a href="#settings-heading">Settings</a>
          <a href="#history-heading">History</a>
        </nav>
      </header>

      {error && (
        <div class="banner" role="alert">
          <p>{error}</p>
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {snapshot && !snapshot.enabled && (
        <p class="banner" data-testid="refresh-off">
          Background refresh is turned off. Turn it on under Settings.
        </p>
      )}

      <ConnectionsSection
        connections={snapshot?.connections ?? null}
        clock={clock}
        client={client}
        redirectUrl={redirectUrl}
        prefill={prefill}
        requestOrigins={requestOrigins}
      />
      <SettingsSection load={client.getSettings} save={client.saveSettings} />
      {snapshot && (
        <HistorySection
          connections={snapshot.connections}
          loadPage={client.getHistory}
          refreshKey={snapshot.now}
        />
      )}
    </div>
  );
}
