import { exactTimeTooltip, formatClock } from './format';
import { t } from './i18n';

/** Props for {@link Countdown}. */
export interface CountdownProps {
  /** The moment counted down to (epoch ms). */
  to: number;
  /** "Now" from the page's one shared ticking clock, so fifty cards cost one timer. */
  now: number;
}

/** Time left until `to`: "in 1:05", "in 1:02:03", then "expired". */
export function Countdown({ to, now }: CountdownProps) {
  const remaining = to - now;
  const expired = remaining <= 0;
  return (
    <time
      data-testid="countdown"
      data-expired={expired ? 'true' : 'false'}
      dateTime={new Date(to).toISOString()}
      {...exactTimeTooltip(to)}
    >
      {expired ? t('countdownExpired') : t('countdownIn', formatClock(remaining))}
    </time>
  );
}
