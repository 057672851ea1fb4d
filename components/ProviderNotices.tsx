import type { ConnectionStatus } from '@/utils/model';
import { ConnectionSites } from './ConnectionSites';
import { RefreshTokenWarning } from './RefreshTokenWarning';

/** Props for {@link ProviderNotices}. */
export interface ProviderNoticesProps {
  connection: Pick<ConnectionStatus, 'sites' | 'reconnectBy'>;
  /** "Now" on the worker's clock. */
  now: number;
}

/** What a provider adds to a card: the sites a grant reaches, and a warning before its refresh token dies. */
export function ProviderNotices({ connection, now }: ProviderNoticesProps) {
  return (
    <>
      <ConnectionSites sites={connection.sites} />
      <RefreshTokenWarning deadline={connection.reconnectBy} now={now} />
    </>
  );
}
