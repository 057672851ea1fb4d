import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionResult } from '@/utils/messaging';
import type { ConnectionStatus, RefreshOutcome } from '@/utils/model';
import { ActionOutcome } from './ActionOutcome';
import { connectionElement, connectionTitleId } from './connectionElement';
import { refreshAndDescribe, trackAction, type ActionView } from './actionView';
import { Countdown } from './Countdown';
import { FailureNotice } from './FailureNotice';
import { exactTimeTooltip, formatRelative, showExactTime } from './format';
import { t } from './i18n';
import { connectionWhere } from './labels';
import { ProviderIcon } from './ProviderIcon';
import { ProviderNotices } from './ProviderNotices';
import { StatePill } from './StatePill';

/** Props for {@link ConnectionCard}. */
export interface ConnectionCardProps {
  connection: ConnectionStatus;
  /** "Now" on the worker's clock, from the page's one shared ticking clock. */
  now: number;
  /** Asks the worker to refresh this connection now; the card shows busy, then the outcome. */
  onRefresh: (connectionId: string) => Promise<RefreshOutcome>;
  /** Runs the consent flow again; given where the card itself offers Reconnect (the popup). */
  onReconnect?: (connectionId: string) => Promise<ActionResult<ConnectionStatus>>;
  /** Opens this connection in the options page; given where the card is shown outside it. */
  onOpenSettings?: (connectionId: string) => void;
  /** Opens this connection's edit form; given where the card can be edited (the options page). */
  onEdit?: () => void;
  /** Heading level of the label: 2 under the popup's title, 3 inside an options section. */
  headingLevel?: 2 | 3;
  /** Extra controls placed after "Refresh now" (the options page adds Connect, Remove, …). */
  actions?: ComponentChildren;
  /** Extra notices under the schedule (e.g. a refresh token nearing its end of life). */
  notices?: ComponentChildren;
}

/** One connection at a glance: state, expiry countdown, schedule, the reason when failing, Refresh now. */
export function ConnectionCard({
  connection,
  now,
  onRefresh,
  onReconnect,
  onOpenSettings,
  onEdit,
  headingLevel = 3,
  actions,
  notices,
}: ConnectionCardProps) {
  const [refresh, setRefresh] = useState<ActionView>({ phase: 'idle' });
  const [reconnectView, setReconnectView] = useState<ActionView>({ phase: 'idle' });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const pending = refresh.phase === 'pending';
  const titleId = connectionTitleId(connection.id);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  // Refreshing cannot help a connection without a usable grant: the notice offers what does.
  const refreshBlocked = connection.state === 'new' || connection.state === 'needs-reconnect';
  // A connection that is fine has nothing for the notices to say: not mounting them keeps fifty
  // healthy cards in the popup cheaper (~3 ms of a ~20 ms first render in headless Chromium).
  const mayFail = connection.state === 'new' || connection.failure !== null;
  const hasProviderNotes =
    (connection.sites?.length ?? 0) > 0 ||
    connection.reconnectBy !== undefined ||
    connection.missingScopes !== undefined;

  /** Shows `work` busy, then its outcome; a removed connection's card is gone by the next snapshot. */
  function track(show: (view: ActionView) => void, work: () => Promise<ActionView>) {
    return trackAction(show, work, () => mounted.current);
  }

  function refreshNow() {
    return track(setRefresh, () => refreshAndDescribe(onRefresh, connection.id, now));
  }

  // The reconnect outcome is the card's, not the notice's: it must outlive the notice once healthy.
  function reconnect() {
    if (!onReconnect) return;
    return track(setReconnectView, async () => {
      const result = await onReconnect(connection.id);
      return result.ok
        ? { phase: 'done', ok: true, text: t('reconnectDone') }
        : { phase: 'done', ok: false, text: result.error.message };
    });
  }

  return (
    <article
      class="card"
      data-testid="connection-card"
      {...connectionElement(connection)}
      onPointerOver={showExactTime}
    >
      <header class="card-header">
        <ProviderIcon provider={connection.provider} />
        <div class="card-title">
          <Heading id={titleId} tabIndex={-1}>
            {connection.label}
          </Heading>
          <p class="muted" data-testid="connection-where">
            {connectionWhere(connection)}
          </p>
          {connection.managed && (
            <p class="managed-tag" data-testid="managed-badge">
              {t('managedBadge')}
            </p>
          )}
        </div>
        <StatePill state={connection.state} />
      </header>

      <dl class="facts">
        <div>
          <dt>{t('factExpires')}</dt>
          <dd>
            {connection.expiresAt === null ? (
              t('valueNone')
            ) : (
              <Countdown to={connection.expiresAt} now={now} />
            )}
            {connection.lifetimeAssumed && (
              <span class="assumed" title={t('lifetimeAssumedHint')}>
                {' '}
                {t('lifetimeAssumed')}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('factLastRefresh')}</dt>
          <dd data-testid="last-refresh" {...exactTimeTooltip(connection.lastRefreshAt)}>
            {connection.lastRefreshAt === null
              ? t('valueNever')
              : formatRelative(connection.lastRefreshAt, now)}
          </dd>
        </div>
        <div>
          <dt>{t('factNextRefresh')}</dt>
          <dd data-testid="next-refresh" {...exactTimeTooltip(connection.nextRefreshAt)}>
            {describeNextRefresh(connection.nextRefreshAt, now)}
          </dd>
        </div>
      </dl>

      {hasProviderNotes && <ProviderNotices connection={connection} now={now} />}
      {notices}
      {mayFail && (
        <FailureNotice
          connection={connection}
          now={now}
          {...(onReconnect ? { onReconnect: reconnect } : {})}
          reconnectPending={reconnectView.phase === 'pending'}
          {...(onOpenSettings ? { onOpenSettings } : {})}
          {...(onEdit ? { onEdit } : {})}
        />
      )}
      {/* Always mounted, so "Reconnected." stays (and is announced) after the notice above has gone. */}
      {onReconnect && (
        <ActionOutcome
          view={reconnectView}
          pendingText={t('reconnectPending')}
          testId="reconnect-outcome"
        />
      )}

      <div class="actions">
        <button
          type="button"
          onClick={refreshNow}
          disabled={pending || refreshBlocked}
          aria-busy={pending}
          title={
            refreshBlocked
              ? t(connection.state === 'new' ? 'refreshNeedsConnect' : 'refreshNeedsReconnect')
              : undefined
          }
        >
          {(pending || connection.busy) && <span class="spinner" aria-hidden="true" />}
          {t('refreshNow')}
        </button>
        {actions}
      </div>
      {/* A failure the card's notice already explains is not repeated under the button. */}
      <ActionOutcome
        view={refresh}
        pendingText={t('refreshPending')}
        testId="refresh-outcome"
        quiet={connection.failure !== null && refresh.phase === 'done' && !refresh.ok}
      />
    </article>
  );
}

function describeNextRefresh(nextRefreshAt: number | null, now: number): string {
  if (nextRefreshAt === null) return t('nextNotScheduled');
  if (nextRefreshAt <= now) return t('nextDueNow');
  return formatRelative(nextRefreshAt, now);
}
