import type { StartupProblem } from '@/utils/model';
import { t } from './i18n';
import { describeStartupProblem } from './startupProblem';

/** Props for {@link StartupBanner}. */
export interface StartupBannerProps {
  problem: StartupProblem;
  /** "Now" on the page's ticking clock: the retry time turns into "trying again now" once passed. */
  now: number;
}

/** The worker could not start: say why and when it tries again (it retries by itself, so no button). */
export function StartupBanner({ problem, now }: StartupBannerProps) {
  return (
    <div class="banner" role="alert" data-testid="startup-problem">
      <p>{describeStartupProblem(problem, now)}</p>
      <p>{t('startupProblemHint')}</p>
    </div>
  );
}
