import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionResult } from '@/utils/messaging';
import type { ConnectionStatus } from '@/utils/model';
import { formatRelative } from './format';
import { t } from './i18n';
import { describeSendError } from './workerClient';

/** Props for {@link FailureNotice}. */
export interface FailureNoticeProps {
  connection: Pick<ConnectionStatus, 'id' | 'state' | 'failure' | 'nextRefreshAt'>;
  now: number;
  /** Runs the consent flow again; without it the notice only explains (the page has the button). */
  onReconnect?: (connectionId: string) => Promise<ActionResult<ConnectionStatus>>;
  /** Opens the connection in the options page; without it, no link is offered. */
  onOpenSettings?: (connectionId: string) => void;
}

type ReconnectView =
  { phase: 'idle' } | { phase: 'pending' } | { phase: 'done'; ok: boolean; text: string };

/**
 * What is wrong with a connection and the one thing that fixes it: retrying (nothing to do, when
 * the next attempt is), needs reconnect (Reconnect), bad configuration (check the settings), or
 * never connected (Connect). Renders nothing for a connection that is fine.
 */
export function FailureNotice({
  connection,
  now,
  onReconnect,
  onOpenSettings,
}: FailureNoticeProps) {
  const [view, setView] = useState<ReconnectView>({ phase: 'idle' });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const { failure, state } = connection;

  async function reconnect() {
    if (!onReconnect) return;
    setView({ phase: 'pending' });
    let next: ReconnectView;
    try {
      const result = await onReconnect(connection.id);
      next = result.ok
        ? { phase: 'done', ok: true, text: t('reconnectDone') }
        : { phase: 'done', ok: false, text: result.error.message };
    } catch (error) {
      next = { phase: 'done', ok: false, text: describeSendError(error) };
    }
    if (mounted.current) setView(next);
  }

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
    <p class="notice-reason" data-testid="failure-reason">
      {t('noticeReason', failure.lastError.message)}
    </p>
  );
  const attempts =
    failure.attempt === 1
      ? t('noticeOneAttempt', formatRelative(failure.failedAt, now))
      : t('noticeAttempts', failure.attempt, formatRelative(failure.failedAt, now));

  if (state === 'retrying') {
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
      <p class="notice-detail">
        {configuration ? t('noticeConfigurationHint') : t('noticeReconnectHint')}
      </p>
      <div class="notice-actions">
        {configuration && onOpenSettings && (
          <button type="button" class="primary" onClick={() => onOpenSettings(connection.id)}>
            {t('actionOpenConnectionSettings')}
          </button>
        )}
        {!configuration && onReconnect && (
          <button
            type="button"
            class="primary"
            onClick={reconnect}
            disabled={view.phase === 'pending'}
            aria-busy={view.phase === 'pending'}
          >
            {t('actionReconnect')}
          </button>
        )}
      </div>
      <p
        class={view.phase === 'done' && !view.ok ? 'outcome error' : 'outcome'}
        role="status"
        data-testid="reconnect-outcome"
      >
        {view.phase === 'pending' && t('reconnectPending')}
        {view.phase === 'done' && view.text}
      </p>
    </div>
  );
}
