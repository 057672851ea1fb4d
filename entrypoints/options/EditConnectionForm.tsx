import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionResult, ConnectionEdit, EditOutcome } from '@/utils/messaging';
import type { ConnectionStatus } from '@/utils/model';
import { t } from '@/components/i18n';
import { describeSendError } from '@/components/workerClient';
import { CustomEndpointFields } from './CustomEndpointFields';
import {
  editChanges,
  editFormErrors,
  editFormOf,
  needsNewConsent,
  type EditFormValues,
} from './editForm';
import { ensureOrigins, type RequestOrigins } from './hostPermissions';
import { TextField } from './TextField';

/** Props for {@link EditConnectionForm}. */
export interface EditConnectionFormProps {
  connection: ConnectionStatus;
  onSave: (connectionId: string, changes: ConnectionEdit) => Promise<ActionResult<EditOutcome>>;
  /** Asks for host access to new endpoints before saving. */
  requestOrigins: RequestOrigins;
  /** Closes the form; `outcome` is what to announce on the card (absent when cancelled). */
  onClose: (outcome?: { ok: boolean; text: string }) => void;
}

type Saving = { phase: 'idle' } | { phase: 'pending' } | { phase: 'failed'; message: string };

/**
 * Edits a person's connection in place: label, client ID, a new client secret, scopes and (custom)
 * endpoints. Says before saving when the change needs a new approval (Reconnect); history is kept.
 */
export function EditConnectionForm({
  connection,
  onSave,
  requestOrigins,
  onClose,
}: EditConnectionFormProps) {
  const initial = useRef(editFormOf(connection)).current;
  const [values, setValues] = useState<EditFormValues>(initial);
  const [saving, setSaving] = useState<Saving>({ phase: 'idle' });
  const [checked, setChecked] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const errors = checked ? editFormErrors(values) : {};
  const reconnect = connection.state !== 'new' && needsNewConsent(initial, values);
  const prefix = `edit-${connection.id}`;

  useEffect(() => {
    form.current?.querySelector<HTMLElement>('input')?.focus();
  }, []);

  function update(field: keyof EditFormValues) {
    return (event: Event) => {
      const value = (event.currentTarget as HTMLInputElement).value;
      setValues((current) => ({ ...current, [field]: value }));
    };
  }

  async function submit(event: Event) {
    event.preventDefault();
    const found = editFormErrors(values);
    if (Object.keys(found).length > 0) {
      setChecked(true);
      requestAnimationFrame(() =>
        form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    const changes = editChanges(initial, values);
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    setSaving({ phase: 'pending' });
    try {
      // Asked first, while the click still counts as a user gesture.
      const access = await ensureOrigins(requestOrigins, [
        changes.issuer,
        changes.authorizationEndpoint,
        changes.tokenEndpoint,
      ]);
      if (!access.ok) {
        setSaving({ phase: 'failed', message: access.message });
        return;
      }
      const result = await onSave(connection.id, changes);
      if (!result.ok) {
        setSaving({ phase: 'failed', message: result.error.message });
        return;
      }
      onClose(describeEdit(result.value));
    } catch (error) {
      setSaving({ phase: 'failed', message: describeSendError(error) });
    }
  }

  return (
    <form
      ref={form}
      class="edit-form"
      onSubmit={submit}
      noValidate
      data-testid="edit-connection-form"
      aria-label={t('editTitle', connection.label)}
    >
      <p class="edit-title">{t('editTitle', connection.label)}</p>
      <TextField
        id={`${prefix}-label`}
        label={t('addLabelLabel')}
        value={values.label}
        onInput={update('label')}
        autoComplete="off"
        error={errors.label}
        required
      />
      {connection.provider === 'custom' && (
        <CustomEndpointFields
          values={values}
          setMode={(mode) => setValues((current) => ({ ...current, mode }))}
          update={update}
          errors={errors}
          idPrefix={prefix}
        />
      )}
      <TextField
        id={`${prefix}-client-id`}
        label={t('addClientIdLabel')}
        value={values.clientId}
        onInput={update('clientId')}
        autoComplete="off"
        spellcheck={false}
        error={errors.clientId}
        required
      />
      <TextField
        id={`${prefix}-client-secret`}
        label={t('editClientSecretLabel')}
        hint={connection.hasClientSecret ? t('editClientSecretKeep') : t('editClientSecretNone')}
        type="password"
        value={values.clientSecret}
        onInput={update('clientSecret')}
        autoComplete="off"
        error={errors.clientSecret}
      />
      <TextField
        id={`${prefix}-scopes`}
        label={t('addScopesLabel')}
        value={values.scopes}
        onInput={update('scopes')}
        spellcheck={false}
        error={errors.scopes}
      />
      {reconnect && (
        <p class="notice notice-warn" data-testid="edit-needs-reconnect">
          {t('editNeedsReconnect')}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={saving.phase === 'pending'}>
          {t('editSave')}
        </button>
        <button type="button" onClick={() => onClose()} disabled={saving.phase === 'pending'}>
          {t('editCancel')}
        </button>
        {saving.phase === 'failed' && (
          <p class="error" role="alert" data-testid="edit-connection-error">
            {saving.message}
          </p>
        )}
      </div>
    </form>
  );
}

/** What the card says after a save: whether to reconnect, and how a retry with the fix went. */
function describeEdit(outcome: EditOutcome): { ok: boolean; text: string } {
  if (outcome.reconnect) return { ok: true, text: t('editSavedReconnect') };
  const retried = outcome.retried;
  if (retried?.ok) return { ok: true, text: t('editSavedRecovered') };
  if (retried) return { ok: false, text: t('editSavedStillFailing', retried.error.message) };
  return { ok: true, text: t('editSaved') };
}
