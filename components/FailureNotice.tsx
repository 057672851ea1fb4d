import type { ConnectionStatus } from '@/utils/model';
import { formatRelative } from './format';
import { t } from './i18n';

/** Props for {@link FailureNotice}. */
export interface FailureNoticeProps {
  connection: Pick<ConnectionStatus, 'id' | 'state' | 'failure' | 'nextRefreshAt'>;
  now: number;
  /** Runs the consent flow again; without it the notice only explains (the page has the button). */
  onReconnect?: () => void;
  /** Whether the reconnect started here is waiting for the person (the card keeps its outcome). */
  reconnectPending?: boolean;
  /** Opens the connection in the options page; without it, no link is offered. */
  onOpenSettings?: (connectionId: string) => void;
  /** Opens this connection's edit form (the options page); preferred to `onOpenSettings`. */
  onEdit?: () => void;
}

/**
 * What is wrong with a connection and the one thing that fixes it: retrying (nothing to do, when
 * the next attempt is), needs reconnect (Reconnect), bad configuration (edit the settings), or
 * never connected (Connect). Says it once: one sentence of ours, the provider's own words apart and
 * labelled. Renders nothing for a connection that is fine; outcomes of its buttons live in the card,
 * so "Reconnected." stays when this notice goes.
 */
export function FailureNotice({
  connection,
  now,
  onReconnect,
  reconnectPending = false,
  onOpenSettings,
  onEdit,
}: FailureNoticeProps) {
  const { failure, state } = connection;

  if (state === 'new') {
    if (!onOpenSettings) return null;
    return (
      <div class="notice notice-muted" data-testid="failure-notice" data-kind="new">
        <p>{t('noticeNotConnected')}</p>
        <div class="notice-actions">
          <button type="button" class="primary" onClick={() => onOpenSettings(connection.id)}>
            {t('actionConnectInOptions')}
          </button>
        </div>
      </div>
    );
  }
  if (!failure || (state !== 'retrying' && state !== 'needs-reconnect')) return null;

  const reason = (
    <>
      <p class="notice-reason" data-testid="failure-reason">
        {failure.lastError.message}
      </p>
      {failure.lastError.detail && (
        <p class="notice-detail notice-provider" data-testid="provider-detail">
          <span class="notice-label">{t('noticeProviderSaid')}</span>{' '}
          <q>{failure.lastError.detail}</q>
        </p>
      )}
    </>
  );

  if (state === 'retrying') {
    const attempts =
      failure.attempt === 1
        ? t('noticeOneAttempt', formatRelative(failure.failedAt, now))
        : t('noticeAttempts', failure.attempt, formatRelative(failure.failedAt, now));
    const next = connection.nextRefreshAt;
    return (
      <div class="notice notice-warn" data-testid="failure-notice" data-kind="retrying">
        <p class="notice-title">{t('noticeRetryingTitle')}</p>
        {reason}
        <p class="notice-detail">
          {attempts}{' '}
          {next === null
            ? ''
            : next <= now
              ? t('noticeNextAttemptNow')
              : t('noticeNextAttempt', formatRelative(next, now))}
        </p>
      </div>
    );
  }

  const configuration = failure.kind === 'configuration';
  return (
    <div
      class="notice notice-bad"
      data-testid="failure-notice"
      data-kind={configuration ? 'configuration' : 'reconnect'}
    >
      <p class="notice-title">
        {configuration ? t('noticeConfigurationTitle') : t('noticeReconnectTitle')}
      </p>
      {reason}
      <div class="notice-actions">
        {configuration && onEdit && (
          <button type="button" class="primary" onClick={onEdit}>
            {t('actionEditConnection')}
          </button>
        )}
        {configuration && !onEdit && onOpenSettings && (
          <button type="button" class="primary" onClick={() => onOpenSettings(connection.id)}>
            {t('actionOpenConnectionSettings')}
          </button>
        )}
        {!configuration && onReconnect && (
          <button
            type="button"
            class="primary"
            onClick={onReconnect}
            disabled={reconnectPending}
            aria-busy={reconnectPending}
          >
            {t('actionReconnect')}
          </button>
        )}
      </div>
    </div>
  );
}
