import { useRef, useState } from 'preact/hooks';
import type { ActionResult, HistoryExport, ImportPreview, ImportResult } from '@/utils/messaging';
import { saveFile } from '@/components/download';
import { t } from '@/components/i18n';
import { providerLabel } from '@/components/labels';
import { describeSendError } from '@/components/workerClient';

/** Props for {@link SetupTransfer}. */
export interface SetupTransferProps {
  exportSetups: () => Promise<HistoryExport>;
  previewImport: (text: string) => Promise<ImportPreview>;
  importSetups: (text: string) => Promise<ActionResult<ImportResult>>;
  /** Whether the person may add connections (the organisation may have turned that off). */
  importAllowed: boolean;
  /** Saves a file; tests pass a fake. */
  save?: (fileName: string, mimeType: string, content: string) => void;
}

type View =
  | { phase: 'idle' }
  | { phase: 'busy' }
  | { phase: 'preview'; text: string; preview: ImportPreview }
  | { phase: 'done'; ok: boolean; text: string };

/**
 * Export and import of connection set-ups (no secret, no token), for sharing with a team: an import
 * first shows what it will add and what it will not, and why, entry by entry.
 */
export function SetupTransfer({
  exportSetups,
  previewImport,
  importSetups,
  importAllowed,
  save = saveFile,
}: SetupTransferProps) {
  const [view, setView] = useState<View>({ phase: 'idle' });
  const picker = useRef<HTMLInputElement>(null);

  async function run(work: () => Promise<View>) {
    setView({ phase: 'busy' });
    try {
      setView(await work());
    } catch (error) {
      setView({ phase: 'done', ok: false, text: describeSendError(error) });
    }
  }

  const exportNow = () =>
    run(async () => {
      const file = await exportSetups();
      save(file.fileName, file.mimeType, file.content);
      return { phase: 'done', ok: true, text: t('setupsExported', file.count) };
    });

  const choose = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    void run(async () => {
      const text = await file.text();
      return { phase: 'preview', text, preview: await previewImport(text) };
    });
  };

  const confirm = (text: string) =>
    run(async () => {
      const result = await importSetups(text);
      if (!result.ok) return { phase: 'done', ok: false, text: result.error.message };
      return { phase: 'done', ok: true, text: t('setupsImported', result.value.added.length) };
    });

  const adding =
    view.phase === 'preview'
      ? view.preview.entries.filter((entry) => entry.ok && !entry.duplicate).length
      : 0;

  return (
    <section class="setups" aria-labelledby="setups-heading" data-testid="setup-transfer">
      <h3 id="setups-heading">{t('setupsTitle')}</h3>
      <p class="hint">{t('setupsHint')}</p>
      <div class="form-actions">
        <button type="button" onClick={exportNow} disabled={view.phase === 'busy'}>
          {t('setupsExport')}
        </button>
        {importAllowed && (
          <>
            {/* A real button opens the file chooser: a bare file input reads badly and looks foreign. */}
            <button
              type="button"
              onClick={() => picker.current?.click()}
              disabled={view.phase === 'busy'}
            >
              {t('setupsImport')}
            </button>
            <input
              ref={picker}
              type="file"
              accept="application/json,.json"
              hidden
              onChange={choose}
              data-testid="setups-file"
            />
          </>
        )}
      </div>

      {view.phase === 'preview' && (
        <div class="import-preview" data-testid="import-preview">
          {view.preview.error ? (
            <p class="error" role="alert">
              {view.preview.error}
            </p>
          ) : (
            <>
              <p>{t('setupsPreviewTitle', adding)}</p>
              <ul>
                {view.preview.entries.map((entry) => (
                  <li
                    key={entry.index}
                    data-testid="import-entry"
                    data-ok={entry.ok && !entry.duplicate ? 'true' : 'false'}
                  >
                    {entry.ok ? (
                      <>
                        <strong>{entry.label}</strong> · {providerLabel(entry.provider)}
                        {entry.duplicate && ` — ${t('setupsDuplicate')}`}
                        {!entry.duplicate && entry.needsSecret && ` — ${t('setupsNeedsSecret')}`}
                      </>
                    ) : (
                      <span class="error">
                        {t('setupsInvalid', entry.index + 1, entry.message)}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          <div class="form-actions">
            {adding > 0 && (
              <button type="button" class="primary" onClick={() => confirm(view.text)}>
                {t('setupsConfirm', adding)}
              </button>
            )}
            <button type="button" onClick={() => setView({ phase: 'idle' })}>
              {t('editCancel')}
            </button>
          </div>
        </div>
      )}
      <p
        class={view.phase === 'done' && !view.ok ? 'outcome error' : 'outcome'}
        role="status"
        data-testid="setups-outcome"
      >
        {view.phase === 'done' && view.text}
      </p>
    </section>
  );
}
