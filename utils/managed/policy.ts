import * as v from 'valibot';
import { NewConnectionSchema, type ValidConnectionInput } from '../connection-input';
import { ExtensionIdSchema } from '../engine/access';
import type { PolicyProblem } from '../model';
import { assertSecureUrl } from '../oauth/loopback';
import { SettingsSchema, type Settings } from '../settings';

// The organisation's managed configuration (chrome.storage.managed), docs/admin.md. This file is its one
// source of truth: public/managed_schema.json (what Chrome checks first) must agree with it, and a unit
// test keeps them in step. Every part and every entry is checked on its own, so a bad one is reported
// and ignored while the good ones work.

/** A managed connection's `id`: stable across policy changes, so a change maps to the same connection. */
export const PolicyIdSchema = v.pipe(
  v.string('The id must be text.'),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'The id must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.',
  ),
);

/** The id of the connection a policy entry deploys: derived, so a policy change finds the same one. */
export function managedConnectionId(policyId: string): string {
  return `managed:${policyId}`;
}

/** The policy's top-level keys and the container each must be; their contents are checked entry by entry. */
export const POLICY_PARTS = {
  connections: v.array(v.unknown(), 'connections must be a list.'),
  settings: v.record(v.string(), v.unknown(), 'settings must be an object.'),
  allowedExtensions: v.record(v.string(), v.unknown(), 'allowedExtensions must be an object.'),
  allowUserConnections: v.boolean('allowUserConnections must be true or false.'),
  requireLock: v.boolean('requireLock must be true or false.'),
} as const;

/** Every field a managed connection entry may have: `id` plus the fields of a new connection. */
export const CONNECTION_FIELDS: readonly string[] = [
  'id',
  ...new Set(NewConnectionSchema.options.flatMap((option) => Object.keys(option.entries))),
];

/** One valid managed connection: its policy id and the connection it describes. */
export interface ManagedConnectionSpec {
  policyId: string;
  input: ValidConnectionInput;
}

/** The policy as the engine uses it. */
export interface ManagedPolicy {
  /** Whether any policy is set at all (pages then say the organisation manages Token Keeper). */
  present: boolean;
  connections: ManagedConnectionSpec[];
  /** Ids of entries that are present but invalid: their connections stay as they are. */
  heldIds: string[];
  /** Settings the policy fixes. */
  settings: Partial<Settings>;
  /** Per policy connection id, the other extensions allowed to get its token. */
  allowedExtensions: Map<string, string[]>;
  allowUserConnections: boolean;
  requireLock: boolean;
  problems: PolicyProblem[];
}

/** No policy: nothing managed, everything up to the person. */
export const NO_POLICY: ManagedPolicy = {
  present: false,
  connections: [],
  heldIds: [],
  settings: {},
  allowedExtensions: new Map(),
  allowUserConnections: true,
  requireLock: false,
  problems: [],
};

/** Reads whatever `storage.managed.get()` returned; never throws, every problem is in `problems`. */
export function parsePolicy(raw: unknown): ManagedPolicy {
  if (raw === undefined || raw === null) return NO_POLICY;
  if (!isPlainObject(raw)) {
    return {
      ...NO_POLICY,
      present: true,
      problems: [{ where: 'policy', message: 'The policy must be an object.' }],
    };
  }
  if (Object.keys(raw).length === 0) return NO_POLICY;
  const problems: PolicyProblem[] = [];
  const part = <K extends keyof typeof POLICY_PARTS>(
    key: K,
  ): v.InferOutput<(typeof POLICY_PARTS)[K]> | undefined => {
    if (!Object.hasOwn(raw, key)) return undefined;
    const parsed = v.safeParse(POLICY_PARTS[key], raw[key]);
    if (parsed.success) return parsed.output;
    problems.push({ where: key, message: parsed.issues[0]?.message ?? 'Invalid.' });
    return undefined;
  };
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(POLICY_PARTS, key))
      problems.push({ where: key, message: `Unknown policy "${key}"; ignored.` });
  }

  const { connections, heldIds } = parseConnections(part('connections') ?? [], problems);
  const ids = new Set(connections.map((c) => c.policyId));
  return {
    present: true,
    connections,
    heldIds,
    settings: parseSettings(part('settings') ?? {}, problems),
    allowedExtensions: parseAllowed(part('allowedExtensions') ?? {}, ids, heldIds, problems),
    allowUserConnections: part('allowUserConnections') ?? true,
    requireLock: part('requireLock') ?? false,
    problems,
  };
}

function parseConnections(entries: unknown[], problems: PolicyProblem[]) {
  const connections: ManagedConnectionSpec[] = [];
  const heldIds: string[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const where = `connections[${index}]`;
    if (!isPlainObject(entry)) {
      problems.push({ where, message: 'Each connection must be an object.' });
      return;
    }
    const id = v.safeParse(PolicyIdSchema, entry.id);
    if (!id.success) {
      problems.push({ where, message: id.issues[0]?.message ?? 'Invalid id.' });
      return;
    }
    const named = `${where} "${id.output}"`;
    const connectionId = managedConnectionId(id.output);
    if (seen.has(id.output)) {
      problems.push({
        where: named,
        message: 'Another connection above already uses this id.',
        connectionId,
      });
      return;
    }
    seen.add(id.output);
    const checked = parseConnection(entry);
    if (!checked.ok) {
      // A present but broken entry keeps its connection as it is: a typo never disconnects anyone.
      heldIds.push(id.output);
      problems.push({
        where: named,
        message: hide(checked.message, entry.clientSecret),
        connectionId,
      });
      return;
    }
    connections.push({ policyId: id.output, input: checked.input });
  });
  return { connections, heldIds };
}

