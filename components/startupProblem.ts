import type { StartupProblem } from '@/utils/model';
import { formatTime, type DateTimeOptions } from './format';
import { t } from './i18n';

/**
 * The sentence for a worker that cannot start: the reason, and when it tries again — or that it is
 * trying now, once that moment has passed on `now`.
 */
export function describeStartupProblem(
  problem: StartupProblem,
  now: number,
  options: DateTimeOptions = {},
): string {
  // The reason is diagnostic text that may end in a full stop; the sentence adds its own.
  const reason = problem.reason.replace(/[.\s]+$/, '');
  return problem.retryAt > now
    ? t('startupProblemRetryAt', reason, formatTime(problem.retryAt, options))
    : t('startupProblemRetryingNow', reason);
}
