/** The schema of every page request that carries data, keyed by its message name (R8, the trust boundary). */
import * as v from 'valibot';
import { MAX_AUTO_LOCK_MIN } from '../engine/passphrase-lock';
import type { PageRequest, PageRequests } from '../messaging';
import type { HistoryKind } from '../model';
import { OUTCOMES_BY_KIND, type HistoryFilter } from '../store/history';
import { MAX_PASSPHRASE_LENGTH } from '../store/key-wrap';

/** The page requests that carry data (the others take none, and any they are sent is ignored). */
export type DataRequest = {
  [K in PageRequest]: Parameters<PageRequests[K]> extends [] ? never : K;
}[PageRequest];

const HISTORY_KINDS = Object.keys(OUTCOMES_BY_KIND) as [HistoryKind, ...HistoryKind[]];
const Moment = v.pipe(v.number(), v.finite());
const ConnectionId = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const ConnectionRef = v.object({ connectionId: ConnectionId });

/** Which events to list or export. */
const HistoryCriteriaSchema = v.object({
  connectionId: v.optional(ConnectionId),
  kinds: v.optional(v.pipe(v.array(v.picklist(HISTORY_KINDS)), v.maxLength(HISTORY_KINDS.length))),
  outcome: v.optional(v.picklist(['ok', 'failed'])),
  from: v.optional(Moment),
  to: v.optional(Moment),
});

/** A page request: criteria, where the previous page ended, and a page size of at most 500. */
const HistoryQuerySchema = v.object({
  ...HistoryCriteriaSchema.entries,
  after: v.optional(v.object({ at: Moment, id: v.pipe(v.number(), v.integer()) })),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500))),
});

// Passphrases: custom messages only, so no validation error can ever echo one back.
const Passphrase = v.pipe(
  v.string('A passphrase must be text.'),
  v.maxLength(MAX_PASSPHRASE_LENGTH, 'That passphrase is too long.'),
);
const PassphraseSchema = v.strictObject({ passphrase: Passphrase });
/** An import file's text; 1 MB is far more than 100 set-ups need. */
const ImportRequestSchema = v.object({ text: v.pipe(v.string(), v.maxLength(1_000_000)) });

/**
 * One schema per page request with data, under the request's own name: the handlers receive only what
 * passed it. A request missing here, or one that is not a page request, does not compile.
 */
export const requestSchemas = {
  refreshNow: ConnectionRef,
  // A page may ask for the newest page without criteria at all.
  getHistory: v.nullish(HistoryQuerySchema, {}),
  exportHistory: v.object({
    format: v.picklist(['csv', 'json']),
    criteria: v.optional(HistoryCriteriaSchema, {}),
  }),
  getHealth: v.object({ period: v.picklist(['24h', '7d']) }),
  // Checked by the settings' own schema, which answers field by field (utils/settings.ts).
  saveSettings: v.unknown(),
  // Checked by the new connection's own schema, which answers field by field (utils/connection-input.ts).
  addConnection: v.unknown(),
  connect: ConnectionRef,
  disconnect: ConnectionRef,
  removeConnection: ConnectionRef,
  editConnection: v.object({
    connectionId: ConnectionId,
    // The changes themselves are checked by the engine's own schema (ConnectionEditSchema).
    changes: v.unknown(),
  }),
  getAccessToken: v.object({
    connectionId: ConnectionId,
    minValiditySeconds: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400)),
    ),
  }),
  getExternalAccess: ConnectionRef,
  setExternalAccess: v.object({ connectionId: ConnectionId, allowed: v.array(v.string()) }),
  decideAccessRequest: v.strictObject({
    extensionId: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
    decision: v.union(
      [
        v.strictObject({
          allow: v.pipe(
            v.array(ConnectionId),
            v.minLength(1, 'Choose at least one connection.'),
            v.maxLength(100),
          ),
        }),
        v.strictObject({ deny: v.literal(true) }),
      ],
      'Allow some connections or deny.',
    ),
  }),
  previewImport: ImportRequestSchema,
  importSetups: ImportRequestSchema,
  turnOnLock: PassphraseSchema,
  unlock: PassphraseSchema,
  changePassphrase: v.strictObject({ current: Passphrase, next: Passphrase }),
  removeLock: PassphraseSchema,
  setAutoLock: v.strictObject({
    minutes: v.pipe(
      v.number('Auto-lock must be a number of minutes.'),
      v.integer('Auto-lock must be a whole number of minutes.'),
      v.minValue(0, 'Auto-lock must be 0 (never) or more minutes.'),
      v.maxValue(MAX_AUTO_LOCK_MIN, `Auto-lock must be at most ${MAX_AUTO_LOCK_MIN} minutes.`),
    ),
  }),
} satisfies { [K in DataRequest]: v.GenericSchema };

/** What a handler receives: a request's data as its schema let it through, or nothing for one without data. */
export type RequestInput<K extends PageRequest> = K extends DataRequest
  ? v.InferOutput<(typeof requestSchemas)[K]>
  : undefined;

/** Thrown for a message that fails its schema; the page sees the message, nothing changes. */
export class InvalidMessageError extends Error {
  override name = 'InvalidMessageError';
}

/** Checks a page request's data against the schema of the same name (R8); a request without data gets none. */
export function parseRequest<K extends PageRequest>(type: K, data: unknown): RequestInput<K> {
  if (!Object.hasOwn(requestSchemas, type)) return undefined as RequestInput<K>;
  const result = v.safeParse(requestSchemas[type as DataRequest], data);
  if (!result.success)
    throw new InvalidMessageError(`Invalid request: ${result.issues[0]?.message ?? 'bad input'}`);
  return result.output as RequestInput<K>;
}

/** The store filter for a validated history request (50 events unless asked otherwise). */
export function toHistoryFilter(query: RequestInput<'getHistory'>): HistoryFilter {
  const { limit, ...rest } = query;
  return { ...rest, limit: limit ?? 50 };
}
