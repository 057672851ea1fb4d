import type { HistoryCriteria, HistoryQuery } from '@/utils/messaging';
import type { HistoryKind } from '@/utils/model';

/** Events per page; the worker walks an index, so every page costs about the same. */
export const HISTORY_PAGE_SIZE = 50;

/** The request for a page of the events matching `criteria`, after the last one shown when given. */
export function pageQuery(criteria: HistoryCriteria, after?: HistoryQuery['after']): HistoryQuery {
  const query: HistoryQuery = { ...criteria, limit: HISTORY_PAGE_SIZE };
  if (after !== undefined) query.after = after;
  return query;
}

/** The time spans the history filter offers; `custom` uses the typed from/to. */
export const TIME_RANGES = ['all', 'hour', 'day', 'week', 'month', 'custom'] as const;

/** One of {@link TIME_RANGES}. */
export type TimeRange = (typeof TIME_RANGES)[number];

const RANGE_MS: Record<Exclude<TimeRange, 'all' | 'custom'>, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};

/** The history filter as the person set it: strings straight from the controls. */
export interface HistoryFilterValues {
  connectionId: string;
  kind: HistoryKind | '';
  outcome: 'ok' | 'failed' | '';
  range: TimeRange;
  /** `datetime-local` values, used when `range` is `custom`. */
  from: string;
  to: string;
}

/** No filter: everything. */
export const NO_FILTER: HistoryFilterValues = {
  connectionId: '',
  kind: '',
  outcome: '',
  range: 'all',
  from: '',
  to: '',
};

/** The criteria for the worker, with relative ranges ending at `now`. */
export function toCriteria(values: HistoryFilterValues, now: number): HistoryCriteria {
  const criteria: HistoryCriteria = {};
  if (values.connectionId !== '') criteria.connectionId = values.connectionId;
  if (values.kind !== '') criteria.kinds = [values.kind];
  if (values.outcome !== '') criteria.outcome = values.outcome;
  if (values.range === 'custom') {
    const from = parseLocal(values.from);
    const to = parseLocal(values.to);
    if (from !== undefined) criteria.from = from;
    // "To 14:05" includes the whole minute the person picked.
    if (to !== undefined) criteria.to = to + 60_000;
  } else if (values.range !== 'all') {
    criteria.from = now - RANGE_MS[values.range];
  }
  return criteria;
}

/** A `datetime-local` value as epoch ms in the page's time zone; undefined when empty or invalid. */
export function parseLocal(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const at = new Date(value).getTime();
  return Number.isFinite(at) ? at : undefined;
}

/** Whether a custom range is backwards (from after to), which would match nothing. */
export function isBackwards(values: HistoryFilterValues): boolean {
  if (values.range !== 'custom') return false;
  const from = parseLocal(values.from);
  const to = parseLocal(values.to);
  return from !== undefined && to !== undefined && from > to;
}

/** Whether the filter lets every event through (whatever the unused custom-range fields hold). */
export function isUnfiltered(values: HistoryFilterValues): boolean {
  return (
    values.connectionId === '' &&
    values.kind === '' &&
    values.outcome === '' &&
    values.range === 'all'
  );
}
