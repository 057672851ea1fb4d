import type { ConnectionStatus } from '@/utils/model';
import type { Clock } from '@/components/clock';
import { ConnectionCard } from '@/components/ConnectionCard';
import type { WorkerClient } from '@/components/workerClient';
import { AddConnectionForm } from './AddConnectionForm';
import type { ConnectionFormValues } from './connectionForm';
import { ConnectionControls } from './ConnectionControls';
import type { RequestOrigins } from './hostPermissions';

/** Props for {@link ConnectionsSection}. */
export interface ConnectionsSectionProps {
  /** The connections, or null while the first snapshot loads. */
  connections: ConnectionStatus[] | null;
  clock: Clock;
  client: Pick<
    WorkerClient,
    'refreshNow' | 'addConnection' | 'connect' | 'disconnect' | 'removeConnection'
  >;
  redirectUrl: string | null;
  prefill: ConnectionFormValues;
  requestOrigins: RequestOrigins;
}

/** The options page's connection list with per-connection controls, and the add form. */
export function ConnectionsSection({
  connections,
  clock,
  client,
  redirectUrl,
  prefill,
  requestOrigins,
}: ConnectionsSectionProps) {
  return (
    <section aria-labelledby="connections-heading" class="section">
      <h2 id="connections-heading">Connections</h2>

      {connections === null && <p class="muted">Loading…</p>}
      {connections?.length === 0 && (
        <p class="muted" data-testid="empty-state">
          No connections yet — add one below.
        </p>
      )}
      {connections && connections.length > 0 && (
        <ul class="cards">
          {connections.map((connection) => (
            <li key={connection.id}>
              <ConnectionCard
                connection={connection}
                onRefresh={client.refreshNow}
                clock={clock}
                actions={
                  <ConnectionControls
                    connection={connection}
                    onConnect={client.connect}
                    onDisconnect={client.disconnect}
                    onRemove={client.removeConnection}
                    requestOrigins={requestOrigins}
                  />
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
