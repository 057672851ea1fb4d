import { useEffect } from 'preact/hooks';
import type { ConnectionStatus, PolicySummary } from '@/utils/model';
import { ConnectionCard } from '@/components/ConnectionCard';
import { t } from '@/components/i18n';
import type { WorkerClient } from '@/components/workerClient';
import { AddConnectionForm } from './AddConnectionForm';
import type { ConnectionFormValues } from './connectionForm';
import { ConnectionControls } from './ConnectionControls';
import { ExternalAccess } from './ExternalAccess';
import type { RequestOrigins } from './hostPermissions';
import { ManagedDetails } from './ManagedDetails';
import { PolicyNotice } from './PolicyNotice';

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
  /** The organisation's managed configuration, when there is one. */
  policy?: PolicySummary;
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
  policy,
}: ConnectionsSectionProps) {
  const loaded = connections !== null;
  // The organisation may keep to its own connections (the worker refuses an add too).
  const addAllowed = policy?.allowUserConnections ?? true;
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
      {policy && <PolicyNotice policy={policy} />}

      {connections === null && <p class="muted">{t('loading')}</p>}
      {connections?.length === 0 && addAllowed && (
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
                notices={connection.managed && <ManagedDetails connection={connection} />}
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
                      managed={connection.managed ?? false}
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

      {addAllowed ? (
        <AddConnectionForm
          initial={prefill}
          redirectUrl={redirectUrl}
          onAdd={client.addConnection}
          requestOrigins={requestOrigins}
        />
      ) : (
        <p class="muted" data-testid="add-connection-off">
          {t('addConnectionOff')}
        </p>
      )}
    </section>
  );
}
