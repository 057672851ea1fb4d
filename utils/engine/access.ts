import * as v from 'valibot';
import type {
  AccessTokenAnswer,
  GetAccessTokenRequest,
  RequestAccessAnswer,
} from '../../client/token-keeper-client';
import type { ActionResult, Connection, HistoryEvent, StoredError } from '../model';
import { commit } from '../store/commit';
import { recordTokenIssued } from '../store/history';
import {
  createAccessRequests,
  type AccessRequestAlerts,
  type AccessRequests,
} from './access-requests';
import { createCallerLimit } from './caller-limit';
import { getConnection } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import type { Clock, Locks } from './deps';
import { describeInvalid, ExternalRequestSchema } from './external-messages';
import { MANAGED_REFUSAL } from './lifecycle';

/** A Chrome/Edge extension id: 32 letters a–p. */
export const ExtensionIdSchema = v.pipe(
  v.string('An extension id must be text.'),
  v.trim(),
  v.regex(
    /^[a-p]{32}$/,
    'An extension id is 32 letters from a to p, as shown on the extensions page.',
  ),
);

/** The answer another extension gets: never a refresh token or secret. */
export type ExternalResponse = AccessTokenAnswer | RequestAccessAnswer;

/** The same answer whether the connection is unknown or the caller not allowed: existence is not revealed. */
const NOT_ALLOWED: { ok: false; error: StoredError } = {
  ok: false,
  error: {
    code: 'not_allowed',
    message: 'This extension is not allowed to get tokens for that connection from Token Keeper.',
  },
};

/** Most extensions one connection may give its token to. */
export const MAX_ALLOWED_EXTENSIONS = 20;

/** What the access rules need. */
export interface AccessDeps {
  db: TokenKeeperDb;
  clock: Clock;
  locks: Locks;
  /** Gets a token valid for at least `minValiditySec` through the single flight. */
  accessToken(
    connectionId: string,
    minValiditySec: number,
  ): Promise<
    | { ok: true; value: { accessToken: string; expiresAt: number } }
    | { ok: false; error: StoredError }
  >;
  /** Tells the person that another extension asks for access. */
  alerts?: AccessRequestAlerts | undefined;
  /** Tells pages something changed (the services send one status snapshot per burst). */
  changed?: () => void;
}

/** Who may get which token from outside, and the answering of those requests. */
export interface Access {
  allowed(connectionId: string): Promise<string[]>;
  setAllowed(connectionId: string, extensionIds: unknown): Promise<ActionResult<string[]>>;
  /** Adds one extension to each of these connections' allow-lists (an accepted request). */
  grant(extensionId: string, connectionIds: string[]): Promise<ActionResult<string[]>>;
  /** Other extensions' requests for access, waiting for the person. */
  requests: AccessRequests;
  answerExternal(message: unknown, callerId: string | undefined): Promise<ExternalResponse>;
}

const failure = (code: string, message: string) => ({
  ok: false as const,
  error: { code, message },
});

