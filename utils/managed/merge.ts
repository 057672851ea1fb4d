import type { ValidConnectionInput } from '../connection-input';
import type { Connection, ManagedSource, PolicySummary } from '../model';
import type { Settings } from '../settings';
import { managedConnectionId, type ManagedConnectionSpec, type ManagedPolicy } from './policy';

// Pure: the organisation's policy merged with what the person has (docs/admin.md). The wiring that reads
// storage.managed and writes the database is utils/managed/apply.ts.

/** What a policy entry says about its connection, minus the client secret. */
export function sourceOf(input: ValidConnectionInput): ManagedSource {
  const { clientSecret: _secret, ...rest } = input;
  // Only what is set: an absent field and an `undefined` one compare alike.
  return Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  ) as unknown as ManagedSource;
}

/** The fields whose change makes the current grant unusable: another client, server or scopes. */
const GRANT_FIELDS = [
  'provider',
  'clientId',
  'scopes',
  'issuer',
  'authorizationEndpoint',
  'tokenEndpoint',
  'promptConsent',
  'testingMode',
] as const satisfies readonly (keyof ManagedSource)[];

/** A managed connection the policy still lists but describes differently. */
export interface ManagedUpdate {
  spec: ManagedConnectionSpec;
  connection: Connection;
  /** The grant was issued to another client, server or scopes: the person must consent again. */
  reconnect: boolean;
  /** Endpoints, scopes or lifetimes must be worked out again (discovery for an issuer). */
  resolve: boolean;
}

/** What applying a policy does to the stored connections. */
export interface ConnectionPlan {
  create: ManagedConnectionSpec[];
  update: ManagedUpdate[];
  /** Managed connections the policy no longer lists: disconnect, revoke where possible, remove. */
  remove: Connection[];
  /** Managed connections whose allow-list of other extensions differs from the policy's. */
  allow: { connection: Connection; allowed: string[] }[];
  /** Every managed connection the policy lists (existing ones), to compare client secrets with. */
  keep: { spec: ManagedConnectionSpec; connection: Connection }[];
}

/** Compares the policy's connections with the stored ones. The person's own connections are never touched. */
export function planConnections(policy: ManagedPolicy, stored: Connection[]): ConnectionPlan {
  const byId = new Map(stored.map((c) => [c.id, c]));
  const listed = new Set(policy.connections.map((s) => managedConnectionId(s.policyId)));
  const held = new Set(policy.heldIds.map(managedConnectionId));
  const plan: ConnectionPlan = { create: [], update: [], remove: [], allow: [], keep: [] };
  for (const spec of policy.connections) {
    const connection = byId.get(managedConnectionId(spec.policyId));
    // An id a person's connection happened to have is not taken over: ids of new ones are UUIDs.
    if (!connection) {
      plan.create.push(spec);
      continue;
    }
    if (!connection.managed) continue;
    plan.keep.push({ spec, connection });
    const before = connection.managed.source;
    const after = sourceOf(spec.input);
    if (!sameJson(before, after)) {
      const grantChanged = GRANT_FIELDS.some((field) => !sameJson(before[field], after[field]));
      plan.update.push({
        spec,
        connection,
        reconnect: grantChanged && connection.state !== 'new',
        resolve: grantChanged || before.revocationEndpoint !== after.revocationEndpoint,
      });
    }
    const allowed = policy.allowedExtensions.get(spec.policyId) ?? [];
    if (!sameJson(connection.allowedExtensions ?? [], allowed))
      plan.allow.push({ connection, allowed });
  }
  for (const connection of stored) {
    if (connection.managed && !listed.has(connection.id) && !held.has(connection.id))
      plan.remove.push(connection);
  }
  return plan;
}

/** The settings in force: the person's, with the ones the policy fixes replaced. */
export function effectiveSettings(person: Settings, policy: ManagedPolicy): Settings {
  return { ...person, ...policy.settings };
}

/**
 * A change the person asks for, checked against the fixed settings: a fixed one may be sent unchanged
 * (the form sends every field) but never changed.
 */
export function fixedSettingErrors(
  change: Record<string, unknown>,
  policy: ManagedPolicy,
): { field: string; message: string }[] {
  return Object.entries(change)
    .filter(
      ([key, value]) =>
        Object.hasOwn(policy.settings, key) && policy.settings[key as keyof Settings] !== value,
    )
    .map(([field]) => ({
      field,
      message: 'Managed by your organisation: this setting cannot be changed here.',
    }));
}

/**
 * What the person's settings become after a saved change: the fixed ones keep the person's own value
 * underneath, so it comes back if the organisation stops fixing it.
 */
export function personSettingsAfter(
  saved: Settings,
  personBefore: Settings,
  policy: ManagedPolicy,
): Settings {
  const kept = Object.keys(policy.settings).map((key) => [
    key,
    personBefore[key as keyof Settings],
  ]);
  return { ...saved, ...Object.fromEntries(kept) };
}

/** What the pages see of the policy, or undefined when there is none. */
export function policySummary(policy: ManagedPolicy): PolicySummary | undefined {
  if (!policy.present) return undefined;
  return {
    fixedSettings: Object.keys(policy.settings),
    allowUserConnections: policy.allowUserConnections,
    requireLock: policy.requireLock,
    problems: policy.problems,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Objects with sorted keys and no undefined values, so field order never counts as a change. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => [key, canonical(item)]),
  );
}
