import { useState } from 'preact/hooks';
import { t } from '@/components/i18n';
import { describeSendError } from '@/components/workerClient';
import type { ActionResult } from '@/utils/messaging';

/** Props for {@link RemoveAllData}. */
export interface RemoveAllDataProps {
  wipeAllData(): Promise<ActionResult<{ connections: number }>>;
}

/** "Remove all data", in two steps (no `window.confirm`: it cannot be styled, tested or read well). */
export function RemoveAllData({ wipeAllData }: RemoveAllDataProps) {
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function wipe() {
    setStep('busy');
    try {
      const result = await wipeAllData();
      setMessage(
        result.ok
          ? { text: t('wipeDone', result.value.connections), error: false }
          : { text: result.error.message, error: true },
      );
    } catch (failure) {
      setMessage({ text: describeSendError(failure), error: true });
    }
    setStep('idle');
  }

  return (
    <div class="danger-zone" data-testid="remove-all-data">
      <h3>{t('wipeTitle')}</h3>
      <p class="hint">{t('wipeExplain')}</p>
      {step === 'idle' && (
        <button type="button" class="danger" onClick={() => setStep('confirm')}>
          {t('wipeStart')}
        </button>
      )}
      {step !== 'idle' && (
        <div role="group" aria-label={t('wipeTitle')}>
          <p role="alert">{t('wipeConfirmQuestion')}</p>
          <button
            type="button"
            class="danger"
            disabled={step === 'busy'}
            onClick={() => void wipe()}
          >
            {t('wipeConfirm')}
          </button>{' '}
          <button type="button" disabled={step === 'busy'} onClick={() => setStep('idle')}>
            {t('cancel')}
          </button>
        </div>
      )}
      {message && (
        <p class={message.error ? 'error' : 'muted'} role="status" data-testid="wipe-result">
          {message.text}
        </p>
      )}
    </div>
  );
}