/** Builds the access rules (R7: allowed extension ids, per connection, off by default). */
export function createAccess(deps: AccessDeps): Access {
  const limit = createCallerLimit();

  async function allowed(connectionId: string): Promise<string[]> {
    return (await getConnection(deps.db, connectionId))?.allowedExtensions ?? [];
  }

  /** Rewrites one connection's allow-list from its current one; grants and revocations go to history. */
  function change(
    connectionId: string,
    next: (before: string[]) => string[] | StoredError,
  ): Promise<ActionResult<string[]>> {
    // The refresher rewrites whole connection records under this lock: take it to lose no update.
    return deps.locks.request(`refresh:${connectionId}`, async () => {
      const connection = await getConnection(deps.db, connectionId);
      if (!connection) return failure('not_found', 'This connection no longer exists.');
      // The organisation fixes who may get a managed connection's token (docs/admin.md).
      if (connection.managed) return { ok: false as const, error: MANAGED_REFUSAL };
      const before = connection.allowedExtensions ?? [];
      const wanted = next(before);
      if (!Array.isArray(wanted)) return { ok: false as const, error: wanted };
      if (wanted.length > MAX_ALLOWED_EXTENSIONS)
        return failure('invalid_input', `At most ${MAX_ALLOWED_EXTENSIONS} extensions.`);
      const now = deps.clock.now();
      const event = (kind: HistoryEvent['kind'], caller: string): HistoryEvent => ({
        connectionId,
        at: now,
        kind,
        ok: true,
        caller,
      });
      const events = [
        ...wanted.filter((id) => !before.includes(id)).map((id) => event('access-granted', id)),
        ...before.filter((id) => !wanted.includes(id)).map((id) => event('access-revoked', id)),
      ];
      const updated: Connection = { ...connection, allowedExtensions: wanted, updatedAt: now };
      await commit(deps.db, { connections: [updated], events });
      deps.changed?.();
      return { ok: true as const, value: wanted };
    });
  }

  async function setAllowed(connectionId: string, extensionIds: unknown) {
    const parsed = v.safeParse(
      v.pipe(
        v.array(v.pipe(v.string('An extension id must be text.'), v.trim(), v.maxLength(255))),
        v.maxLength(MAX_ALLOWED_EXTENSIONS, `At most ${MAX_ALLOWED_EXTENSIONS} extensions.`),
      ),
      extensionIds,
    );
    if (!parsed.success)
      return failure('invalid_input', parsed.issues[0]?.message ?? 'Invalid list.');
    const wanted = [...new Set(parsed.output)];
    return change(connectionId, (before) => {
      // A typed id must look like one; an id already listed came from the browser (an accepted request,
      // which may be a Firefox id) and may stay.
      for (const id of wanted.filter((id) => !before.includes(id))) {
        const typed = v.safeParse(ExtensionIdSchema, id);
        if (!typed.success)
          return { code: 'invalid_input', message: typed.issues[0]?.message ?? 'Invalid id.' };
      }
      return wanted;
    });
  }

  async function grant(extensionId: string, connectionIds: string[]) {
    const chosen = [...new Set(connectionIds)];
    if (chosen.length === 0) return failure('invalid_input', 'Choose at least one connection.');
    // All or none, as far as can be known up front: a managed or vanished one refuses the whole answer.
    for (const id of chosen) {
      const connection = await getConnection(deps.db, id);
      if (!connection) return failure('not_found', 'This connection no longer exists.');
      if (connection.managed) return { ok: false as const, error: MANAGED_REFUSAL };
    }
    for (const id of chosen) {
      const added = await change(id, (before) =>
        before.includes(extensionId) ? before : [...before, extensionId],
      );
      if (!added.ok) return added;
    }
    return { ok: true as const, value: chosen };
  }

  const requests = createAccessRequests({
    db: deps.db,
    clock: deps.clock,
    locks: deps.locks,
    grant,
    alerts: deps.alerts,
    changed: deps.changed,
  });

  async function answerExternal(
    message: unknown,
    callerId: string | undefined,
  ): Promise<ExternalResponse> {
    const parsed = v.safeParse(ExternalRequestSchema, message);
    if (!parsed.success)
      return { ok: false, error: { code: 'invalid_request', message: describeInvalid(message) } };
    if (!callerId) return NOT_ALLOWED;
    const request = parsed.output;
    if (request.type === 'requestAccess') {
      // Every request costs one from the same allowance as a token: asking cannot be hammered either.
      const waitSec = limit.take(callerId, deps.clock.now());
      return waitSec > 0 ? rateLimited(waitSec) : requests.request(callerId, request);
    }
    return answerToken(request, callerId);
  }

  async function answerToken(
    request: GetAccessTokenRequest,
    callerId: string,
  ): Promise<AccessTokenAnswer> {
    if (!(await allowed(request.connectionId)).includes(callerId)) return NOT_ALLOWED;
    const waitSec = limit.take(callerId, deps.clock.now());
    if (waitSec > 0) return rateLimited(waitSec);
    const result = await deps.accessToken(request.connectionId, request.minValiditySeconds ?? 60);
    // Best effort, and one row per caller per 10 minutes however often it asks.
    await recordTokenIssued(deps.db, {
      connectionId: request.connectionId,
      at: deps.clock.now(),
      kind: 'token-issued',
      ok: result.ok,
      caller: callerId,
      ...(result.ok ? { expiresAt: result.value.expiresAt } : { error: result.error }),
    });
    deps.changed?.();
    if (!result.ok) return { ok: false, error: result.error };
    return {
      ok: true,
      accessToken: result.value.accessToken,
      tokenType: 'Bearer',
      expiresAt: result.value.expiresAt,
    };
  }

  return { allowed, setAllowed, grant, requests, answerExternal };
}

/** Too many requests from one extension: when to ask again. */
function rateLimited(waitSec: number): { ok: false; error: StoredError } {
  return {
    ok: false,
    error: {
      code: 'rate_limited',
      message: `Too many requests from this extension: ask again in ${waitSec} s, and keep the token until shortly before it expires.`,
    },
  };
}
