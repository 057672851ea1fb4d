import { useState } from 'preact/hooks';
import type { ActionResult } from '@/utils/messaging';
import type { LockStatus } from '@/utils/model';
import { t } from './i18n';
import { describeSendError } from './workerClient';

/** Props for {@link UnlockForm}. */
export interface UnlockFormProps {
  unlock(passphrase: string): Promise<ActionResult<LockStatus>>;
  /** The id prefix of the field (two forms may share a page). */
  idPrefix: string;
}

/**
 * One passphrase field and an Unlock button. The passphrase lives in this field and the one message
 * that carries it, nowhere else: the field is cleared once the answer is in (docs/security.md#the-lock).
 */
export function UnlockForm({ unlock, idPrefix }: UnlockFormProps) {
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldId = `${idPrefix}-passphrase`;

  async function submit(event: Event) {
    event.preventDefault();
    if (passphrase === '' || busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await unlock(passphrase);
      if (!result.ok) setError(result.error.message);
    } catch (failure) {
      setError(describeSendError(failure));
    }
    setPassphrase('');
    setBusy(false);
  }

  return (
    <form class="unlock-form" onSubmit={submit} data-testid="unlock-form">
      <label for={fieldId}>{t('lockPassphraseLabel')}</label>
      <input
        id={fieldId}
        type="password"
        autocomplete="current-password"
        value={passphrase}
        onInput={(event) => setPassphrase(event.currentTarget.value)}
        aria-invalid={error !== null}
        aria-describedby={error ? `${fieldId}-error` : undefined}
      />
      <button type="submit" class="primary" disabled={busy || passphrase === ''}>
        {t('lockUnlock')}
      </button>
      {error && (
        <p id={`${fieldId}-error`} class="error" role="alert" data-testid="unlock-error">
          {error}
        </p>
      )}
    </form>
  );
}
