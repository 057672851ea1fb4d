import * as v from 'valibot';

/** The most quick retries a run may make (the retry pace counts on it, utils/engine/retry.ts). */
export const MAX_QUICK_RETRIES = 5;

/** Validated user settings; the options page and the policy check the same ranges (docs/admin.md). */
export const SettingsSchema = v.object({
  /** Master switch for background refresh. */
  enabled: v.boolean('Enabled must be true or false.'),
  /** Safety-net sweep interval in minutes (Chrome alarms cannot fire more often than every 30 s). */
  checkIntervalMin: v.pipe(
    v.number('Check interval must be a number.'),
    v.integer('Check interval must be a whole number of minutes.'),
    v.minValue(1, 'Check interval must be at least 1 minute.'),
    v.maxValue(1440, 'Check interval must be at most 1440 minutes (a day).'),
  ),
  /** Refresh this many minutes before expiry (capped at half the token lifetime). */
  refreshLeadMin: v.pipe(
    v.number('Refresh before expiry must be a number.'),
    v.integer('Refresh before expiry must be a whole number of minutes.'),
    v.minValue(1, 'Refresh before expiry must be at least 1 minute.'),
    v.maxValue(720, 'Refresh before expiry must be at most 720 minutes.'),
  ),
  /** Quick retries after a transient failure before falling back to alarms. */
  quickRetries: v.pipe(
    v.number('Quick retries must be a number.'),
    v.integer('Quick retries must be a whole number.'),
    v.minValue(0, 'Quick retries must be 0 or more.'),
    v.maxValue(MAX_QUICK_RETRIES, `Quick retries must be at most ${MAX_QUICK_RETRIES}.`),
  ),
  /** Days of refresh history to keep. */
  historyRetentionDays: v.pipe(
    v.number('History retention must be a number.'),
    v.integer('History retention must be a whole number of days.'),
    v.minValue(1, 'History retention must be at least 1 day.'),
    v.maxValue(365, 'History retention must be at most 365 days.'),
  ),
});

/** User settings. */
export type Settings = v.InferOutput<typeof SettingsSchema>;

/** Defaults: check every 5 min, refresh 10 min early, 3 quick retries, keep 30 days. */
export const DEFAULT_SETTINGS: Settings = {
  enabled: true,
  checkIntervalMin: 5,
  refreshLeadMin: 10,
  quickRetries: 3,
  historyRetentionDays: 30,
};

/** Outcome of validating a settings change. */
export type SettingsResult =
  { ok: true; settings: Settings } | { ok: false; errors: { field: string; message: string }[] };

/** Merges a partial change into the current settings and validates the result. */
export function validateSettings(current: Settings, change: unknown): SettingsResult {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    return { ok: false, errors: [{ field: '', message: 'Settings must be an object.' }] };
  }
  const unknownKeys = Object.keys(change).filter((key) => !Object.hasOwn(DEFAULT_SETTINGS, key));
  if (unknownKeys.length > 0) {
    return {
      ok: false,
      errors: unknownKeys.map((field) => ({ field, message: `Unknown setting "${field}".` })),
    };
  }
  const result = v.safeParse(SettingsSchema, { ...current, ...change });
  if (result.success) return { ok: true, settings: result.output };
  return {
    ok: false,
    errors: result.issues.map((issue) => ({
      field: v.getDotPath(issue) ?? '',
      message: issue.message,
    })),
  };
}
