import type { Clock } from './clock';
import { formatClock, formatDateTime } from './format';
import { useNow } from './useNow';

/** Props for {@link Countdown}. */
export interface CountdownProps {
  /** The moment counted down to (epoch ms). */
  to: number;
  /** Where "now" comes from; the worker-corrected clock in the pages. */
  clock?: Clock;
  /** Text put before the time while it is still running, e.g. "in ". */
  prefix?: string;
}

/** Time left until `to`, ticking every second: "1:05", "1:02:03", then "expired". */
export function Countdown({ to, clock = Date.now, prefix = '' }: CountdownProps) {
  const now = useNow(clock);
  const remaining = to - now;
  const expired = remaining <= 0;
  return (
    <time
      data-testid="countdown"
      data-expired={expired ? 'true' : 'false'}
      dateTime={new Date(to).toISOString()}
      title={formatDateTime(to)}
    >
      {expired ? 'expired' : `${prefix}${formatClock(remaining)}`}
    </time>
  );
}
