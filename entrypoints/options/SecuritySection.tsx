import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '@/components/i18n';
import { UnlockForm } from '@/components/UnlockForm';
import { describeSendError, type WorkerClient } from '@/components/workerClient';
import type { ActionResult } from '@/utils/messaging';
import type { LockMode, LockStatus } from '@/utils/model';
import { TextField } from './TextField';

/** Props for {@link SecuritySection}. */
export interface SecuritySectionProps {
  client: Pick<
    WorkerClient,
    'getLock' | 'turnOnLock' | 'unlock' | 'lock' | 'changePassphrase' | 'removeLock' | 'setAutoLock'
  >;
  /** The lock as the latest snapshot has it (reloads the section when it changes). */
  lockMode: LockMode;
  /** The organisation requires the lock (docs/admin.md): it cannot be removed here. */
  required?: boolean;
}

/** The auto-lock choices offered (minutes; 0 is never). */
export const AUTO_LOCK_CHOICES = [0, 5, 15, 30, 60, 240] as const;

type Message = { text: string; error: boolean } | null;

/**
 * Settings → Security: what the encryption protects, and the optional passphrase lock. Passphrases live
 * only in these fields and the message that carries each; fields are cleared after every answer.
 */
export function SecuritySection({ client, lockMode, required = false }: SecuritySectionProps) {
  const [status, setStatus] = useState<LockStatus | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let active = true;
    client.getLock().then(
      (next) => active && setStatus(next),
      (error: unknown) => active && setMessage({ text: describeSendError(error), error: true }),
    );
    return () => {
      active = false;
    };
  }, [client, lockMode]);

  /** Runs one lock action; says what happened; returns whether it worked. */
  async function act(
    run: () => Promise<ActionResult<LockStatus>>,
    done: MessageKey,
  ): Promise<boolean> {
    setBusy(true);
    setMessage(null);
    try {
      const result = await run();
      if (result.ok) {
        setStatus(result.value);
        setMessage({ text: t(done), error: false });
      } else {
        setMessage({ text: result.error.message, error: true });
      }
      return result.ok;
    } catch (error) {
      setMessage({ text: describeSendError(error), error: true });
      return false;
    } finally {
      setBusy(false);
    }
  }

  const mode = status?.mode ?? lockMode;
  return (
    <section aria-labelledby="security-heading" class="security" data-testid="security">
      <h3 id="security-heading">{t('securityTitle')}</h3>
      <p class="hint">{t('lockIntro')}</p>
      <p data-testid="lock-state" data-mode={mode}>
        <strong>{t(STATE_KEYS[mode])}</strong>
      </p>

      {mode === 'off' && (
        <TurnOnForm
          busy={busy}
          onSubmit={(passphrase) => act(() => client.turnOnLock({ passphrase }), 'lockTurnedOn')}
          onInvalid={(key) => setMessage({ text: t(key), error: true })}
        />
      )}

      {mode === 'locked' && (
        <UnlockForm
          idPrefix="options-unlock"
          unlock={async (passphrase) => {
            const result = await client.unlock({ passphrase });
            if (result.ok) setStatus(result.value);
            return result;
          }}
        />
      )}

      {mode === 'unlocked' && (
        <button
          type="button"
          disabled={busy}
          onClick={() => void act(() => client.lock(), 'lockLockedNow')}
        >
          {t('lockNow')}
        </button>
      )}

      {mode !== 'off' && status && (
        <>
          <div class="field">
            <label for="auto-lock">{t('lockAutoLabel')}</label>
            <select
              id="auto-lock"
              value={String(status.autoLockMin)}
              disabled={busy}
              aria-describedby="auto-lock-hint"
              onChange={(event) =>
                void act(
                  () => client.setAutoLock({ minutes: Number(event.currentTarget.value) }),
                  'lockAutoSaved',
                )
              }
            >
              {autoLockChoices(status.autoLockMin).map((minutes) => (
                <option key={minutes} value={String(minutes)}>
                  {minutes === 0 ? t('lockAutoNever') : t('lockAutoMinutes', minutes)}
                </option>
              ))}
            </select>
            <p id="auto-lock-hint" class="hint">
              {t('lockAutoHint')}
            </p>
          </div>
          <ChangeForm
            busy={busy}
            onSubmit={(current, next) =>
              act(() => client.changePassphrase({ current, next }), 'lockChanged')
            }
            onInvalid={(key) => setMessage({ text: t(key), error: true })}
          />
          {required ? (
            <p class="hint" data-testid="lock-required">
              {t('lockRequiredByPolicy')}
            </p>
          ) : (
            <RemoveForm
              busy={busy}
              onSubmit={(passphrase) => act(() => client.removeLock({ passphrase }), 'lockRemoved')}
            />
          )}
        </>
      )}

      {message && (
        <p class={message.error ? 'error' : 'muted'} role="status" data-testid="lock-result">
          {message.text}
        </p>
      )}
    </section>
  );
}

