import type { ReconnectDeadline } from '@/utils/model';
import { formatDateTime } from './format';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Props for {@link RefreshTokenWarning}. */
export interface RefreshTokenWarningProps {
  /** When the refresh token is expected to die; nothing is shown without one. */
  deadline: ReconnectDeadline | undefined;
  /** "Now" on the worker's clock. */
  now: number;
}

/** "Reconnect needed within N days", shown once a provider's refresh-token limit comes near. */
export function RefreshTokenWarning({ deadline, now }: RefreshTokenWarningProps) {
  if (!deadline || now < deadline.warnFrom) return null;
  return (
    <p class="banner" data-testid="reconnect-warning" title={formatDateTime(deadline.at)}>
      {describeDeadline(deadline, now)}
    </p>
  );
}

/** The warning's sentence: how many days are left and which of the provider's limits is coming. */
export function describeDeadline(deadline: ReconnectDeadline, now: number): string {
  const why =
    deadline.reason === 'age'
      ? `the provider ends a grant ${deadline.limitDays} days after consent`
      : `refresh tokens expire after ${deadline.limitDays} days unused`;
  if (deadline.at <= now) return `The refresh token has probably expired (${why}): reconnect.`;
  const days = Math.ceil((deadline.at - now) / DAY_MS);
  return `Reconnect needed within ${days} ${days === 1 ? 'day' : 'days'}: ${why}.`;
}
