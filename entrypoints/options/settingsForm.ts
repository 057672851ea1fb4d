import type { Settings } from '@/utils/settings';
import { t, type MessageKey } from '@/components/i18n';

/** A settings field whose value is a number. */
export type NumericSetting = Exclude<keyof Settings, 'enabled'>;

/** The settings form as typed: numbers stay strings until Save, so half-typed input is kept. */
export type SettingsFormValues = { enabled: boolean } & Record<NumericSetting, string>;

/** A message for one field (`field` is a settings key, or '' for the form as a whole). */
export interface FieldError {
  field: string;
  message: string;
}

/** How each numeric field is labelled and explained; `name` starts its error messages like the worker's. */
export const NUMERIC_FIELDS: readonly {
  key: NumericSetting;
  label: MessageKey;
  name: MessageKey;
  hint: MessageKey;
}[] = [
  {
    key: 'checkIntervalMin',
    label: 'settingCheckIntervalLabel',
    name: 'settingCheckIntervalName',
    hint: 'settingCheckIntervalHint',
  },
  {
    key: 'refreshLeadMin',
    label: 'settingRefreshLeadLabel',
    name: 'settingRefreshLeadName',
    hint: 'settingRefreshLeadHint',
  },
  {
    key: 'quickRetries',
    label: 'settingQuickRetriesLabel',
    name: 'settingQuickRetriesName',
    hint: 'settingQuickRetriesHint',
  },
  {
    key: 'historyRetentionDays',
    label: 'settingRetentionLabel',
    name: 'settingRetentionName',
    hint: 'settingRetentionHint',
  },
];

/** The form showing the given settings. */
export function settingsToForm(settings: Settings): SettingsFormValues {
  return {
    enabled: settings.enabled,
    checkIntervalMin: String(settings.checkIntervalMin),
    refreshLeadMin: String(settings.refreshLeadMin),
    quickRetries: String(settings.quickRetries),
    historyRetentionDays: String(settings.historyRetentionDays),
  };
}

// Plain decimals only: Number() would also accept "0x10", "1e2" and "" (as 0), which no one means here.
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Outcome of reading the form: the change to send, or messages for fields that are not numbers. */
export type ParsedSettingsForm =
  { ok: true; change: Settings } | { ok: false; errors: FieldError[] };

/**
 * Turns the typed form into numbers. Empty and non-numeric fields are caught here, because they
 * would not survive the trip to the worker as themselves (NaN becomes null in a message); range
 * and whole-number rules stay with the worker's schema so they live in one place.
 */
export function parseSettingsForm(values: SettingsFormValues): ParsedSettingsForm {
  const errors: FieldError[] = [];
  const change: Settings = {
    enabled: values.enabled,
    checkIntervalMin: 0,
    refreshLeadMin: 0,
    quickRetries: 0,
    historyRetentionDays: 0,
  };
  for (const { key, name } of NUMERIC_FIELDS) {
    const text = values[key].trim();
    if (text === '') {
      errors.push({ field: key, message: t('settingRequired', t(name)) });
    } else if (!DECIMAL.test(text)) {
      errors.push({ field: key, message: t('settingNotNumber', t(name)) });
    } else {
      change[key] = Number(text);
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, change };
}
