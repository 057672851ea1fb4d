import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionResult, NewConnectionInput } from '@/utils/messaging';
import { PROVIDER_KINDS, type ConnectionStatus, type ProviderKind } from '@/utils/model';
import { t, type MessageKey } from '@/components/i18n';
import { providerLabel } from '@/components/labels';
import { describeSendError } from '@/components/workerClient';
import {
  blankConnectionForm,
  CONNECTION_FORM_FIELDS,
  connectionFormErrors,
  EMPTY_CONNECTION_FORM,
  toNewConnectionInput,
  urlsNeedingAccess,
  type ConnectionFormErrors,
  type ConnectionFormField,
  type ConnectionFormValues,
  type EndpointMode,
} from './connectionForm';
import { CustomEndpointFields } from './CustomEndpointFields';
import { ensureOrigins, type RequestOrigins } from './hostPermissions';
import { ProviderGuide } from './ProviderGuide';
import { TextField } from './TextField';
import { RedirectUri } from './RedirectUri';

/** Props for {@link AddConnectionForm}. */
export interface AddConnectionFormProps {
  /** Starting values (the page's query string may prefill them). */
  initial?: ConnectionFormValues;
  /** The redirect URI to register at the provider; null while it loads. */
  redirectUrl: string | null;
  onAdd: (input: NewConnectionInput) => Promise<ActionResult<ConnectionStatus>>;
  /** Asks for host access to the provider (discovery and token requests need it). */
  requestOrigins: RequestOrigins;
  /** Copies text to the clipboard; defaults to the Clipboard API. */
  copyText?: (text: string) => Promise<void>;
}

type Submission =
  | { phase: 'idle' }
  | { phase: 'pending' }
  | { phase: 'failed'; message: string }
  | { phase: 'invalid'; fields: string[] }
  | { phase: 'added'; label: string };

const FIELD_LABELS: Record<ConnectionFormField, MessageKey> = {
  label: 'addLabelLabel',
  issuer: 'issuerLabel',
  authorizationEndpoint: 'authorizationEndpointLabel',
  tokenEndpoint: 'tokenEndpointLabel',
  clientId: 'addClientIdLabel',
  clientSecret: 'addClientSecretLabel',
  scopes: 'addScopesLabel',
};

const SCOPE_HINTS: Record<ProviderKind, MessageKey> = {
  jira: 'addScopesHintJira',
  google: 'addScopesHintGoogle',
  custom: 'addScopesHintCustom',
};

