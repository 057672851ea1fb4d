import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionResult } from '@/utils/messaging';
import type { ConnectionStatus } from '@/utils/model';
import { t, type MessageKey } from '@/components/i18n';
import { describeSendError } from '@/components/workerClient';
import { presetOf } from '@/utils/providers';
import { ensureOrigins, type RequestOrigins } from './hostPermissions';

/** Props for {@link ConnectionControls}. */
export interface ConnectionControlsProps {
  connection: ConnectionStatus;
  onConnect: (connectionId: string) => Promise<ActionResult<ConnectionStatus>>;
  onDisconnect: (connectionId: string) => Promise<ActionResult>;
  onRemove: (connectionId: string) => Promise<ActionResult>;
  /** Asks for host access to the provider's endpoints before connecting. */
  requestOrigins: RequestOrigins;
  /** Opens the edit form; absent for a managed connection (the worker refuses an edit too). */
  onEdit?: () => void;
  /** Whether the edit form is open (the button then says so to assistive tech). */
  editing?: boolean;
}

type Action = 'connect' | 'disconnect' | 'remove';

type ControlsView =
  | { phase: 'idle' }
  | { phase: 'pending'; action: Action }
  | { phase: 'done'; ok: boolean; text: string };

const PENDING_TEXT: Record<Action, MessageKey> = {
  connect: 'connectPending',
  disconnect: 'disconnectPending',
  remove: 'removePending',
};

/** The options page's buttons for one connection: Connect/Reconnect, Disconnect, Remove. */
export function ConnectionControls({
  connection,
  onConnect,
  onDisconnect,
  onRemove,
  requestOrigins,
  onEdit,
  editing = false,
}: ConnectionControlsProps) {
  const [view, setView] = useState<ControlsView>({ phase: 'idle' });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const { state } = connection;
  const noteKey = presetOf(connection.provider)?.disconnectNote;
  const disconnectNote = noteKey ? t(noteKey) : undefined;
  // A partial grant is fixed by consenting again, with the missing scopes allowed this time.
  const canConnect =
    state === 'new' || state === 'needs-reconnect' || connection.missingScopes !== undefined;
  // Anything past 'new' may hold tokens worth revoking, including a connection that needs reconnecting.
  const connected = state !== 'new';
  const pending = view.phase === 'pending';

  async function run(action: Action) {
    setView({ phase: 'pending', action });
    let next: ControlsView;
    try {
      next = await perform(action);
    } catch (error) {
      next = { phase: 'done', ok: false, text: describeSendError(error) };
    }
    // Remove unmounts the card on the next snapshot; nothing left to update then.
    if (mounted.current) setView(next);
  }

  async function perform(action: Action): Promise<ControlsView> {
    if (action === 'connect') {
      // Asked first, while the click still counts as a user gesture.
      const { endpoints } = connection;
      const access = await ensureOrigins(requestOrigins, [
        endpoints.token,
        endpoints.revocation,
        endpoints.userinfo,
      ]);
      if (!access.ok) return { phase: 'done', ok: false, text: access.message };
      const result = await onConnect(connection.id);
      if (!result.ok) return { phase: 'done', ok: false, text: result.error.message };
      const account = result.value.account;
      return {
        phase: 'done',
        ok: true,
        text: account ? t('connectedAs', account) : t('connectedDone'),
      };
    }
    const result = await (action === 'disconnect' ? onDisconnect : onRemove)(connection.id);
    if (!result.ok) return { phase: 'done', ok: false, text: result.error.message };
    return {
      phase: 'done',
      ok: true,
      text:
        action === 'disconnect'
          ? [t('disconnectedDone'), disconnectNote].filter(Boolean).join(' ')
          : t('removedDone'),
    };
  }

  return (
    <>
      {canConnect && (
        <button
          type="button"
          class="primary"
          onClick={() => run('connect')}
          disabled={pending}
          aria-busy={pending && view.action === 'connect'}
        >
          {state === 'new' ? t('actionConnect') : t('actionReconnect')}
        </button>
      )}
      {connected && (
        <button
          type="button"
          onClick={() => run('disconnect')}
          disabled={pending}
          {...(disconnectNote ? { title: disconnectNote } : {})}
        >
          {t('actionDisconnect')}
        </button>
      )}
      {!connection.managed && onEdit && (
        <button type="button" onClick={onEdit} disabled={pending} aria-expanded={editing}>
          {t('actionEdit')}
        </button>
      )}
      {/* The organisation deploys a managed connection; only its policy removes it (the worker refuses too). */}
      {!connection.managed && (
        <button type="button" class="danger" onClick={() => run('remove')} disabled={pending}>
          {t('actionRemove')}
        </button>
      )}
      <p
        class={view.phase === 'done' && !view.ok ? 'action-status error' : 'action-status'}
        role="status"
        data-testid="connection-action-status"
      >
        {view.phase === 'pending' && t(PENDING_TEXT[view.action])}
        {view.phase === 'done' && view.text}
      </p>
    </>
  );
}
