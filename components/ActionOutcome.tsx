import type { ActionView } from './actionView';

/** Props for {@link ActionOutcome}. */
export interface ActionOutcomeProps {
  view: ActionView;
  /** What the line says while the action runs ("Refreshing…"). */
  pendingText: string;
  testId: string;
  /** Leaves the outcome's words out (a card's notice already says why the action failed). */
  quiet?: boolean;
}

/**
 * A button's outcome line: always in the page (a live region announces what appears in it), red when the
 * action failed. A plain function of its props, so a row can call it without mounting a component.
 */
export function ActionOutcome({ view, pendingText, testId, quiet = false }: ActionOutcomeProps) {
  return (
    <p
      class={view.phase === 'done' && !view.ok ? 'outcome error' : 'outcome'}
      role="status"
      data-testid={testId}
    >
      {view.phase === 'pending' && pendingText}
      {view.phase === 'done' && !quiet && view.text}
    </p>
  );
}
