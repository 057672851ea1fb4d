import { useState } from 'preact/hooks';
import { t } from '@/components/i18n';
import { describeSendError } from '@/components/workerClient';
import type { ActionResult } from '@/utils/messaging';

/** Props for {@link ExternalAccess}. */
export interface ExternalAccessProps {
  connectionId: string;
  /** The organisation fixes the list of a managed connection: shown, not editable. */
  managed?: boolean;
  getExternalAccess(connectionId: string): Promise<{ extensionId: string; allowed: string[] }>;
  setExternalAccess(connectionId: string, allowed: string[]): Promise<ActionResult<string[]>>;
}

/**
 * "Other extensions": which extension ids may get this connection's access token (off by default).
 * Loaded when opened; the ids a developer needs to integrate are shown here too.
 */
export function ExternalAccess({
  connectionId,
  managed = false,
  getExternalAccess,
  setExternalAccess,
}: ExternalAccessProps) {
  const [access, setAccess] = useState<{ extensionId: string; allowed: string[] } | null>(null);
  const [candidate, setCandidate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    if (access) return;
    try {
      setAccess(await getExternalAccess(connectionId));
    } catch (failure) {
      setError(describeSendError(failure));
    }
  }

  async function save(allowed: string[]) {
    setBusy(true);
    setError(null);
    try {
      const result = await setExternalAccess(connectionId, allowed);
      if (result.ok) {
        setAccess((current) => current && { ...current, allowed: result.value });
        setCandidate('');
      } else {
        setError(result.error.message);
      }
    } catch (failure) {
      setError(describeSendError(failure));
    } finally {
      setBusy(false);
    }
  }

  const inputId = `external-${connectionId}`;
  return (
    <details
      class="external-access"
      data-testid="external-access"
      onToggle={(event) => (event.currentTarget as HTMLDetailsElement).open && void load()}
    >
      <summary>{t('externalTitle')}</summary>
      <p class="hint">{t('externalExplain')}</p>
      {managed && (
        <p class="hint" data-testid="external-managed">
          {t('externalManaged')}
        </p>
      )}
      {access && (
        <>
          <p class="hint">{t('externalIds', access.extensionId, connectionId)}</p>
          {access.allowed.length === 0 ? (
            <p class="muted" data-testid="external-none">
              {t('externalNone')}
            </p>
          ) : (
            <ul class="external-list">
              {access.allowed.map((id) => (
                <li key={id}>
                  <code>{id}</code>{' '}
                  {!managed && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => void save(access.allowed.filter((other) => other !== id))}
                      aria-label={t('externalRevokeLabel', id)}
                    >
                      {t('externalRevoke')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {!managed && (
            <form
              class="inline-form"
              onSubmit={(event) => {
                event.preventDefault();
                void save([...access.allowed, candidate.trim()]);
              }}
            >
              <label for={inputId}>{t('externalIdLabel')}</label>
              <input
                id={inputId}
                value={candidate}
                onInput={(event) => setCandidate((event.currentTarget as HTMLInputElement).value)}
                spellcheck={false}
                autocomplete="off"
                placeholder="abcdefghijklmnopabcdefghijklmnop"
              />
              <button type="submit" disabled={busy || candidate.trim() === ''}>
                {t('externalAllow')}
              </button>
            </form>
          )}
        </>
      )}
      {error && (
        <p class="error" role="alert" data-testid="external-error">
          {error}
        </p>
      )}
    </details>
  );
}
