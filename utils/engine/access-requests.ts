// Other extensions ask for access instead of the person copying ids (docs/integration.md#asking-for-access).
// A request waits for the person; one per extension; a declined one is refused quietly for a cool-down.
import type { RequestAccessAnswer } from '../../client/token-keeper-client';
import {
  ANY_CONNECTION,
  type AccessRequest,
  type ActionResult,
  type HistoryEvent,
  type StoredError,
} from '../model';
import {
  commitAccessRequest,
  getAccessRequest,
  listAccessRequests,
} from '../store/access-requests';
import { getConnection, listConnections } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import { errorName } from '../error-text';
import type { Clock, Locks } from './deps';
import type { ValidRequestAccess } from './external-messages';
import { allowedConnection, allows } from './push';

/** How long a declined extension's requests are refused without bothering the person again. */
export const DENIAL_COOLDOWN_MS = 24 * 3_600_000;

/** Requests waiting at once, from all extensions together; beyond, new ones are refused. */
export const MAX_PENDING_REQUESTS = 10;

/** Tells the person that a request arrived (a browser notification), and takes it back once answered. */
export interface AccessRequestAlerts {
  show(request: AccessRequest): Promise<void>;
  clear(extensionId: string): Promise<void>;
}

/** The person's answer to one request. */
export type AccessDecision = { allow: string[] } | { deny: true };

/** What the requests need. */
export interface AccessRequestsDeps {
  db: TokenKeeperDb;
  clock: Clock;
  locks: Locks;
  /** Adds the extension to these connections' allow-lists (refusing managed ones), with history. */
  grant(extensionId: string, connectionIds: string[]): Promise<ActionResult<string[]>>;
  alerts?: AccessRequestAlerts | undefined;
  /** Tells pages something changed (the services send one status snapshot per burst). */
  changed?: (() => void) | undefined;
}

/** Other extensions' requests and the person's answers. */
export interface AccessRequests {
  /** Another extension asks (its id from the browser, the rest validated and cleaned). */
  request(callerId: string, request: ValidRequestAccess): Promise<RequestAccessAnswer>;
  /** The requests waiting for the person, oldest first. */
  pending(): Promise<AccessRequest[]>;
  /** Allows the extension for the chosen connections, or declines it. */
  decide(extensionId: string, decision: AccessDecision): Promise<ActionResult>;
}

/** What to do with a request, given what is stored. Pure. */
export type RequestVerdict =
  | { kind: 'allowed' }
  | { kind: 'pending' }
  | { kind: 'denied'; retryAt: number }
  | { kind: 'full' }
  | { kind: 'record' };

/** Decides a request: already allowed, already waiting, declined lately, too many waiting, or new. */
export function judgeRequest(input: {
  granted: boolean;
  existing: AccessRequest | undefined;
  /** Requests of other extensions waiting now. */
  othersPending: number;
  now: number;
}): RequestVerdict {
  if (input.granted) return { kind: 'allowed' };
  const existing = input.existing;
  if (existing?.status === 'pending') return { kind: 'pending' };
  if (existing?.status === 'denied') {
    const retryAt = (existing.deniedAt ?? existing.requestedAt) + DENIAL_COOLDOWN_MS;
    if (input.now < retryAt) return { kind: 'denied', retryAt };
  }
  if (input.othersPending >= MAX_PENDING_REQUESTS) return { kind: 'full' };
  return { kind: 'record' };
}

const ALREADY_ANSWERED: StoredError = {
  code: 'not_found',
  message: 'This request was already answered or withdrawn.',
};

/** Builds the requests (one at a time, so a burst of the same request records it once). */
export function createAccessRequests(deps: AccessRequestsDeps): AccessRequests {
  const serial = <T>(work: () => Promise<T>) => deps.locks.request('access-requests', work);

  /** The history row's connection: the one the request named, when it exists. */
  async function rowFor(request: Pick<AccessRequest, 'connectionId'>): Promise<string> {
    const id = request.connectionId;
    return id !== undefined && (await getConnection(deps.db, id)) ? id : ANY_CONNECTION;
  }

  function request(callerId: string, message: ValidRequestAccess): Promise<RequestAccessAnswer> {
    return serial(async () => {
      const now = deps.clock.now();
      const mine = (await listConnections(deps.db)).filter((c) => allows(c, callerId));
      const granted =
        message.connectionId !== undefined
          ? mine.some((c) => c.id === message.connectionId)
          : mine.some((c) => message.provider === undefined || c.provider === message.provider);
      const stored = await listAccessRequests(deps.db);
      const verdict = judgeRequest({
        granted,
        existing: stored.find((r) => r.extensionId === callerId),
        othersPending: stored.filter((r) => r.status === 'pending' && r.extensionId !== callerId)
          .length,
        now,
      });
      switch (verdict.kind) {
        case 'allowed':
          return { ok: true, status: 'allowed', connections: mine.map(allowedConnection) };
        case 'pending':
          return { ok: true, status: 'pending' };
        case 'denied':
          // Quiet: no notification, no row, nothing stored; the caller learns when it may ask again.
          return {
            ok: false,
            error: {
              code: 'denied',
              message: `The person declined this extension's request; ask again after ${new Date(verdict.retryAt).toISOString()}.`,
            },
          };
        case 'full':
          return {
            ok: false,
            error: {
              code: 'rate_limited',
              message: 'Too many extensions are waiting for an answer already; ask again later.',
            },
          };
        case 'record':
          break;
      }
      const record: AccessRequest = {
        extensionId: callerId,
        claimedName: message.name,
        reason: message.reason,
        ...(message.connectionId !== undefined ? { connectionId: message.connectionId } : {}),
        ...(message.provider !== undefined ? { provider: message.provider } : {}),
        requestedAt: now,
        status: 'pending',
      };
      const event: HistoryEvent = {
        connectionId: await rowFor(record),
        at: now,
        kind: 'access-requested',
        ok: true,
        caller: callerId,
      };
      await commitAccessRequest(deps.db, { put: record }, [event]);
      await deps.alerts?.show(record).catch((error: unknown) => {
        console.warn('Access request notification failed', errorName(error));
      });
      deps.changed?.();
      return { ok: true, status: 'pending' };
    });
  }

  async function pending(): Promise<AccessRequest[]> {
    return (await listAccessRequests(deps.db)).filter((r) => r.status === 'pending');
  }

  function decide(extensionId: string, decision: AccessDecision): Promise<ActionResult> {
    return serial(async () => {
      const stored = await getAccessRequest(deps.db, extensionId);
      if (stored?.status !== 'pending') return { ok: false, error: ALREADY_ANSWERED };
      const now = deps.clock.now();
      if ('allow' in decision) {
        // The grants are the connections' allow-lists (one truth); the request itself is done with.
        const granted = await deps.grant(extensionId, decision.allow);
        if (!granted.ok) return granted;
        await commitAccessRequest(deps.db, { remove: extensionId }, []);
      } else {
        const event: HistoryEvent = {
          connectionId: await rowFor(stored),
          at: now,
          kind: 'access-denied',
          ok: true,
          caller: extensionId,
        };
        await commitAccessRequest(
          deps.db,
          { put: { ...stored, status: 'denied', deniedAt: now } },
          [event],
        );
      }
      await deps.alerts?.clear(extensionId).catch(() => undefined);
      deps.changed?.();
      return { ok: true, value: undefined };
    });
  }

  return { request, pending, decide };
}
