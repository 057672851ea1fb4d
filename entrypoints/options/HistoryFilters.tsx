import type { ConnectionStatus, HistoryKind } from '@/utils/model';
import { t, type MessageKey } from '@/components/i18n';
import { kindLabel } from '@/components/labels';
import { TIME_RANGES, type HistoryFilterValues, type TimeRange } from './historyFilter';

/** Props for {@link HistoryFilters}. */
export interface HistoryFiltersProps {
  values: HistoryFilterValues;
  connections: Pick<ConnectionStatus, 'id' | 'label'>[];
  kinds: readonly HistoryKind[];
  onChange: (next: HistoryFilterValues) => void;
}

const RANGE_LABELS: Record<TimeRange, MessageKey> = {
  all: 'rangeAll',
  hour: 'rangeHour',
  day: 'rangeDay',
  week: 'rangeWeek',
  month: 'rangeMonth',
  custom: 'rangeCustom',
};

/** The history's filter controls; every change applies at once (no Apply button to forget). */
export function HistoryFilters({ values, connections, kinds, onChange }: HistoryFiltersProps) {
  const set = (patch: Partial<HistoryFilterValues>) => onChange({ ...values, ...patch });
  const selected = (event: Event) => (event.currentTarget as HTMLSelectElement).value;
  return (
    <fieldset class="history-filters" data-testid="history-filters">
      <legend>{t('filterLegend')}</legend>
      <div class="field">
        <label for="history-connection">{t('filterConnection')}</label>
        <select
          id="history-connection"
          value={values.connectionId}
          onChange={(event) => set({ connectionId: selected(event) })}
        >
          <option value="">{t('filterAllConnections')}</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="history-kind">{t('filterKind')}</label>
        <select
          id="history-kind"
          value={values.kind}
          onChange={(event) => set({ kind: selected(event) as HistoryFilterValues['kind'] })}
        >
          <option value="">{t('filterAllKinds')}</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {kindLabel(kind)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="history-outcome">{t('filterOutcome')}</label>
        <select
          id="history-outcome"
          value={values.outcome}
          onChange={(event) => set({ outcome: selected(event) as HistoryFilterValues['outcome'] })}
        >
          <option value="">{t('filterAnyOutcome')}</option>
          <option value="ok">{t('filterSucceeded')}</option>
          <option value="failed">{t('filterFailed')}</option>
        </select>
      </div>
      <div class="field">
        <label for="history-range">{t('filterTime')}</label>
        <select
          id="history-range"
          value={values.range}
          onChange={(event) => set({ range: selected(event) as TimeRange })}
        >
          {TIME_RANGES.map((range) => (
            <option key={range} value={range}>
              {t(RANGE_LABELS[range])}
            </option>
          ))}
        </select>
      </div>
      {values.range === 'custom' && (
        <>
          <div class="field">
            <label for="history-from">{t('filterFrom')}</label>
            <input
              id="history-from"
              type="datetime-local"
              value={values.from}
              onChange={(event) => set({ from: event.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="history-to">{t('filterTo')}</label>
            <input
              id="history-to"
              type="datetime-local"
              value={values.to}
              onChange={(event) => set({ to: event.currentTarget.value })}
            />
          </div>
        </>
      )}
    </fieldset>
  );
}
