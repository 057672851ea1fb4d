import { useState } from 'preact/hooks';
import type { ActionResult, NewConnectionInput } from '@/utils/messaging';
import type { ConnectionStatus } from '@/utils/model';
import { describeSendError } from '@/components/workerClient';
import {
  EMPTY_CONNECTION_FORM,
  toNewConnectionInput,
  type ConnectionFormValues,
  type EndpointMode,
} from './connectionForm';
import { ensureOrigins, type RequestOrigins } from './hostPermissions';
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

type TextField = Exclude<keyof ConnectionFormValues, 'mode'>;

/** The "Custom OAuth 2.0 / OpenID Connect" form: issuer or endpoints, client, scopes. */
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

  async function submit(event: Event) {
    event.preventDefault();
    setSubmission({ phase: 'pending' });
    const input = toNewConnectionInput(values);
    try {
      // Asked first, while the click still counts as a user gesture.
      const access = await ensureOrigins(requestOrigins, [
        input.issuer,
        input.authorizationEndpoint,
        input.tokenEndpoint,
      ]);
      if (!access.ok) {
        setSubmission({ phase: 'failed', message: access.message });
        return;
      }
      const result = await onAdd(input);
      if (result.ok) {
        setValues(EMPTY_CONNECTION_FORM);
        setSubmission({ phase: 'added', label: result.value.label });
      } else {
        setSubmission({ phase: 'failed', message: result.error.message });
      }
    } catch (error) {
      setSubmission({ phase: 'failed', message: describeSendError(error) });
    }
  }

  return (
    <form class="add-form" onSubmit={submit} noValidate data-testid="add-connection-form">
      <h3>Add connection</h3>
      <p class="muted">Custom OAuth 2.0 / OpenID Connect provider.</p>

      <RedirectUri url={redirectUrl} copyText={copyText} />

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

      <fieldset class="field">
        <legend>Endpoints</legend>
        <label class="choice">
          <input
            type="radio"
            name="endpoint-mode"
            checked={values.mode === 'discovery'}
            onChange={() => setMode('discovery')}
          />
          Discover them from the issuer
        </label>
        <label class="choice">
          <input
            type="radio"
            name="endpoint-mode"
            checked={values.mode === 'manual'}
            onChange={() => setMode('manual')}
          />
          Enter the endpoints by hand
        </label>
      </fieldset>

      {values.mode === 'discovery' ? (
        <div class="field">
          <label for="add-issuer">Issuer URL</label>
          <input
            id="add-issuer"
            type="url"
            value={values.issuer}
            onInput={update('issuer')}
            placeholder="https://auth.example.com"
            aria-describedby="add-issuer-hint"
          />
          <p id="add-issuer-hint" class="hint">
            Its <code>/.well-known/openid-configuration</code> tells Token Keeper the endpoints.
          </p>
        </div>
      ) : (
        <>
          <div class="field">
            <label for="add-authorization-endpoint">Authorization endpoint</label>
            <input
              id="add-authorization-endpoint"
              type="url"
              value={values.authorizationEndpoint}
              onInput={update('authorizationEndpoint')}
              placeholder="https://auth.example.com/authorize"
            />
          </div>
          <div class="field">
            <label for="add-token-endpoint">Token endpoint</label>
            <input
              id="add-token-endpoint"
              type="url"
              value={values.tokenEndpoint}
              onInput={update('tokenEndpoint')}
              placeholder="https://auth.example.com/token"
            />
          </div>
        </>
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
        />
        <p id="add-client-secret-hint" class="hint">
          Optional. Only if the provider requires it; it is stored encrypted and never shown again.
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
          Separated by spaces. Keep <code>offline_access</code>: without it most providers issue no
          refresh token.
        </p>
      </div>

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
