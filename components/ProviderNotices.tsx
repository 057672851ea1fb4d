import type { ConnectionStatus } from '@/utils/model';
import { ConnectionSites } from './ConnectionSites';
import { t } from './i18n';
import { RefreshTokenWarning } from './RefreshTokenWarning';

/** Props for {@link ProviderNotices}. */
export interface ProviderNoticesProps {
  connection: Pick<ConnectionStatus, 'sites' | 'reconnectBy' | 'missingScopes'>;
  /** "Now" on the worker's clock. */
  now: number;
}

/**
 * What a provider adds to a card: the sites a grant reaches, the scopes it did not grant, and a warning
 * before its refresh token dies.
 */
export function ProviderNotices({ connection, now }: ProviderNoticesProps) {
  return (
    <>
      <ConnectionSites sites={connection.sites} />
      {connection.missingScopes && (
        <p class="banner" data-testid="missing-scopes">
          {t('missingScopesNotice', connection.missingScopes.join(', '))}
        </p>
      )}
      <RefreshTokenWarning deadline={connection.reconnectBy} now={now} />
    </>
  );
}