const STATE_KEYS: Record<LockMode, MessageKey> = {
  off: 'lockStateOff',
  locked: 'lockStateLocked',
  unlocked: 'lockStateUnlocked',
};

/** The offered choices, plus the stored one if it is not among them. */
function autoLockChoices(current: number): number[] {
  const choices: number[] = [...AUTO_LOCK_CHOICES];
  return choices.includes(current) ? choices : [...choices, current].sort((a, b) => a - b);
}

/** Two password fields that must agree; the form clears itself after each answer. */
function TurnOnForm({
  busy,
  onSubmit,
  onInvalid,
}: {
  busy: boolean;
  onSubmit: (passphrase: string) => Promise<boolean>;
  onInvalid: (key: MessageKey) => void;
}) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [understood, setUnderstood] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (first !== second) return onInvalid('lockMismatch');
    if (!understood) return onInvalid('lockMustUnderstand');
    await onSubmit(first);
    setFirst('');
    setSecond('');
  }

  return (
    <form class="lock-form" onSubmit={submit} data-testid="lock-turn-on">
      <PasswordField
        id="lock-new"
        label={t('lockNewPassphrase')}
        value={first}
        onInput={setFirst}
      />
      <PasswordField
        id="lock-repeat"
        label={t('lockRepeatPassphrase')}
        value={second}
        onInput={setSecond}
      />
      <p class="banner" id="lock-warning">
        {t('lockForgetWarning')}
      </p>
      <label class="choice">
        <input
          type="checkbox"
          checked={understood}
          aria-describedby="lock-warning"
          onChange={(event) => setUnderstood(event.currentTarget.checked)}
        />
        {t('lockUnderstand')}
      </label>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy || first === ''}>
          {t('lockTurnOn')}
        </button>
      </div>
    </form>
  );
}

function ChangeForm({
  busy,
  onSubmit,
  onInvalid,
}: {
  busy: boolean;
  onSubmit: (current: string, next: string) => Promise<boolean>;
  onInvalid: (key: MessageKey) => void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');

  async function submit(event: Event) {
    event.preventDefault();
    if (next !== repeat) return onInvalid('lockMismatch');
    await onSubmit(current, next);
    setCurrent('');
    setNext('');
    setRepeat('');
  }

  return (
    <details>
      <summary>{t('lockChangeTitle')}</summary>
      <form class="lock-form" onSubmit={submit} data-testid="lock-change">
        <PasswordField
          id="lock-change-current"
          label={t('lockCurrentPassphrase')}
          value={current}
          onInput={setCurrent}
        />
        <PasswordField
          id="lock-change-new"
          label={t('lockNewPassphrase')}
          value={next}
          onInput={setNext}
        />
        <PasswordField
          id="lock-change-repeat"
          label={t('lockRepeatPassphrase')}
          value={repeat}
          onInput={setRepeat}
        />
        <div class="form-actions">
          <button type="submit" disabled={busy || current === '' || next === ''}>
            {t('lockChange')}
          </button>
        </div>
      </form>
    </details>
  );
}

function RemoveForm({
  busy,
  onSubmit,
}: {
  busy: boolean;
  onSubmit: (passphrase: string) => Promise<boolean>;
}) {
  const [passphrase, setPassphrase] = useState('');

  async function submit(event: Event) {
    event.preventDefault();
    await onSubmit(passphrase);
    setPassphrase('');
  }

  return (
    <details>
      <summary>{t('lockRemoveTitle')}</summary>
      <form class="lock-form" onSubmit={submit} data-testid="lock-remove">
        <p class="hint">{t('lockRemoveExplain')}</p>
        <PasswordField
          id="lock-remove-passphrase"
          label={t('lockCurrentPassphrase')}
          value={passphrase}
          onInput={setPassphrase}
        />
        <div class="form-actions">
          <button type="submit" class="danger" disabled={busy || passphrase === ''}>
            {t('lockRemove')}
          </button>
        </div>
      </form>
    </details>
  );
}

/** A passphrase in the page's one field shape (TextField); a new one is marked `new-password`. */
function PasswordField({
  id,
  label,
  value,
  onInput,
}: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
}) {
  return (
    <TextField
      id={id}
      label={label}
      type="password"
      autocomplete={id.endsWith('-new') ? 'new-password' : 'off'}
      value={value}
      onInput={(event) => onInput(event.currentTarget.value)}
    />
  );
}
