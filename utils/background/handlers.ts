import * as v from 'valibot';
import { MAX_AUTO_LOCK_MIN } from '../engine/passphrase-lock';
import type { ProtocolMap } from '../messaging';
import { MAX_PASSPHRASE_LENGTH } from '../store/key-wrap';
import {
  ExportRequestSchema,
  HealthRequestSchema,
  HistoryQuerySchema,
  toHistoryFilter,
} from './report-requests';
import type { Services } from './services';

/** The messages pages may send (everything but the worker's own broadcast). */
export type PageRequests = Omit<ProtocolMap, 'statusChanged'>;

/** Who sent a message, as the browser reports it. */
export interface Sender {
  id?: string;
  url?: string;
}

/** A handler per page request, taking the unvalidated data a page sent. */
export type Handlers = {
  [K in keyof PageRequests]: (data: unknown) => Promise<ReturnType<PageRequests[K]>>;
};

const ConnectionRef = v.object({
  connectionId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});
const TokenRequestSchema = v.object({
  connectionId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  minValiditySeconds: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400)),
  ),
});
// Passphrases: custom messages only, so no validation error can ever echo one back.
const Passphrase = v.pipe(
  v.string('A passphrase must be text.'),
  v.maxLength(MAX_PASSPHRASE_LENGTH, 'That passphrase is too long.'),
);
const PassphraseSchema = v.strictObject({ passphrase: Passphrase });
const ChangePassphraseSchema = v.strictObject({ current: Passphrase, next: Passphrase });
const AutoLockSchema = v.strictObject({
  minutes: v.pipe(
    v.number('Auto-lock must be a number of minutes.'),
    v.integer('Auto-lock must be a whole number of minutes.'),
    v.minValue(0, 'Auto-lock must be 0 (never) or more minutes.'),
    v.maxValue(MAX_AUTO_LOCK_MIN, `Auto-lock must be at most ${MAX_AUTO_LOCK_MIN} minutes.`),
  ),
});
const EditRequestSchema = v.object({
  connectionId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  // The changes themselves are checked by the engine's own schema (ConnectionEditSchema).
  changes: v.unknown(),
});
/** An import file's text; 1 MB is far more than 100 set-ups need. */
const ImportRequestSchema = v.object({ text: v.pipe(v.string(), v.maxLength(1_000_000)) });
const ExternalAccessSchema = v.object({
  connectionId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  allowed: v.array(v.string()),
});
const DecideAccessSchema = v.strictObject({
  extensionId: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  decision: v.union(
    [
      v.strictObject({
        allow: v.pipe(
          v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
          v.minLength(1, 'Choose at least one connection.'),
          v.maxLength(100),
        ),
      }),
      v.strictObject({ deny: v.literal(true) }),
    ],
    'Allow some connections or deny.',
  ),
});

/** Thrown for a message that fails its schema; the page sees the message, nothing changes. */
export class InvalidMessageError extends Error {
  override name = 'InvalidMessageError';
}

function parse<T extends v.GenericSchema>(schema: T, data: unknown): v.InferOutput<T> {
  const result = v.safeParse(schema, data);
  if (!result.success)
    throw new InvalidMessageError(`Invalid request: ${result.issues[0]?.message ?? 'bad input'}`);
  return result.output;
}

/** Builds the page-request handlers; each validates its input first (R8). */
export function createHandlers(services: Services): Handlers {
  return {
    getStatus: () => services.snapshot(),
    refreshNow: async (data) =>
      services.refresher.refresh(parse(ConnectionRef, data).connectionId, 'manual'),
    getHistory: async (data) =>
      services.historyPage(toHistoryFilter(parse(HistoryQuerySchema, data ?? {}))),
    exportHistory: async (data) => {
      const request = parse(ExportRequestSchema, data);
      return services.exportHistory(request.criteria, request.format);
    },
    clearHistory: async () => ({ removed: await services.clearHistory() }),
    getHealth: async (data) => services.health(parse(HealthRequestSchema, data).period),
    getSettings: () => services.getSettings(),
    saveSettings: (data) => services.saveSettings(data),
    getRedirectUrl: async () => services.redirectUri,
    addConnection: (data) => services.addConnection(data),
    connect: async (data) => services.connect(parse(ConnectionRef, data).connectionId),
    disconnect: (data) => services.lifecycle.disconnect(parse(ConnectionRef, data).connectionId),
    getAccessToken: async (data) => {
      const request = parse(TokenRequestSchema, data);
      return services.accessToken(request.connectionId, request.minValiditySeconds ?? 60);
    },
    getExternalAccess: async (data) => ({
      extensionId: services.extensionId,
      allowed: await services.access.allowed(parse(ConnectionRef, data).connectionId),
    }),
    setExternalAccess: async (data) => {
      const request = parse(ExternalAccessSchema, data);
      return services.access.setAllowed(request.connectionId, request.allowed);
    },
    getAccessRequests: () => services.access.requests.pending(),
    decideAccessRequest: async (data) => {
      const request = parse(DecideAccessSchema, data);
      return services.access.requests.decide(request.extensionId, request.decision);
    },
    exportSetups: () => services.exportSetups(),
    previewImport: async (data) => services.previewImport(parse(ImportRequestSchema, data).text),
    importSetups: async (data) => services.importSetups(parse(ImportRequestSchema, data).text),
    wipeAllData: async () => ({ ok: true, value: await services.wipe() }),
    removeConnection: (data) => services.lifecycle.remove(parse(ConnectionRef, data).connectionId),
    getLock: () => services.lock.status(),
    turnOnLock: (data) => services.lock.turnOn(parse(PassphraseSchema, data).passphrase),
    unlock: (data) => services.lock.unlock(parse(PassphraseSchema, data).passphrase),
    lock: () => services.lock.lock(),
    changePassphrase: (data) => {
      const request = parse(ChangePassphraseSchema, data);
      return services.lock.changePassphrase(request.current, request.next);
    },
    removeLock: async (data) => services.removeLock(parse(PassphraseSchema, data).passphrase),
    setAutoLock: (data) => services.lock.setAutoLock(parse(AutoLockSchema, data).minutes),
    editConnection: (data) => {
      const request = parse(EditRequestSchema, data);
      return services.lifecycle.edit(request.connectionId, request.changes);
    },
  };
}

/**
 * This extension as a sender check sees it: its id, and the base URL of its pages
 * (`runtime.getURL('/')`). Chromium's page host is the id; Firefox's is a per-profile UUID.
 */
export interface OwnExtension {
  id: string;
  baseUrl: string;
}

/** R7: only this extension's own pages may talk to the worker; content scripts and web pages may not. */
export function isOwnPage(sender: Sender, self: OwnExtension): boolean {
  if (sender.id !== self.id || typeof sender.url !== 'string') return false;
  const page = URL.parse(sender.url);
  const own = URL.parse(self.baseUrl);
  return (
    page !== null &&
    own !== null &&
    /^(chrome|moz|ms-browser)-extension:$/.test(page.protocol) &&
    page.protocol === own.protocol &&
    page.host === own.host
  );
}
