import type { ConnectionState, ConnectionStatus } from '@/utils/model';

/** States where the person has to act (or at least look): no token yet, failing, or dead. */
const ATTENTION_STATES: ReadonlySet<ConnectionState> = new Set([
  'new',
  'retrying',
  'needs-reconnect',
]);

/** Whether a connection in this state needs the person's attention. */
export function needsAttention(state: ConnectionState): boolean {
  return ATTENTION_STATES.has(state);
}

/** The popup's one-line answer to "are my connections healthy?". */
export function summarize(connections: readonly Pick<ConnectionStatus, 'state'>[]): string {
  const total = connections.length;
  if (total === 0) return 'No connections yet';
  const attention = connections.filter((c) => needsAttention(c.state)).length;
  if (attention > 0) return `${attention} ${attention === 1 ? 'needs' : 'need'} attention`;
  const disabled = connections.filter((c) => c.state === 'disabled').length;
  const working = total - disabled;
  if (disabled === 0) {
    return total === 1 ? 'Your connection is healthy' : `All ${total} connections healthy`;
  }
  if (working === 0)
    return total === 1 ? 'Your connection is disabled' : `All ${total} connections disabled`;
  return `${working} healthy, ${disabled} disabled`;
}
