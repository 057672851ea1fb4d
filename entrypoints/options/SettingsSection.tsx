import { useEffect, useState } from 'preact/hooks';
import type { Settings, SettingsResult } from '@/utils/settings';
import { describeSendError } from '@/components/workerClient';
import {
  NUMERIC_FIELDS,
  parseSettingsForm,
  settingsToForm,
  type FieldError,
  type NumericSetting,
  type SettingsFormValues,
} from './settingsForm';

/** Props for {@link SettingsSection}. */
export interface SettingsSectionProps {
  load: () => Promise<Settings>;
  save: (change: Partial<Settings>) => Promise<SettingsResult>;
}

type SaveView =
  | { phase: 'idle' }
  | { phase: 'pending' }
  | { phase: 'saved' }
  | { phase: 'failed'; errors: FieldError[] };

/** The settings form: each field explained, errors shown next to the field they concern. */
export function SettingsSection({ load, save }: SettingsSectionProps) {
  const [values, setValues] = useState<SettingsFormValues | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [view, setView] = useState<SaveView>({ phase: 'idle' });

  useEffect(() => {
    let active = true;
    load().then(
      (settings) => active && setValues(settingsToForm(settings)),
      (error: unknown) => active && setLoadError(describeSendError(error)),
    );
    return () => {
      active = false;
    };
  }, [load]);

  async function submit(event: Event) {
    event.preventDefault();
    if (values === null) return;
    const parsed = parseSettingsForm(values);
    if (!parsed.ok) {
      setView({ phase: 'failed', errors: parsed.errors });
      return;
    }
    setView({ phase: 'pending' });
    try {
      const result = await save(parsed.change);
      if (result.ok) {
        setValues(settingsToForm(result.settings));
        setView({ phase: 'saved' });
      } else {
        setView({ phase: 'failed', errors: result.errors });
      }
    } catch (error) {
      setView({ phase: 'failed', errors: [{ field: '', message: describeSendError(error) }] });
    }
  }

  const errors = view.phase === 'failed' ? view.errors : [];
  const knownFields = new Set<string>(['enabled', ...NUMERIC_FIELDS.map((f) => f.key)]);
  const formErrors = errors.filter((e) => !knownFields.has(e.field));

  function setNumber(key: NumericSetting) {
    return (event: Event) => {
      const text = (event.currentTarget as HTMLInputElement).value;
      setValues((current) => current && { ...current, [key]: text });
    };
  }

  return (
    <section aria-labelledby="settings-heading" class="section">
      <h2 id="settings-heading">Settings</h2>
      {loadError && (
        <p class="error" role="alert">
          {loadError}
        </p>
      )}
      {values === null && !loadError && <p class="muted">Loading…</p>}
      {values && (
        <form class="settings-form" onSubmit={submit} noValidate data-testid="settings-form">
          <div class="field">
            <label class="choice">
              <input
                type="checkbox"
                id="settings-enabled"
                checked={values.enabled}
                onChange={(event) => setValues({ ...values, enabled: event.currentTarget.checked })}
                aria-describedby="settings-enabled-hint"
              />
              Enabled
            </label>
            <p id="settings-enabled-hint" class="hint">
              Refresh tokens in the background. When off, no scheduled or safety-net refresh runs.
            </p>
            <FieldErrors errors={errors} field="enabled" />
          </div>

          {NUMERIC_FIELDS.map(({ key, label, hint }) => {
            const id = `settings-${key}`;
            const fieldErrors = errors.filter((e) => e.field === key);
            return (
              <div class="field" key={key}>
                <label for={id}>{label}</label>
                <input
                  id={id}
                  name={key}
                  inputMode="numeric"
                  class="narrow"
                  value={values[key]}
                  onInput={setNumber(key)}
                  aria-invalid={fieldErrors.length > 0}
                  aria-describedby={`${id}-hint`}
                />
                <p id={`${id}-hint`} class="hint">
                  {hint}
                </p>
                <FieldErrors errors={fieldErrors} field={key} />
              </div>
            );
          })}

          <div class="form-actions">
            <button type="submit" class="primary" disabled={view.phase === 'pending'}>
              Save settings
            </button>
            {view.phase === 'saved' && (
              <p role="status" data-testid="settings-saved">
                Saved
              </p>
            )}
            <FieldErrors errors={formErrors} />
          </div>
        </form>
      )}
    </section>
  );
}

/** The messages for one field (or, without `field`, all the given ones). */
function FieldErrors({ errors, field }: { errors: FieldError[]; field?: string }) {
  const shown = field === undefined ? errors : errors.filter((e) => e.field === field);
  return (
    <>
      {shown.map((error, index) => (
        <p
          key={index}
          class="error field-error"
          role="alert"
          data-testid="settings-error"
          data-field={error.field}
        >
          {error.message}
        </p>
      ))}
    </>
  );
}
