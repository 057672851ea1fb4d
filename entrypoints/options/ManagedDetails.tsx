import type { ConnectionStatus } from '@/utils/model';
import { t } from '@/components/i18n';

/** Props for {@link ManagedDetails}. */
export interface ManagedDetailsProps {
  connection: Pick<ConnectionStatus, 'id' | 'clientId' | 'scopes' | 'endpoints'>;
}

/** A managed connection's configuration, read-only: the organisation sets it (docs/admin.md). */
export function ManagedDetails({ connection }: ManagedDetailsProps) {
  const { endpoints } = connection;
  const rows: [string, string | undefined][] = [
    [t('managedClientId'), connection.clientId],
    [t('managedScopes'), connection.scopes.join(' ')],
    [t('managedAuthorization'), endpoints.authorization],
    [t('managedToken'), endpoints.token],
    [t('managedRevocation'), endpoints.revocation],
  ];
  return (
    <details class="managed-details" data-testid="managed-details">
      <summary>{t('managedDetails')}</summary>
      <p class="hint">{t('managedDetailsHint')}</p>
      <dl class="facts managed-facts">
        {rows
          .filter((row): row is [string, string] => Boolean(row[1]))
          .map(([term, value]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>
                <code>{value}</code>
              </dd>
            </div>
          ))}
      </dl>
    </details>
  );
}