/** The add-connection form: a provider (Jira Cloud, Google, custom), the client, the scopes. */
export function AddConnectionForm({
  initial = EMPTY_CONNECTION_FORM,
  redirectUrl,
  onAdd,
  requestOrigins,
  copyText,
}: AddConnectionFormProps) {
  const [values, setValues] = useState(initial);
  const [submission, setSubmission] = useState<Submission>({ phase: 'idle' });
  // Once a submit found problems, every change re-checks, so an error goes as soon as it is fixed.
  const [checked, setChecked] = useState(false);
  const errors: ConnectionFormErrors = checked ? connectionFormErrors(values) : {};
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // After a submit with problems, the first field marked invalid takes the focus.
    if (submission.phase === 'invalid')
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [submission]);

  function update(field: ConnectionFormField) {
    return (event: Event) => {
      const value = (event.currentTarget as HTMLInputElement).value;
      setValues((current) => ({ ...current, [field]: value }));
    };
  }

  function toggle(field: 'promptConsent' | 'testingMode') {
    return (event: Event) => {
      const checked = (event.currentTarget as HTMLInputElement).checked;
      setValues((current) => ({ ...current, [field]: checked }));
    };
  }

  function setMode(mode: EndpointMode) {
    setValues((current) => ({ ...current, mode }));
  }

  function setProvider(provider: ProviderKind) {
    // Another provider means another app registration: start from its blank form.
    setValues(blankConnectionForm(provider));
    setSubmission({ phase: 'idle' });
    setChecked(false);
  }

  async function submit(event: Event) {
    event.preventDefault();
    // Every problem at once, beside its field, before anything is sent.
    const found = connectionFormErrors(values);
    const invalid = CONNECTION_FORM_FIELDS.filter((field) => found[field] !== undefined);
    if (invalid.length > 0) {
      setChecked(true);
      setSubmission({ phase: 'invalid', fields: invalid.map((field) => t(FIELD_LABELS[field])) });
      return;
    }
    setSubmission({ phase: 'pending' });
    const input = toNewConnectionInput(values);
    try {
      // Asked first, while the click still counts as a user gesture.
      const access = await ensureOrigins(requestOrigins, urlsNeedingAccess(input));
      if (!access.ok) {
        setSubmission({ phase: 'failed', message: access.message });
        return;
      }
      const result = await onAdd(input);
      if (result.ok) {
        setValues(blankConnectionForm(values.provider));
        setChecked(false);
        setSubmission({ phase: 'added', label: result.value.label });
      } else {
        setSubmission({ phase: 'failed', message: result.error.message });
      }
    } catch (error) {
      setSubmission({ phase: 'failed', message: describeSendError(error) });
    }
  }

  const preset = values.provider !== 'custom';

  return (
    <form
      ref={form}
      class="add-form"
      onSubmit={submit}
      noValidate
      data-testid="add-connection-form"
    >
      <h3>{t('addTitle')}</h3>

      <fieldset class="field">
        <legend>{t('addProviderLegend')}</legend>
        {PROVIDER_KINDS.map((provider) => (
          <label class="choice" key={provider}>
            <input
              type="radio"
              name="provider"
              value={provider}
              checked={values.provider === provider}
              onChange={() => setProvider(provider)}
            />
            {providerLabel(provider)}
          </label>
        ))}
      </fieldset>

      {values.provider === 'custom' ? (
        <RedirectUri url={redirectUrl} copyText={copyText} />
      ) : (
        <ProviderGuide provider={values.provider} redirectUrl={redirectUrl} copyText={copyText} />
      )}

      <TextField
        id="add-label"
        label={t('addLabelLabel')}
        hint={t('addLabelHint')}
        value={values.label}
        onInput={update('label')}
        autoComplete="off"
        error={errors.label}
        required
      />

      {values.provider === 'custom' && (
        <CustomEndpointFields values={values} setMode={setMode} update={update} errors={errors} />
      )}

      <TextField
        id="add-client-id"
        label={t('addClientIdLabel')}
        value={values.clientId}
        onInput={update('clientId')}
        autoComplete="off"
        spellcheck={false}
        error={errors.clientId}
        required
      />

      <TextField
        id="add-client-secret"
        label={t('addClientSecretLabel')}
        hint={
          <>
            {preset
              ? t('addClientSecretRequired', providerLabel(values.provider))
              : t('addClientSecretOptional')}{' '}
            {t('addClientSecretStored')}
          </>
        }
        type="password"
        value={values.clientSecret}
        onInput={update('clientSecret')}
        autoComplete="off"
        required={preset}
        error={errors.clientSecret}
      />

      <TextField
        id="add-scopes"
        label={t('addScopesLabel')}
        hint={t(SCOPE_HINTS[values.provider])}
        value={values.scopes}
        onInput={update('scopes')}
        spellcheck={false}
        error={errors.scopes}
      />

      {values.provider === 'custom' && (
        <label class="choice">
          <input
            type="checkbox"
            checked={values.promptConsent}
            onChange={toggle('promptConsent')}
          />
          {t('addPromptConsent')}
        </label>
      )}

      {values.provider === 'google' && (
        <label class="choice">
          <input type="checkbox" checked={values.testingMode} onChange={toggle('testingMode')} />
          {t('addTestingMode')}
        </label>
      )}

      <div class="form-actions">
        <button type="submit" class="primary" disabled={submission.phase === 'pending'}>
          {t('addSubmit')}
        </button>
        {submission.phase === 'invalid' && (
          <p class="error" role="alert" data-testid="add-connection-error">
            {t('formFixFields', submission.fields.join(t('listSeparator')))}
          </p>
        )}
        {submission.phase === 'failed' && (
          <p class="error" role="alert" data-testid="add-connection-error">
            {submission.message}
          </p>
        )}
        {submission.phase === 'added' && (
          <p role="status" data-testid="add-connection-result">
            {t('addDone', submission.label)}
          </p>
        )}
      </div>
    </form>
  );
}
