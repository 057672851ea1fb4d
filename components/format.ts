/**
 * Pure text formatting for times and durations shown in the pages.
 * No clock reads here: callers pass `now`, so every function is a plain table in the tests.
 */
import { t } from './i18n';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Below this, a past moment reads "just now" rather than a jittery "3 s ago". */
const JUST_NOW_MS = 5 * SECOND;

/** Formats time left as a clock: "1:05", "12:00", "1:02:03"; whole seconds rounded up, never negative. */
export function formatClock(ms: number): string {
  // Rounding up means "0:00" is never shown while the token is still valid.
  const totalSeconds = Math.max(0, Math.ceil(ms / SECOND));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours === 0) return `${minutes}:${ss}`;
  return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
}

/** Formats a span in words at the precision a person reads at a glance: "45 s", "2 min", "1 h 5 min", "3 days". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return t('durationSeconds', Math.floor(abs / SECOND));
  if (abs < HOUR) return t('durationMinutes', Math.floor(abs / MINUTE));
  if (abs < DAY) {
    const hours = Math.floor(abs / HOUR);
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return minutes === 0 ? t('durationHours', hours) : t('durationHoursMinutes', hours, minutes);
  }
  const days = Math.floor(abs / DAY);
  return days === 1 ? t('durationOneDay') : t('durationDays', days);
}

/** Formats `at` relative to `now`: "just now", "2 min ago", "in 45 s". */
export function formatRelative(at: number, now: number): string {
  const delta = at - now;
  if (delta <= 0) {
    return -delta < JUST_NOW_MS ? t('relativeJustNow') : t('relativeAgo', formatDuration(delta));
  }
  // Round a future moment up so "in 0 s" never appears before it has arrived.
  return t('relativeIn', formatDuration(Math.ceil(delta / SECOND) * SECOND));
}

/** Options for {@link formatDateTime}; tests pin both so the output does not depend on the machine. */
export interface DateTimeOptions {
  locale?: string;
  timeZone?: string;
}

/**
 * Intl formatters are costly to build (a popup with 50 cards would build hundreds a second) and
 * cheap to reuse: one per kind, locale and time zone.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (formatter === undefined) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Formats an absolute moment with date and seconds, e.g. "22 Nov 2025, 14:03:22" (en-GB). */
export function formatDateTime(at: number, options: DateTimeOptions = {}): string {
  const { locale, timeZone } = options;
  return cached(
    `datetime|${locale}|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone }),
  ).format(at);
}

/** Formats a request duration in milliseconds: "1,234 ms" (grouped for the locale). */
export function formatMs(ms: number, locale?: string): string {
  const number = cached(`number|${locale}`, () => new Intl.NumberFormat(locale));
  return t('durationMilliseconds', number.format(Math.round(ms)));
}

/** Formats a share in [0, 1] as a whole percentage: "97 %" (the locale's own way). */
export function formatPercent(share: number, locale?: string): string {
  return cached(
    `percent|${locale}`,
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
  ).format(share);
}

/** Formats a time of day with seconds, e.g. "14:03:22" (the locale's own way). */
export function formatTime(at: number, options: DateTimeOptions = {}): string {
  const { locale, timeZone } = options;
  return cached(
    `time|${locale}|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { timeStyle: 'medium', timeZone }),
  ).format(at);
}

/**
 * Props that give an element the exact moment as its tooltip, formatted only when the pointer
 * arrives (a container's {@link showExactTime}): the first date format of a page loads the locale's
 * calendar data (~15 ms), which a popup with fifty cards should not pay before showing anything, and one
 * listener per container is cheaper to set up than one per moment.
 */
export function exactTimeTooltip(at: number | null): { 'data-exact-at'?: number } {
  return at === null ? {} : { 'data-exact-at': at };
}

/** Pointer-over handler of a container: the moment under the pointer gets its exact time as tooltip. */
export function showExactTime(event: PointerEvent): void {
  const target = (event.target as Element | null)?.closest?.<HTMLElement>('[data-exact-at]');
  if (!target || target.title) return;
  target.title = formatDateTime(Number(target.dataset.exactAt));
}
