import { useEffect } from 'preact/hooks';
import type { ConnectionStatus } from '@/utils/model';
import { ConnectionCard } from '@/components/ConnectionCard';
import { t } from '@/components/i18n';
import type { WorkerClient } from '@/components/workerClient';
import { AddConnectionForm } from './AddConnectionForm';
import type { ConnectionFormValues } from './connectionForm';
import { ConnectionControls } from './ConnectionControls';
import { ExternalAccess } from './ExternalAccess';
import type { RequestOrigins } from './hostPermissions';

/** Props for {@link ConnectionsSection}. */
export interface ConnectionsSectionProps {
  /** The connections, or null while the first snapshot loads. */
  connections: ConnectionStatus[] | null;
  /** "Now" on the worker's clock, from the page's shared ticking clock. */
  now: number;
  client: Pick<
    WorkerClient,
    | 'refreshNow'
    | 'addConnection'
    | 'connect'
    | 'disconnect'
    | 'removeConnection'
    | 'getExternalAccess'
    | 'setExternalAccess'
  >;
  redirectUrl: string | null;
  prefill: ConnectionFormValues;
  requestOrigins: RequestOrigins;
  /** A connection to bring into view (the popup links to one). */
  focusConnectionId?: string;
}

/** The options page's connection list with per-connection controls, and the add form. */
export function ConnectionsSection({
  connections,
  now,
  client,
  redirectUrl,
  prefill,
  requestOrigins,
  focusConnectionId,
}: ConnectionsSectionProps) {
  const loaded = connections !== null;
  useEffect(() => {
    if (!loaded || focusConnectionId === undefined) return;
    const card = document.getElementById(`connection-${focusConnectionId}`);
    card?.scrollIntoView?.({ block: 'center' });
    card?.querySelector<HTMLElement>('h3')?.focus();
  }, [loaded, focusConnectionId]);

  return (
    <section aria-labelledby="connections-heading" class="section">
      <h2 id="connections-heading" tabIndex={-1}>
        {t('sectionConnections')}
      </h2>

      {connections === null && <p class="muted">{t('loading')}</p>}
      {connections?.length === 0 && (
        <p class="muted" data-testid="empty-state">
          {t('connectionsEmpty')}
        </p>
      )}
      {connections && connections.length > 0 && (
        <ul class="cards">
          {connections.map((connection) => (
            <li
              key={connection.id}
              class={connection.id === focusConnectionId ? 'focused' : undefined}
            >
              <ConnectionCard
                connection={connection}
                now={now}
                onRefresh={client.refreshNow}
                actions={
                  <>
                    <ConnectionControls
                      connection={connection}
                      onConnect={client.connect}
                      onDisconnect={client.disconnect}
                      onRemove={client.removeConnection}
                      requestOrigins={requestOrigins}
                    />
                    <ExternalAccess
                      connectionId={connection.id}
                      getExternalAccess={client.getExternalAccess}
                      setExternalAccess={client.setExternalAccess}
                    />
                  </>
                }
              />
            </li>
          ))}
        </ul>
      )}

      <AddConnectionForm
        initial={prefill}
        redirectUrl={redirectUrl}
        onAdd={client.addConnection}
        requestOrigins={requestOrigins}
      />
    </section>
  );
}
