import type { ConnectionStatus } from '@/utils/model';
import { ActionOutcome } from './ActionOutcome';
import { connectionElement, connectionTitleId } from './connectionElement';
import type { ActionView } from './actionView';
import { Countdown } from './Countdown';
import { t } from './i18n';
import { connectionWhere } from './labels';
import { ProviderIcon } from './ProviderIcon';
import { StatePill } from './StatePill';

/** Props for {@link ConnectionRow}. */
export interface ConnectionRowProps {
  /** A calm connection (components/popupLayout.ts): a row has no place for notices. */
  connection: ConnectionStatus;
  /** "Now" on the worker's clock, from the page's one shared ticking clock. */
  now: number;
  /** The last Refresh now of this row, kept by the popup (the button's clicks: {@link clickedRowRefresh}). */
  refresh: ActionView;
}

/**
 * One calm connection on two lines: label, countdown, state; where it lives, Refresh now. The popup draws
 * fifty of these in its first frame (docs/architecture.md#popup), so a row is as cheap as it can be: no
 * state, no listener of its own (the list listens for all rows), and the popup calls it, as it calls its
 * parts, as a plain function rather than mounting a component.
 */
export function ConnectionRow({ connection, now, refresh }: ConnectionRowProps) {
  const pending = refresh.phase === 'pending';
  return (
    <article class="row" data-testid="connection-row" {...connectionElement(connection)}>
      {ProviderIcon({ provider: connection.provider })}
      <h2 id={connectionTitleId(connection.id)}>{connection.label}</h2>
      {connection.expiresAt !== null && Countdown({ to: connection.expiresAt, now })}
      {StatePill({ state: connection.state })}
      <p class="muted" data-testid="connection-where">
        {connectionWhere(connection)}
      </p>
      <button type="button" data-row-refresh={connection.id} disabled={pending} aria-busy={pending}>
        {(pending || connection.busy) && <span class="spinner" aria-hidden="true" />}
        {t('refreshNow')}
      </button>
      {ActionOutcome({
        view: refresh,
        pendingText: t('refreshPending'),
        testId: 'refresh-outcome',
      })}
    </article>
  );
}

/** The connection whose row's Refresh now was clicked, or null: one click listener serves every row. */
export function clickedRowRefresh(event: MouseEvent): string | null {
  const button = (event.target as Element | null)?.closest?.('[data-row-refresh]');
  return button instanceof HTMLElement ? (button.dataset.rowRefresh ?? null) : null;
}
