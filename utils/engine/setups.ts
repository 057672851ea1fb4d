import type { ValidConnectionInput } from '../connection-input';
import { errorMessage } from '../error-text';
import { isPlainObject, parseConnection, PolicyIdSchema } from '../managed/policy';
import type { ActionResult, Connection, ConnectionStatus, ProviderKind } from '../model';
import type { RequestOptions } from '../oauth/client';
import { resolveSetup } from '../oauth/providers';
import { redact } from '../oauth/redact';
import { commit } from '../store/commit';
import { listConnections } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import type { Clock } from './deps';
import { inputOf } from './edit-plan';
import { newConnectionRecord } from './lifecycle';
import { toStatus } from './status';
import * as v from 'valibot';

// Connection set-ups a team can share (README, "Connections"): the managed policy's `connections`
// entries (docs/admin.md) without any token or secret. One source of truth for what an entry may say:
// the policy's own parser (utils/managed/policy.ts).

/** One exported set-up: a policy `connections` entry minus `clientSecret`. */
export type SetupEntry = { id: string } & Record<string, unknown>;

/** How many entries one import may hold. */
export const MAX_IMPORT_ENTRIES = 100;

/** The export file: `{ connections: [...] }`, as under the policy's `connections` key. */
export function exportSetups(connections: readonly Connection[]): {
  fileName: string;
  mimeType: string;
  content: string;
  count: number;
} {
  // The organisation's own connections are its policy's to share, not the person's.
  const own = connections
    .filter((connection) => !connection.managed)
    .sort((a, b) => a.createdAt - b.createdAt || a.label.localeCompare(b.label));
  const used = new Set<string>();
  const entries = own.map((connection) => toSetupEntry(connection, used));
  return {
    fileName: 'token-keeper-connections.json',
    mimeType: 'application/json',
    content: `${JSON.stringify({ connections: entries }, null, 2)}\n`,
    count: entries.length,
  };
}

/** One connection as a shareable entry: what the person typed, never a secret or token. */
export function toSetupEntry(connection: Connection, used: Set<string> = new Set()): SetupEntry {
  const { clientSecret: _never, ...input } = inputOf(connection);
  const fields = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined),
  );
  return { id: uniqueId(connection.label, used), ...fields };
}

/** What an import would do with one entry. */
export type ImportEntry =
  | {
      index: number;
      ok: true;
      label: string;
      provider: ProviderKind;
      /** Jira Cloud and Google need a client secret: enter it with Edit after importing. */
      needsSecret: boolean;
      /** A connection with the same provider, client ID and label is already here: skipped. */
      duplicate: boolean;
    }
  | { index: number; ok: false; message: string };

/** The preview of an import: every entry checked, nothing written. */
export interface ImportPreview {
  entries: ImportEntry[];
  /** What is wrong with the file as a whole (not JSON, no `connections` list). */
  error?: string;
}

/** Checks an import file against the policy's rules, entry by entry (pure). */
export function previewImport(text: string, existing: readonly Connection[]): ImportPreview {
  const checked = checkImport(text, existing);
  return {
    entries: checked.entries.map(({ input: _input, ...entry }) => entry as ImportEntry),
    ...(checked.error ? { error: checked.error } : {}),
  };
}

type CheckedEntry = ImportEntry & { input?: ValidConnectionInput };

function checkImport(
  text: string,
  existing: readonly Connection[],
): { entries: CheckedEntry[]; error?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { entries: [], error: 'This file is not JSON.' };
  }
  const list = isPlainObject(raw) ? raw.connections : Array.isArray(raw) ? raw : undefined;
  if (!Array.isArray(list))
    return { entries: [], error: 'The file has no "connections" list (as Export writes it).' };
  if (list.length > MAX_IMPORT_ENTRIES)
    return { entries: [], error: `At most ${MAX_IMPORT_ENTRIES} connections per file.` };
  const here = new Set(existing.map(sameKey));
  const seenIds = new Set<string>();
  const entries = list.map((entry, index): CheckedEntry => {
    if (!isPlainObject(entry))
      return { index, ok: false, message: 'Each connection must be an object.' };
    if (entry.id !== undefined) {
      const id = v.safeParse(PolicyIdSchema, entry.id);
      if (!id.success) return { index, ok: false, message: id.issues[0]?.message ?? 'Bad id.' };
      if (seenIds.has(id.output))
        return { index, ok: false, message: 'Another connection above already uses this id.' };
      seenIds.add(id.output);
    }
    const parsed = parseConnection(entry, { withoutSecret: true });
    // The parser's messages never quote a secret, and an entry with one is refused anyway.
    if (!parsed.ok) return { index, ok: false, message: redact(parsed.message) };
    const input = parsed.input;
    const key = sameKey(input);
    const duplicate = here.has(key);
    here.add(key);
    return {
      index,
      ok: true,
      label: input.label,
      provider: input.provider,
      needsSecret: input.provider !== 'custom',
      duplicate,
      input,
    };
  });
  return { entries };
}

/** What importing needs. */
export interface SetupDeps {
  db: TokenKeeperDb;
  clock: Clock;
  newId?: () => string;
  requestOptions?: RequestOptions | undefined;
  /** Tells pages something changed (the services send one status snapshot per burst). */
  changed?: () => void;
}

/** The result of an import: what was added, and the entries that were not (with why). */
export interface ImportResult {
  added: ConnectionStatus[];
  skipped: ImportEntry[];
}

/**
 * Adds every valid, new entry as the person's own connection, ready for Connect (no secret: a preset's
 * is entered with Edit). Endpoints are resolved first (discovery), outside any transaction.
 */
export async function importSetups(
  deps: SetupDeps,
  text: string,
): Promise<ActionResult<ImportResult>> {
  const checked = checkImport(text, await listConnections(deps.db));
  if (checked.error) return { ok: false, error: { code: 'invalid_input', message: checked.error } };
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const added: Connection[] = [];
  const skipped: ImportEntry[] = [];
  for (const entry of checked.entries) {
    const { input, ...shown } = entry;
    if (!entry.ok || !input || entry.duplicate) {
      skipped.push(shown as ImportEntry);
      continue;
    }
    try {
      const setup = await resolveSetup(input, deps.requestOptions);
      added.push(newConnectionRecord(newId(), input, setup, deps.clock.now()));
    } catch (error) {
      skipped.push({
        index: entry.index,
        ok: false,
        message: redact(errorMessage(error)),
      });
    }
  }
  const at = deps.clock.now();
  await commit(deps.db, {
    connections: added,
    events: added.map((c) => ({ connectionId: c.id, at, kind: 'imported' as const, ok: true })),
  });
  deps.changed?.();
  return { ok: true, value: { added: added.map(toStatus), skipped } };
}

/** Connections alike enough that importing one again would only make a copy. */
function sameKey(c: { provider: ProviderKind; clientId: string; label: string }): string {
  return JSON.stringify([c.provider, c.clientId, c.label]);
}

/** A policy id from a label (`Work Jira` → `work-jira`), unique within one file. */
function uniqueId(label: string, used: Set<string>): string {
  const base =
    label
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56) || 'connection';
  let id = base;
  for (let n = 2; used.has(id); n += 1) id = `${base}-${n}`;
  used.add(id);
  return id;
}
