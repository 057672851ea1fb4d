import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConnectionStatus, FailureInfo, RefreshOutcome } from '@/utils/model';
import type { Clock } from './clock';
import { Countdown } from './Countdown';
import { formatClock, formatDateTime, formatRelative } from './format';
import { PROVIDER_LABELS } from './labels';
import { StatePill } from './StatePill';
import { useNow } from './useNow';
import { describeSendError } from './workerClient';

/** Props for {@link ConnectionCard}. */
export interface ConnectionCardProps {
  connection: ConnectionStatus;
  /** Asks the worker to refresh this connection now; the card shows busy, then the outcome. */
  onRefresh: (connectionId: string) => Promise<RefreshOutcome>;
  /** "Now" on the worker's clock. */
  clock?: Clock;
  /** Extra controls placed after "Refresh now" (the options page adds Connect, Remove, …). */
  actions?: ComponentChildren;
}

type RefreshView =
  { phase: 'idle' } | { phase: 'pending' } | { phase: 'done'; ok: boolean; text: string };

/** One connection at a glance: state, expiry countdown, schedule, the reason when failing, Refresh now. */
export function ConnectionCard({
  connection,
  onRefresh,
  clock = Date.now,
  actions,
}: ConnectionCardProps) {
  const now = useNow(clock);
  const [refresh, setRefresh] = useState<RefreshView>({ phase: 'idle' });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const pending = refresh.phase === 'pending';
  const titleId = `connection-${connection.id}-title`;

  async function refreshNow() {
    setRefresh({ phase: 'pending' });
    let view: RefreshView;
    try {
      view = describeOutcome(await onRefresh(connection.id), clock());
    } catch (error) {
      view = { phase: 'done', ok: false, text: describeSendError(error) };
    }
    if (mounted.current) setRefresh(view);
  }

  return (
    <article
      class="card"
      data-testid="connection-card"
      data-connection-id={connection.id}
      data-state={connection.state}
      aria-labelledby={titleId}
    >
      <header class="card-header">
        <div class="card-title">
          <h3 id={titleId}>{connection.label}</h3>
          <p class="muted">
            {PROVIDER_LABELS[connection.provider]}
            {connection.account ? ` · ${connection.account}` : ''}
          </p>
        </div>
        <StatePill state={connection.state} />
      </header>

      <dl class="facts">
        <div>
          <dt>Expires</dt>
          <dd>
            {connection.expiresAt === null ? (
              '—'
            ) : (
              <Countdown to={connection.expiresAt} clock={clock} prefix="in " />
            )}
          </dd>
        </div>
        <div>
          <dt>Last refresh</dt>
          <dd data-testid="last-refresh" title={absolute(connection.lastRefreshAt)}>
            {connection.lastRefreshAt === null
              ? 'never'
              : formatRelative(connection.lastRefreshAt, now)}
          </dd>
        </div>
        <div>
          <dt>Next refresh</dt>
          <dd data-testid="next-refresh" title={absolute(connection.nextRefreshAt)}>
            {describeNextRefresh(connection.nextRefreshAt, now)}
          </dd>
        </div>
      </dl>

      {connection.failure && <FailureReason failure={connection.failure} now={now} />}

      <div class="actions">
        <button
          type="button"
          onClick={refreshNow}
          disabled={pending || connection.state === 'new'}
          aria-busy={pending}
          title={connection.state === 'new' ? 'Connect first: there is no token yet.' : undefined}
        >
          {(pending || connection.busy) && <span class="spinner" aria-hidden="true" />}
          Refresh now
        </button>
        {actions}
      </div>
      <p
        class={refresh.phase === 'done' && !refresh.ok ? 'outcome error' : 'outcome'}
        role="status"
        data-testid="refresh-outcome"
      >
        {refresh.phase === 'pending' && 'Refreshing…'}
        {refresh.phase === 'done' && refresh.text}
      </p>
    </article>
  );
}

/** Why the last refresh failed, and what happens next. */
function FailureReason({ failure, now }: { failure: FailureInfo; now: number }) {
  return (
    <p class="reason" data-testid="failure-reason">
      <strong>Reason:</strong> {failure.lastError.message}{' '}
      <span class="muted">{failureHint(failure, now)}</span>
    </p>
  );
}

function failureHint(failure: FailureInfo, now: number): string {
  switch (failure.kind) {
    case 'transient':
      return `${failure.attempt} failed ${failure.attempt === 1 ? 'attempt' : 'attempts'} since ${formatRelative(failure.failedAt, now)}; retrying.`;
    case 'permanent':
      return 'Reconnect to continue.';
    case 'configuration':
      return "Check the connection's settings, then reconnect.";
  }
}

function describeNextRefresh(nextRefreshAt: number | null, now: number): string {
  if (nextRefreshAt === null) return 'not scheduled';
  if (nextRefreshAt <= now) return 'due now';
  return formatRelative(nextRefreshAt, now);
}

function describeOutcome(outcome: RefreshOutcome, now: number): RefreshView {
  if (!outcome.ok) return { phase: 'done', ok: false, text: outcome.error.message };
  const expires =
    outcome.expiresAt > now ? `expires in ${formatClock(outcome.expiresAt - now)}` : 'expired';
  // `refreshed: false` means the token was still fresh or another caller just refreshed it (R4).
  const verb = outcome.refreshed ? 'Refreshed' : 'Already fresh';
  return { phase: 'done', ok: true, text: `${verb} — ${expires}` };
}

function absolute(at: number | null): string | undefined {
  return at === null ? undefined : formatDateTime(at);
}
