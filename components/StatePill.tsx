import type { ShownState } from '@/utils/model';
import { STATE_TONES, stateLabel } from './labels';

/** Props for {@link StatePill}. */
export interface StatePillProps {
  state: ShownState;
}

/** A connection's state as a coloured pill; the text carries the meaning, the colour only helps. */
export function StatePill({ state }: StatePillProps) {
  return (
    <span class={`pill pill-${STATE_TONES[state]}`} data-testid="state-pill" data-state={state}>
      {stateLabel(state)}
    </span>
  );
}
