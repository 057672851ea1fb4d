import { useState } from 'preact/hooks';
import type { ActionResult, NewConnectionInput } from '@/utils/messaging';
import type { ConnectionStatus, ProviderKind } from '@/utils/model';
import { providerName } from '@/utils/providers';
import { describeSendError } from '@/components/workerClient';
import {
  blankConnectionForm,
  EMPTY_CONNECTION_FORM,
  toNewConnectionInput,
  urlsNeedingAccess,
  type ConnectionFormValues,
  type EndpointMode,
} from './connectionForm';
import { CustomEndpointFields } from './CustomEndpointFields';
import { ensureOrigins, type RequestOrigins } from './hostPermissions';
import { ProviderGuide } from './ProviderGuide';
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
  | { phase: 'added'; label: string };

type TextField = Exclude<keyof ConnectionFormValues, 'mode' | 'provider' | 'testingMode'>;

const PROVIDER_CHOICES: readonly ProviderKind[] = ['jira', 'google', 'custom'];

const SCOPE_HINTS: Record<ProviderKind, string> = {
  jira: 'Separated by spaces. offline_access is always added: without it Atlassian issues no refresh token.',
  google:
    'Separated by spaces. openid email shows the account; add the Google API scopes your tools need.',
  custom:
    'Separated by spaces. Keep offline_access: without it most providers issue no refresh token.',
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

  function update(field: TextField) {
    return (event: Event) => {
      const value = (event.currentTarget as HTMLInputElement).value;
      setValues((current) => ({ ...current, [field]: value }));
    };
  }

  function setMode(mode: EndpointMode) {
    setValues((current) => ({ ...current, mode }));
  }

  function setProvider(provider: ProviderKind) {
    // Another provider means another app registration: start from its blank form.
    setValues(blankConnectionForm(provider));
    setSubmission({ phase: 'idle' });
  }

  async function submit(event: Event) {
    event.preventDefault();
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
    <form class="add-form" onSubmit={submit} noValidate data-testid="add-connection-form">
      <h3>Add connection</h3>

      <fieldset class="field">
        <legend>Provider</legend>
        {PROVIDER_CHOICES.map((provider) => (
          <label class="choice" key={provider}>
            <input
              type="radio"
              name="provider"
              value={provider}
              checked={values.provider === provider}
              onChange={() => setProvider(provider)}
            />
            {providerName(provider)}
          </label>
        ))}
      </fieldset>

      {values.provider === 'custom' ? (
        <RedirectUri url={redirectUrl} copyText={copyText} />
      ) : (
        <ProviderGuide provider={values.provider} redirectUrl={redirectUrl} copyText={copyText} />
      )}

      <div class="field">
        <label for="add-label">Label</label>
        <input
          id="add-label"
          value={values.label}
          onInput={update('label')}
          aria-describedby="add-label-hint"
          autoComplete="off"
        />
        <p id="add-label-hint" class="hint">
          Your name for it, shown on its card.
        </p>
      </div>

      {values.provider === 'custom' && (
        <CustomEndpointFields values={values} setMode={setMode} update={update} />
      )}

      <div class="field">
        <label for="add-client-id">Client ID</label>
        <input
          id="add-client-id"
          value={values.clientId}
          onInput={update('clientId')}
          autoComplete="off"
          spellcheck={false}
        />
      </div>

      <div class="field">
        <label for="add-client-secret">Client secret</label>
        <input
          id="add-client-secret"
          type="password"
          value={values.clientSecret}
          onInput={update('clientSecret')}
          autoComplete="off"
          aria-describedby="add-client-secret-hint"
          required={preset}
        />
        <p id="add-client-secret-hint" class="hint">
          {preset
            ? `Required: ${providerName(values.provider)} wants it at its token endpoint.`
            : 'Optional. Only if the provider requires it.'}{' '}
          It is stored encrypted and never shown again.
        </p>
      </div>

      <div class="field">
        <label for="add-scopes">Scopes</label>
        <input
          id="add-scopes"
          value={values.scopes}
          onInput={update('scopes')}
          aria-describedby="add-scopes-hint"
          spellcheck={false}
        />
        <p id="add-scopes-hint" class="hint">
          {SCOPE_HINTS[values.provider]}
        </p>
      </div>

      {values.provider === 'google' && (
        <label class="choice">
          <input
            type="checkbox"
            checked={values.testingMode}
            onChange={(event) =>
              setValues((current) => ({ ...current, testingMode: event.currentTarget.checked }))
            }
          />
          The app is in Testing (Google then ends refresh tokens for API scopes after 7 days; Token
          Keeper warns before)
        </label>
      )}

      <div class="form-actions">
        <button type="submit" class="primary" disabled={submission.phase === 'pending'}>
          Add connection
        </button>
        {submission.phase === 'failed' && (
          <p class="error" role="alert" data-testid="add-connection-error">
            {submission.message}
          </p>
        )}
        {submission.phase === 'added' && (
          <p role="status" data-testid="add-connection-result">
            Added “{submission.label}”. Press Connect on its card to approve access.
          </p>
        )}
      </div>
    </form>
  );
}
