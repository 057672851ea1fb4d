import { useState } from 'preact/hooks';

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
      <p>Register this redirect URI at the provider:</p>
      <div class="redirect-row">
        <code data-testid="redirect-uri">{url ?? '…'}</code>
        <button type="button" onClick={copy} disabled={url === null}>
          Copy
        </button>
        <span role="status" class="muted">
          {copied === 'copied' && 'Copied'}
          {copied === 'failed' && 'Copy failed — select the text and copy it.'}
        </span>
      </div>
    </div>
  );
}
