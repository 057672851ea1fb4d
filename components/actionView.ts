import type { RefreshOutcome } from '@/utils/model';
import { formatClock } from './format';
import { t } from './i18n';
import { describeSendError } from './workerClient';

/** A button's outcome (Refresh now, Reconnect): idle, busy, then what happened in words. */
export type ActionView =
  { phase: 'idle' } | { phase: 'pending' } | { phase: 'done'; ok: boolean; text: string };

/** Shows `work` busy, then its outcome, or why the worker did not answer; nothing once `shown()` is false. */
export async function trackAction(
  show: (view: ActionView) => void,
  work: () => Promise<ActionView>,
  shown: () => boolean = () => true,
): Promise<void> {
  show({ phase: 'pending' });
  let view: ActionView;
  try {
    view = await work();
  } catch (error) {
    view = { phase: 'done', ok: false, text: describeSendError(error) };
  }
  if (shown()) show(view);
}

/**
 * Refreshes one connection and words the outcome. `now` is the clicking render's worker time, carried
 * forward by the time the request took, so "expires in" counts from the answer.
 */
export async function refreshAndDescribe(
  refresh: (connectionId: string) => Promise<RefreshOutcome>,
  connectionId: string,
  now: number,
): Promise<ActionView> {
  const clickedAt = Date.now();
  const outcome = await refresh(connectionId);
  return describeRefreshOutcome(outcome, now + (Date.now() - clickedAt));
}

function describeRefreshOutcome(outcome: RefreshOutcome, now: number): ActionView {
  if (!outcome.ok) return { phase: 'done', ok: false, text: outcome.error.message };
  const expires = outcome.expiresAt > now ? formatClock(outcome.expiresAt - now) : null;
  // `refreshed: false` means the token was still fresh or another caller just refreshed it (R4).
  const text =
    expires === null
      ? t('outcomeExpired')
      : outcome.refreshed
        ? t('outcomeRefreshed', expires)
        : t('outcomeAlreadyFresh', expires);
  return { phase: 'done', ok: true, text };
}
