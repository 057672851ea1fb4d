import * as v from 'valibot';
import type { Connection, HistoryEvent, StoredError } from '../model';
import { commit } from '../store/commit';
import { recordTokenIssued } from '../store/history';
import { createCallerLimit } from './caller-limit';
import { getConnection } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import type { Clock, Locks } from './deps';
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

/** What another extension sends through `runtime.sendMessage(TOKEN_KEEPER_ID, …)`. */
export const ExternalRequestSchema = v.strictObject({
  type: v.literal('getAccessToken'),
  connectionId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  minValiditySeconds: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400)),
  ),
});

/** The answer another extension gets: an access token (never a refresh token or secret), or why not. */
export type ExternalResponse =
  | { ok: true; accessToken: string; tokenType: 'Bearer'; expiresAt: number }
  | { ok: false; error: StoredError };

/** The same answer whether the connection is unknown or the caller not allowed: existence is not revealed. */
const NOT_ALLOWED: ExternalResponse = {
  ok: false,
  error: {
    code: 'not_allowed',
    message: 'This extension is not allowed to get tokens for that connection from Token Keeper.',
  },
};

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
  onChange?: () => void;
}

/** Who may get which token from outside, and the answering of those requests. */
export interface Access {
  allowed(connectionId: string): Promise<string[]>;
  setAllowed(
    connectionId: string,
    extensionIds: unknown,
  ): Promise<{ ok: true; value: string[] } | { ok: false; error: StoredError }>;
  answerExternal(message: unknown, callerId: string | undefined): Promise<ExternalResponse>;
}

/** Builds the access rules (R7: allow-listed extension ids, per connection, off by default). */
export function createAccess(deps: AccessDeps): Access {
  const limit = createCallerLimit();

  async function allowed(connectionId: string): Promise<string[]> {
    return (await getConnection(deps.db, connectionId))?.allowedExtensions ?? [];
  }

  async function setAllowed(connectionId: string, extensionIds: unknown) {
    const parsed = v.safeParse(
      v.pipe(v.array(ExtensionIdSchema), v.maxLength(20, 'At most 20 extensions.')),
      extensionIds,
    );
    if (!parsed.success) {
      return {
        ok: false as const,
        error: { code: 'invalid_input', message: parsed.issues[0]?.message ?? 'Invalid list.' },
      };
    }
    const wanted = [...new Set(parsed.output)];
    // The refresher rewrites whole connection records under this lock: take it to lose no update.
    return deps.locks.request(`refresh:${connectionId}`, async () => {
      const connection = await getConnection(deps.db, connectionId);
      if (!connection) {
        return {
          ok: false as const,
          error: { code: 'not_found', message: 'This connection no longer exists.' },
        };
      }
      // The organisation fixes who may get a managed connection's token (docs/admin.md).
      if (connection.managed) return { ok: false as const, error: MANAGED_REFUSAL };
      const before = connection.allowedExtensions ?? [];
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
      deps.onChange?.();
      return { ok: true as const, value: wanted };
    });
  }

  async function answerExternal(
    message: unknown,
    callerId: string | undefined,
  ): Promise<ExternalResponse> {
    const parsed = v.safeParse(ExternalRequestSchema, message);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'invalid_request',
          message: 'Send { type: "getAccessToken", connectionId, minValiditySeconds? }.',
        },
      };
    }
    const request = parsed.output;
    if (!callerId || !(await allowed(request.connectionId)).includes(callerId)) return NOT_ALLOWED;
    const waitSec = limit.take(callerId, deps.clock.now());
    if (waitSec > 0) {
      return {
        ok: false,
        error: {
          code: 'rate_limited',
          message: `Too many token requests from this extension: ask again in ${waitSec} s, and keep the token until shortly before it expires.`,
        },
      };
    }
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
    deps.onChange?.();
    if (!result.ok) return { ok: false, error: result.error };
    return {
      ok: true,
      accessToken: result.value.accessToken,
      tokenType: 'Bearer',
      expiresAt: result.value.expiresAt,
    };
  }

  return { allowed, setAllowed, answerExternal };
}
