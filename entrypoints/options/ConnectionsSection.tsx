import { useEffect, useState } from 'preact/hooks';
import type { ConnectionStatus, LockMode, PolicySummary } from '@/utils/model';
import { ConnectionCard } from '@/components/ConnectionCard';
import { t } from '@/components/i18n';
import type { WorkerClient } from '@/components/workerClient';
import { AccessRequests } from './AccessRequests';
import { AddConnectionForm } from './AddConnectionForm';
import type { ConnectionFormValues } from './connectionForm';
import { ConnectionControls } from './ConnectionControls';
import { EditConnectionForm } from './EditConnectionForm';
import { ExternalAccess } from './ExternalAccess';
import type { RequestOrigins } from './hostPermissions';
import { ManagedDetails } from './ManagedDetails';
import { PolicyNotice } from './PolicyNotice';
import { SetupTransfer } from './SetupTransfer';

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
    | 'editConnection'
    | 'exportSetups'
    | 'previewImport'
    | 'importSetups'
    | 'getExternalAccess'
    | 'setExternalAccess'
    | 'getAccessRequests'
    | 'decideAccessRequest'
  >;
  redirectUrl: string | null;
  prefill: ConnectionFormValues;
  requestOrigins: RequestOrigins;
  /** A connection to bring into view (the popup links to one). */
  focusConnectionId?: string;
  /** The organisation's managed configuration, when there is one. */
  policy?: PolicySummary;
  /** The passphrase lock now (the policy may require one). */
  lockMode: LockMode;
  /** Other extensions' requests waiting, and the status's time (the list is read again at each change). */
  accessRequests?: { count: number; refreshKey: number };
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
  lockMode,
  accessRequests,
}: ConnectionsSectionProps) {
  const loaded = connections !== null;
  // One edit form at a time; the outcome of a save stays on its card until the next one.
  const [editing, setEditing] = useState<string | null>(null);
  const [edited, setEdited] = useState<{ id: string; ok: boolean; text: string } | null>(null);
  // The organisation may keep to its own connections (the worker refuses an add too).
  const addAllowed = policy?.allowUserConnections ?? true;
  useEffect(() => {
    if (!loaded || focusConnectionId === undefined) return;
    const card = document.getElementById(`connection-${focusConnectionId}`);
    card?.scrollIntoView?.({ block: 'center' });
    card?.querySelector<HTMLElement>('h3')?.focus();
    // Sent here because the provider rejected the client ("Open connection settings"): open the fix.
    const target = connections?.find((c) => c.id === focusConnectionId);
    if (target?.failure?.kind === 'configuration' && !target.managed) setEditing(target.id);
    // Only when arriving at a connection, not on every status change.
  }, [loaded, focusConnectionId]);

  return (
    <section aria-labelledby="connections-heading" class="section">
      <h2 id="connections-heading" tabIndex={-1}>
        {t('sectionConnections')}
      </h2>
      {policy && <PolicyNotice policy={policy} lockMode={lockMode} />}
      {connections && accessRequests && (
        <AccessRequests
          {...accessRequests}
          connections={connections}
          load={client.getAccessRequests}
          decide={(extensionId, decision) => client.decideAccessRequest({ extensionId, decision })}
        />
      )}

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
                onRefresh={(connectionId) => client.refreshNow({ connectionId })}
                {...(connection.managed ? {} : { onEdit: () => setEditing(connection.id) })}
                notices={
                  <>
                    {connection.managed && <ManagedDetails connection={connection} />}
                    {/* An imported Jira or Google set-up arrives without its secret (shared files carry none). */}
                    {!connection.managed &&
                      connection.provider !== 'custom' &&
                      connection.hasClientSecret === false && (
                        <p class="notice notice-warn" data-testid="needs-secret">
                          {t('needsSecretNotice')}
                        </p>
                      )}
                    {editing === connection.id && (
                      <EditConnectionForm
                        connection={connection}
                        onSave={(connectionId, changes) =>
                          client.editConnection({ connectionId, changes })
                        }
                        requestOrigins={requestOrigins}
                        onClose={(outcome) => {
                          setEditing(null);
                          if (outcome) setEdited({ id: connection.id, ...outcome });
                        }}
                      />
                    )}
                    {!connection.managed && (
                      <p
                        class={
                          edited?.id === connection.id && !edited.ok ? 'outcome error' : 'outcome'
                        }
                        role="status"
                        data-testid="edit-outcome"
                      >
                        {edited?.id === connection.id ? edited.text : ''}
                      </p>
                    )}
                  </>
                }
                actions={
                  <>
                    <ConnectionControls
                      connection={connection}
                      onConnect={(connectionId) => client.connect({ connectionId })}
                      onDisconnect={(connectionId) => client.disconnect({ connectionId })}
                      onRemove={(connectionId) => client.removeConnection({ connectionId })}
                      requestOrigins={requestOrigins}
                      onEdit={() => {
                        setEdited(null);
                        setEditing(editing === connection.id ? null : connection.id);
                      }}
                      editing={editing === connection.id}
                    />
                    <ExternalAccess
                      connectionId={connection.id}
                      managed={connection.managed ?? false}
                      getExternalAccess={(connectionId) =>
                        client.getExternalAccess({ connectionId })
                      }
                      setExternalAccess={(connectionId, allowed) =>
                        client.setExternalAccess({ connectionId, allowed })
                      }
                    />
                  </>
                }
              />
            </li>
          ))}
        </ul>
      )}

      {connections && (
        <SetupTransfer
          exportSetups={client.exportSetups}
          previewImport={(text) => client.previewImport({ text })}
          importSetups={(text) => client.importSetups({ text })}
          importAllowed={addAllowed}
        />
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
