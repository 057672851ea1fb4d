/** Schemas of the history and health requests pages send (R8): bad input is refused, nothing runs. */
import * as v from 'valibot';
import type { HistoryKind } from '../model';
import { OUTCOMES_BY_KIND, type HistoryFilter } from '../store/history';

const HISTORY_KINDS = Object.keys(OUTCOMES_BY_KIND) as [HistoryKind, ...HistoryKind[]];
const Moment = v.pipe(v.number(), v.finite());

/** Which events to list or export. */
export const HistoryCriteriaSchema = v.object({
  connectionId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
  kinds: v.optional(v.pipe(v.array(v.picklist(HISTORY_KINDS)), v.maxLength(HISTORY_KINDS.length))),
  outcome: v.optional(v.picklist(['ok', 'failed'])),
  from: v.optional(Moment),
  to: v.optional(Moment),
});

/** A page request: criteria, where the previous page ended, and a page size of at most 500. */
export const HistoryQuerySchema = v.object({
  ...HistoryCriteriaSchema.entries,
  after: v.optional(v.object({ at: Moment, id: v.pipe(v.number(), v.integer()) })),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500))),
});

/** An export request. */
export const ExportRequestSchema = v.object({
  format: v.picklist(['csv', 'json']),
  criteria: v.optional(HistoryCriteriaSchema, {}),
});

/** A health request. */
export const HealthRequestSchema = v.object({ period: v.picklist(['24h', '7d']) });

/** The store filter for a validated page request (50 events unless asked otherwise). */
export function toHistoryFilter(query: v.InferOutput<typeof HistoryQuerySchema>): HistoryFilter {
  const { limit, ...rest } = query;
  return { ...rest, limit: limit ?? 50 };
}
