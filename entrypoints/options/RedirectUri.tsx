import { useState } from 'preact/hooks';
import { t } from '@/components/i18n';

/** Props for {@link RedirectUri}. */
export interface RedirectUriProps {
  /** The URI, or null while it loads. */
  url: string | null;
  /** Copies text to the clipboard; defaults to the Clipboard API. */
  copyText?: (text: string) => Promise<void>;
}

const clipboardCopy = (text: string) => navigator.clipboard.writeText(text);

/** The redirect URI a person must allow at the provider, with a Copy button. */
export function RedirectUri({ url, copyText = clipboardCopy }: RedirectUriProps) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    if (url === null) return;
    try {
      await copyText(url);
      setCopied('copied');
    } catch {
      // Clipboard access can be refused; the URI is selectable text, so say how to copy it by hand.
      setCopied('failed');
    }
  }

  return (
    <div class="redirect-uri">
      <p>{t('redirectUriIntro')}</p>
      <div class="redirect-row">
        <code data-testid="redirect-uri">{url ?? '…'}</code>
        <button type="button" onClick={copy} disabled={url === null}>
          {t('redirectUriCopy')}
        </button>
        <span role="status" class="muted">
          {copied === 'copied' && t('redirectUriCopied')}
          {copied === 'failed' && t('redirectUriCopyFailed')}
        </span>
      </div>
    </div>
  );
}