/** A stand-in secret, so a shared set-up without one passes the rules that require it (never stored). */
const ABSENT_SECRET = 'absent-secret';

/**
 * One entry, by the same rules as a connection the person adds (utils/connection-input.ts). With
 * `withoutSecret` (an exported set-up, which never carries one) a missing client secret is allowed and
 * the result has none; the person enters it with Edit.
 */
export function parseConnection(
  entry: Record<string, unknown>,
  options: { withoutSecret?: boolean } = {},
): { ok: true; input: ValidConnectionInput } | { ok: false; message: string } {
  if (options.withoutSecret) {
    if (Object.hasOwn(entry, 'clientSecret'))
      return {
        ok: false,
        message: 'A shared set-up carries no client secret: remove clientSecret.',
      };
    const checked = parseConnection({ ...entry, clientSecret: ABSENT_SECRET });
    if (!checked.ok) return checked;
    const { clientSecret: _placeholder, ...input } = checked.input;
    return { ok: true, input: input as ValidConnectionInput };
  }
  const unknown = Object.keys(entry).filter((key) => !CONNECTION_FIELDS.includes(key));
  if (unknown.length > 0) return { ok: false, message: `Unknown field "${unknown[0]}".` };
  const { id: _id, ...fields } = entry;
  const parsed = v.safeParse(NewConnectionSchema, { scopes: [], ...fields });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue ? v.getDotPath(issue) : null;
    if (path && issue?.input === undefined) return { ok: false, message: missing(fields, path) };
    return { ok: false, message: `${path ? `${path}: ` : ''}${issue?.message ?? 'Invalid.'}` };
  }
  const input = parsed.output;
  if (input.provider === 'custom') {
    if (!input.issuer && !(input.authorizationEndpoint && input.tokenEndpoint)) {
      return {
        ok: false,
        message: 'Give an issuer for discovery, or both authorizationEndpoint and tokenEndpoint.',
      };
    }
    const urls = [
      ['issuer', input.issuer],
      ['authorizationEndpoint', input.authorizationEndpoint],
      ['tokenEndpoint', input.tokenEndpoint],
      ['revocationEndpoint', input.revocationEndpoint],
    ] as const;
    for (const [name, url] of urls) {
      if (url === undefined) continue;
      try {
        assertSecureUrl(url, name);
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    }
  }
  return { ok: true, input };
}

/** A missing field, with the rule's own words for it (e.g. why Jira Cloud needs the secret). */
function missing(fields: Record<string, unknown>, path: string): string {
  const again = v.safeParse(NewConnectionSchema, { scopes: [], ...fields, [path]: '' });
  const hint = again.success ? undefined : again.issues.find((i) => v.getDotPath(i) === path);
  return `${path} is missing${hint ? `: ${hint.message}` : '.'}`;
}

function parseSettings(raw: Record<string, unknown>, problems: PolicyProblem[]) {
  const fixed: Partial<Settings> = {};
  for (const [key, value] of Object.entries(raw)) {
    const where = `settings.${key}`;
    if (!Object.hasOwn(SettingsSchema.entries, key)) {
      problems.push({ where, message: `Unknown setting "${key}"; ignored.` });
      continue;
    }
    const schema = SettingsSchema.entries[key as keyof Settings];
    const parsed = v.safeParse(schema, value);
    if (parsed.success) Object.assign(fixed, { [key]: parsed.output });
    else problems.push({ where, message: parsed.issues[0]?.message ?? 'Invalid.' });
  }
  return fixed;
}

function parseAllowed(
  raw: Record<string, unknown>,
  ids: Set<string>,
  heldIds: string[],
  problems: PolicyProblem[],
) {
  const allowed = new Map<string, string[]>();
  for (const [policyId, list] of Object.entries(raw)) {
    const where = `allowedExtensions.${policyId}`;
    if (!ids.has(policyId)) {
      // A held entry's list is kept out of the way too; its problem is already reported.
      if (!heldIds.includes(policyId))
        problems.push({ where, message: 'No managed connection has this id.' });
      continue;
    }
    const connectionId = managedConnectionId(policyId);
    if (!Array.isArray(list)) {
      problems.push({ where, message: 'Must be a list of extension ids.', connectionId });
      continue;
    }
    const valid: string[] = [];
    list.forEach((id: unknown, index) => {
      const parsed = v.safeParse(ExtensionIdSchema, id);
      if (parsed.success) valid.push(parsed.output);
      else
        problems.push({
          where: `${where}[${index}]`,
          message: parsed.issues[0]?.message ?? 'Invalid.',
          connectionId,
        });
    });
    allowed.set(policyId, [...new Set(valid)]);
  }
  return allowed;
}

/** A message never carries the secret of the entry it is about, even where a check quoted input. */
function hide(message: string, secret: unknown): string {
  return typeof secret === 'string' && secret.trim() !== ''
    ? message.split(secret).join('[secret]')
    : message;
}

/** Whether a value is a JSON object (not null, not a list). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
