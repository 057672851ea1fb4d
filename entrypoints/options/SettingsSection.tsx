import { useEffect, useState } from 'preact/hooks';
import type { ConnectionStatus } from '@/utils/model';
import { effectiveLeadSec } from '@/utils/refresh-lead';
import type { Settings, SettingsResult } from '@/utils/settings';
import { formatDuration } from '@/components/format';
import { t } from '@/components/i18n';
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
  /** For the lead each connection really gets when its tokens are short-lived. */
  connections?: Pick<ConnectionStatus, 'id' | 'label' | 'lifetimeSec'>[];
  /** Settings the organisation fixes: shown read-only, never sent (docs/admin.md). */
  fixed?: string[];
}

type SaveView =
  | { phase: 'idle' }
  | { phase: 'pending' }
  | { phase: 'saved' }
  | { phase: 'failed'; errors: FieldError[] };

/** The settings form: each field explained, errors shown next to the field they concern. */
export function SettingsSection({
  load,
  save,
  connections = [],
  fixed = NO_FIXED,
}: SettingsSectionProps) {
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
    // A policy change may fix other settings or other values: show what is in force now.
  }, [load, fixed.join(',')]);

  async function submit(event: Event) {
    event.preventDefault();
    if (values === null) return;
    const parsed = parseSettingsForm(values);
    if (!parsed.ok) {
      setView({ phase: 'failed', errors: parsed.errors });
      focusFirstInvalid(parsed.errors);
      return;
    }
    setView({ phase: 'pending' });
    const change = Object.fromEntries(
      Object.entries(parsed.change).filter(([key]) => !fixed.includes(key)),
    ) as Partial<Settings>;
    try {
      const result = await save(change);
      if (result.ok) {
        setValues(settingsToForm(result.settings));
        setView({ phase: 'saved' });
      } else {
        setView({ phase: 'failed', errors: result.errors });
        focusFirstInvalid(result.errors);
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
      <h2 id="settings-heading" tabIndex={-1}>
        {t('sectionSettings')}
      </h2>
      {loadError && (
        <p class="error" role="alert">
          {loadError}
        </p>
      )}
      {values === null && !loadError && <p class="muted">{t('loading')}</p>}
      {values && (
        <form class="settings-form" onSubmit={submit} noValidate data-testid="settings-form">
          <div class="field">
            <label class="choice">
              <input
                type="checkbox"
                id="settings-enabled"
                checked={values.enabled}
                onChange={(event) => setValues({ ...values, enabled: event.currentTarget.checked })}
                aria-describedby={
                  fixed.includes('enabled')
                    ? 'settings-enabled-hint settings-enabled-managed'
                    : 'settings-enabled-hint'
                }
                disabled={fixed.includes('enabled')}
              />
              {t('settingEnabledLabel')}
            </label>
            <p id="settings-enabled-hint" class="hint">
              {t('settingEnabledHint')}
            </p>
            {fixed.includes('enabled') && <ManagedHint id="settings-enabled-managed" />}
            <FieldErrors errors={errors} field="enabled" />
          </div>

          {NUMERIC_FIELDS.map(({ key, label, hint }) => {
            const id = `settings-${key}`;
            const fieldErrors = errors.filter((e) => e.field === key);
            const managed = fixed.includes(key);
            const described = [
              `${id}-hint`,
              ...(managed ? [`${id}-managed`] : []),
              ...(fieldErrors.length > 0 ? [`${id}-error`] : []),
            ];
            return (
              <div class="field" key={key}>
                <label for={id}>{t(label)}</label>
                <input
                  id={id}
                  name={key}
                  inputMode="numeric"
                  class="narrow"
                  value={values[key]}
                  onInput={setNumber(key)}
                  aria-invalid={fieldErrors.length > 0}
                  aria-describedby={described.join(' ')}
                  readOnly={managed}
                />
                <p id={`${id}-hint`} class="hint">
                  {t(hint)}
                </p>
                {managed && <ManagedHint id={`${id}-managed`} />}
                {key === 'refreshLeadMin' && (
                  <EffectiveLeads typed={values.refreshLeadMin} connections={connections} />
                )}
                <FieldErrors errors={fieldErrors} field={key} id={`${id}-error`} />
              </div>
            );
          })}

          <div class="form-actions">
            <button type="submit" class="primary" disabled={view.phase === 'pending'}>
              {t('settingsSave')}
            </button>
            <p role="status" data-testid="settings-status">
              {view.phase === 'saved' && (
                <span data-testid="settings-saved">{t('settingsSaved')}</span>
              )}
            </p>
            <FieldErrors errors={formErrors} />
          </div>
        </form>
      )}
    </section>
  );
}

const NO_FIXED: string[] = [];

/** Says that the organisation fixes the setting above; it cannot be changed here. */
function ManagedHint({ id }: { id: string }) {
  return (
    <p id={id} class="hint managed-tag" data-testid="setting-managed">
      {t('settingManaged')}
    </p>
  );
}

/** Moves focus to the first field with an error, so a keyboard user lands on what to fix. */
function focusFirstInvalid(errors: FieldError[]): void {
  const first = errors.find((e) => e.field !== '');
  if (!first) return;
  // After the render that marks the field invalid.
  setTimeout(() => document.getElementById(`settings-${first.field}`)?.focus(), 0);
}

/**
 * The lead each short-lived connection really gets: the threshold is capped at half a token's
 * lifetime, which matters when tokens live shorter than twice the threshold.
 */
function EffectiveLeads({
  typed,
  connections,
}: {
  typed: string;
  connections: Pick<ConnectionStatus, 'id' | 'label' | 'lifetimeSec'>[];
}) {
  const thresholdMin = Number(typed);
  if (typed.trim() === '' || !Number.isFinite(thresholdMin) || thresholdMin <= 0) return null;
  const capped = connections.filter(
    (c) =>
      c.lifetimeSec !== null &&
      effectiveLeadSec(thresholdMin * 60, c.lifetimeSec) < thresholdMin * 60,
  );
  if (capped.length === 0) return null;
  return (
    <ul class="hint effective-leads" data-testid="effective-leads">
      {capped.map((c) => (
        <li key={c.id} data-connection-id={c.id}>
          {t(
            'settingEffectiveLead',
            c.label,
            formatDuration(c.lifetimeSec! * 1000),
            formatDuration(effectiveLeadSec(thresholdMin * 60, c.lifetimeSec!) * 1000),
          )}
        </li>
      ))}
    </ul>
  );
}

/** The messages for one field (or, without `field`, all the given ones). */
function FieldErrors({ errors, field, id }: { errors: FieldError[]; field?: string; id?: string }) {
  const shown = field === undefined ? errors : errors.filter((e) => e.field === field);
  return (
    <>
      {shown.map((error, index) => (
        <p
          key={index}
          id={index === 0 ? id : undefined}
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
