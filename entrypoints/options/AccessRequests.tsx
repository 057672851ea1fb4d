import { useEffect, useState } from 'preact/hooks';
import { t } from '@/components/i18n';
import { tNodes } from '@/components/tNodes';
import { providerLabel } from '@/components/labels';
import { describeSendError } from '@/components/workerClient';
import type { AccessDecision, ActionResult } from '@/utils/messaging';
import type { AccessRequest, ConnectionStatus } from '@/utils/model';

/** Props for {@link AccessRequests}. */
export interface AccessRequestsProps {
  /** How many requests wait, from the status (the list is read only when there are some). */
  count: number;
  /** Changes whenever the worker reports a change: the list is read again. */
  refreshKey: number;
  connections: Pick<ConnectionStatus, 'id' | 'label' | 'provider' | 'managed'>[];
  load(): Promise<AccessRequest[]>;
  decide(extensionId: string, decision: AccessDecision): Promise<ActionResult>;
}

/**
 * Other extensions asking for tokens: the id the browser reported, the name and reason only as the
 * extension claims them (text, never markup), and the person's choice of connections or a refusal.
 */
export function AccessRequests({
  count,
  refreshKey,
  connections,
  load,
  decide,
}: AccessRequestsProps) {
  const [requests, setRequests] = useState<AccessRequest[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (count === 0) {
      setRequests([]);
      return;
    }
    let active = true;
    load().then(
      (list) => active && setRequests(list),
      (failure: unknown) => active && setError(describeSendError(failure)),
    );
    return () => {
      active = false;
    };
  }, [count, refreshKey, load]);

  if (requests.length === 0 && !error) return null;
  return (
    <section class="access-requests" aria-labelledby="access-requests-heading">
      <h3 id="access-requests-heading">{t('accessRequestsTitle', requests.length)}</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="cards">
        {requests.map((request) => (
          <li key={request.extensionId}>
            <RequestCard request={request} connections={connections} decide={decide} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One request: who (as claimed), why (as claimed), and the connections to allow. */
function RequestCard({
  request,
  connections,
  decide,
}: {
  request: AccessRequest;
  connections: AccessRequestsProps['connections'];
  decide: AccessRequestsProps['decide'];
}) {
  // The organisation alone decides who gets a managed connection's token.
  const choosable = connections.filter((c) => !c.managed);
  const named = connections.find((c) => c.id === request.connectionId);
  const [chosen, setChosen] = useState<string[]>(() => (named && !named.managed ? [named.id] : []));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function answer(decision: AccessDecision) {
    setBusy(true);
    setError(null);
    try {
      const result = await decide(request.extensionId, decision);
      // Done: the next status removes the card.
      if (!result.ok) setError(result.error.message);
    } catch (failure) {
      setError(describeSendError(failure));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (id: string, on: boolean) =>
    setChosen((current) => (on ? [...current, id] : current.filter((other) => other !== id)));
  const asked = named
    ? named.label
    : request.provider
      ? t('accessAskedProvider', providerLabel(request.provider))
      : t('accessAskedAny');
  const legendId = `access-for-${request.extensionId}`;
  return (
    <article
      class="card access-request"
      data-testid="access-request"
      data-extension-id={request.extensionId}
    >
      <p class="access-claim">
        {tNodes(
          'accessClaimsToBe',
          <strong data-testid="claimed-name">{request.claimedName}</strong>,
        )}{' '}
        <span class="claimed-mark">{t('accessClaimedMark')}</span>
      </p>
      <p>{tNodes('accessExtensionId', <code>{request.extensionId}</code>)}</p>
      <p>{tNodes('accessReason', <q data-testid="claimed-reason">{request.reason}</q>)}</p>
      <p class="hint">{t('accessAskedFor', asked)}</p>
      {named?.managed && <p class="hint">{t('accessNamedManaged')}</p>}
      {choosable.length === 0 ? (
        <p class="hint">{t('accessNothingToAllow')}</p>
      ) : (
        <fieldset class="field" aria-labelledby={legendId}>
          <legend id={legendId}>{t('accessChoose')}</legend>
          {choosable.map((connection) => (
            <label class="choice" key={connection.id}>
              <input
                type="checkbox"
                checked={chosen.includes(connection.id)}
                onChange={(event) =>
                  toggle(connection.id, (event.currentTarget as HTMLInputElement).checked)
                }
              />
              {connection.label} ({providerLabel(connection.provider)})
            </label>
          ))}
        </fieldset>
      )}
      <div class="form-actions">
        <button
          type="button"
          class="primary"
          disabled={busy || chosen.length === 0}
          onClick={() => void answer({ allow: chosen })}
        >
          {t('accessAllow')}
        </button>
        <button type="button" disabled={busy} onClick={() => void answer({ deny: true })}>
          {t('accessDeny')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}
