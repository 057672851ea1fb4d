import type { ReconnectDeadline } from '@/utils/model';
import { formatDateTime } from './format';
import { t, type MessageKey } from './i18n';

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

// Whole sentences per limit, so a translation never glues a reason into another sentence.
const DEADLINE_KEYS: Record<
  ReconnectDeadline['reason'],
  { expired: MessageKey; oneDay: MessageKey; days: MessageKey }
> = {
  age: { expired: 'deadlineAgeExpired', oneDay: 'deadlineAgeOneDay', days: 'deadlineAgeDays' },
  inactivity: {
    expired: 'deadlineInactivityExpired',
    oneDay: 'deadlineInactivityOneDay',
    days: 'deadlineInactivityDays',
  },
  provider: {
    expired: 'deadlineProviderExpired',
    oneDay: 'deadlineProviderOneDay',
    days: 'deadlineProviderDays',
  },
};

/** The warning's sentence: how many days are left and which of the provider's limits is coming. */
export function describeDeadline(deadline: ReconnectDeadline, now: number): string {
  const keys = DEADLINE_KEYS[deadline.reason];
  if (deadline.at <= now) return t(keys.expired, deadline.limitDays);
  const days = Math.ceil((deadline.at - now) / DAY_MS);
  return days === 1 ? t(keys.oneDay, deadline.limitDays) : t(keys.days, days, deadline.limitDays);
}
