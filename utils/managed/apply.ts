import type { Clock, Locks } from '../engine/deps';
import { errorMessage } from '../error-text';
import { clientSecretOnly, newConnectionRecord, type Lifecycle } from '../engine/lifecycle';
import type { SecretKeeper } from '../engine/secrets';
import type { Connection, HistoryEvent, PolicyProblem, StoredError } from '../model';
import { revokeToken, type RequestOptions } from '../oauth/client';
import { resolveSetup, type ConnectionSetup } from '../oauth/providers';
import { redact } from '../oauth/redact';
import { commit } from '../store/commit';
import { getConnection, listConnections } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import { appendHistory, queryHistory } from '../store/history';
import type { Vault } from '../store/vault';
import { planConnections, sourceOf } from './merge';
import { managedConnectionId, type ManagedConnectionSpec, type ManagedPolicy } from './policy';

/** What applying the policy to the database needs. */
export interface PolicyApplyDeps {
  db: TokenKeeperDb;
  vault: Vault;
  secrets: SecretKeeper;
  clock: Clock;
  locks: Locks;
  lifecycle: Lifecycle;
  requestOptions?: RequestOptions | undefined;
}

/** What one application did. */
export interface PolicyApplied {
  /** Whether any connection was added, changed or removed (the alarm is re-armed, pages told). */
  changed: boolean;
  /** Entries that are valid but could not be set up now (discovery failed); tried again next time. */
  problems: PolicyProblem[];
}

/** Why a managed connection needs a new consent after the organisation changed it. */
export const POLICY_RECONNECT: StoredError = {
  code: 'policy_changed',
  message:
    'Your organisation changed the client or endpoints of this connection: reconnect to sign in again.',
};

/** How many recent problem events are compared with, so a worker start never logs the same ones again. */
const RECENT_PROBLEMS = 200;

/**
 * Brings the managed connections in line with the policy (docs/admin.md): adds new ones (ready for
 * Connect), changes changed ones (a new client or server needs a reconnect; a new secret is used from the
 * next refresh), removes dropped ones (disconnected and revoked where possible), and records each step
 * and each new problem in the history. The person's own connections are never touched.
 */
export async function applyPolicy(
  deps: PolicyApplyDeps,
  policy: ManagedPolicy,
): Promise<PolicyApplied> {
  // Locked: no client secret can be sealed or read; the unlock applies the policy (docs/security.md#the-lock).
  if (deps.vault.mode() === 'locked') return { changed: false, problems: [] };
  const plan = planConnections(policy, await listConnections(deps.db));
  const problems: PolicyProblem[] = [];
  let changed = false;
  const setupOf = async (spec: ManagedConnectionSpec): Promise<ConnectionSetup | undefined> => {
    try {
      return await resolveSetup(spec.input, deps.requestOptions);
    } catch (error) {
      problems.push({
        where: `connections "${spec.policyId}"`,
        message: redact(`Could not be set up now (tried again later): ${errorMessage(error)}`),
        connectionId: managedConnectionId(spec.policyId),
      });
      return undefined;
    }
  };

  for (const spec of plan.create) {
    // Network first, never inside the lock or a transaction.
    const setup = await setupOf(spec);
    if (setup) changed = (await create(deps, policy, spec, setup)) || changed;
  }
  for (const update of plan.update) {
    const setup = update.resolve ? await setupOf(update.spec) : undefined;
    if (update.resolve && !setup) continue;
    if (update.reconnect) await revokeOldGrant(deps, update.connection);
    changed = (await change(deps, update.spec, setup, update.reconnect)) || changed;
  }
  for (const { spec } of plan.keep) await applySecret(deps, spec);
  for (const { connection, allowed } of plan.allow) {
    changed = (await allow(deps, connection.id, allowed)) || changed;
  }
  for (const connection of plan.remove) {
    const removed = await deps.lifecycle.remove(connection.id, { includeManaged: true });
    await appendHistory(deps.db, [
      {
        connectionId: connection.id,
        at: deps.clock.now(),
        kind: 'policy-removed',
        ok: removed.ok,
        ...(removed.ok ? {} : { error: removed.error }),
      },
    ]);
    changed = true;
  }
  await recordProblems(deps, [...policy.problems, ...problems]);
  return { changed, problems };
}

async function create(
  deps: PolicyApplyDeps,
  policy: ManagedPolicy,
  spec: ManagedConnectionSpec,
  setup: ConnectionSetup,
): Promise<boolean> {
  const id = managedConnectionId(spec.policyId);
  const now = deps.clock.now();
  const allowed = policy.allowedExtensions.get(spec.policyId) ?? [];
  const connection: Connection = {
    ...newConnectionRecord(id, spec.input, setup, now, {
      policyId: spec.policyId,
      source: sourceOf(spec.input),
    }),
    ...(allowed.length > 0 ? { allowedExtensions: allowed } : {}),
  };
  // Under the vault's use, inside the connection's lock (the refresher's order): the key cannot change
  // between the seal and the commit.
  return deps.locks.request(`refresh:${id}`, () =>
    deps.vault.use(async () => {
      if (await getConnection(deps.db, id)) return false;
      // Sealed like any client secret the person types (docs/security.md); never in the record or history.
      const secrets = await clientSecretOnly(deps.vault, id, spec.input.clientSecret);
      const event = (kind: HistoryEvent['kind'], caller?: string): HistoryEvent => ({
        connectionId: id,
        at: now,
        kind,
        ok: true,
        ...(caller ? { caller } : {}),
      });
      await commit(deps.db, {
        connections: [connection],
        ...secrets,
        events: [
          event('policy-added'),
          ...allowed.map((caller) => event('access-granted', caller)),
        ],
      });
      return true;
    }),
  );
}

async function change(
  deps: PolicyApplyDeps,
  spec: ManagedConnectionSpec,
  setup: ConnectionSetup | undefined,
  reconnect: boolean,
): Promise<boolean> {
  const id = managedConnectionId(spec.policyId);
  const { input } = spec;
  return deps.locks.request(`refresh:${id}`, async () => {
    const current = await getConnection(deps.db, id);
    if (!current?.managed) return false;
    const now = deps.clock.now();
    let updated: Connection = {
      ...current,
      label: input.label,
      managed: { policyId: spec.policyId, source: sourceOf(input) },
      updatedAt: now,
    };
    if (setup) {
      const { refreshTokenLifetime: _lifetime, promptConsent: _prompt, ...unset } = updated;
      updated = {
        ...unset,
        clientId: input.clientId,
        endpoints: setup.endpoints,
        scopes: setup.scopes,
        ...(setup.refreshTokenLifetime ? { refreshTokenLifetime: setup.refreshTokenLifetime } : {}),
        ...(input.provider === 'custom' && input.promptConsent === false
          ? { promptConsent: false }
          : {}),
      };
    }
    const events: HistoryEvent[] = [
      { connectionId: id, at: now, kind: 'policy-changed', ok: true },
    ];
    if (reconnect) {
      // The old grant belongs to another client or server: only a new consent helps (R6, permanent).
      const { nextRefreshAt: _unscheduled, ...rest } = updated;
      updated = {
        ...rest,
        state: 'needs-reconnect',
        expiresAt: null,
        failure: { failedAt: now, attempt: 1, kind: 'permanent', lastError: POLICY_RECONNECT },
      };
      events.push({
        connectionId: id,
        at: now,
        kind: 'needs-reconnect',
        ok: false,
        error: POLICY_RECONNECT,
      });
      // Keep only the (new) client secret: the old tokens were revoked and are useless to the new client.
      deps.secrets.forget(id);
      const reconnecting = updated;
      await deps.vault.use(async () => {
        const kept = await clientSecretOnly(deps.vault, id, input.clientSecret);
        reconnecting.hasClientSecret = kept.secrets !== undefined;
        await commit(deps.db, { connections: [reconnecting], ...kept, events });
      });
      return true;
    }
    await commit(deps.db, { connections: [updated], events });
    return true;
  });
}

/** Gives the old grant back before the client or server changes (best effort: the tokens go anyway). */
async function revokeOldGrant(deps: PolicyApplyDeps, connection: Connection): Promise<void> {
  const read = await deps.secrets.read(connection.id);
  const stored = read.ok ? read.record : undefined;
  const token = stored?.refreshToken ?? stored?.accessToken;
  if (!token) return;
  await revokeToken(
    {
      endpoints: connection.endpoints,
      clientId: connection.clientId,
      ...(stored?.clientSecret ? { clientSecret: stored.clientSecret } : {}),
    },
    token,
    deps.requestOptions,
  ).catch(() => false);
}

/** A changed client secret replaces the stored one; the tokens stay, so it is used from the next refresh. */
async function applySecret(deps: PolicyApplyDeps, spec: ManagedConnectionSpec): Promise<void> {
  const id = managedConnectionId(spec.policyId);
  const wanted = spec.input.clientSecret;
  const before = await deps.secrets.read(id);
  if (!before.ok || before.record?.clientSecret === wanted) return;
  await deps.locks.request(`refresh:${id}`, () =>
    deps.vault.use(async () => {
      const current = await getConnection(deps.db, id);
      // Re-read under the lock: a refresh may have rotated the tokens meanwhile (rotation first, R5).
      const read = await deps.secrets.read(id);
      if (!current?.managed || !read.ok || read.record?.clientSecret === wanted) return;
      const { clientSecret: _old, ...kept } = read.record ?? { connectionId: id };
      await deps.secrets.persist({
        ...kept,
        connectionId: id,
        ...(wanted ? { clientSecret: wanted } : {}),
      });
      const now = deps.clock.now();
      await commit(deps.db, {
        connections: [{ ...current, hasClientSecret: Boolean(wanted), updatedAt: now }],
        events: [{ connectionId: id, at: now, kind: 'policy-changed', ok: true }],
      });
    }),
  );
}

/** The policy's allow-list of other extensions replaces the connection's; grants and revocations go to history. */
async function allow(deps: PolicyApplyDeps, id: string, wanted: string[]): Promise<boolean> {
  return deps.locks.request(`refresh:${id}`, async () => {
    const current = await getConnection(deps.db, id);
    if (!current?.managed) return false;
    const before = current.allowedExtensions ?? [];
    const now = deps.clock.now();
    const event = (kind: HistoryEvent['kind'], caller: string): HistoryEvent => ({
      connectionId: id,
      at: now,
      kind,
      ok: true,
      caller,
    });
    await commit(deps.db, {
      connections: [{ ...current, allowedExtensions: wanted, updatedAt: now }],
      events: [
        ...wanted.filter((c) => !before.includes(c)).map((c) => event('access-granted', c)),
        ...before.filter((c) => !wanted.includes(c)).map((c) => event('access-revoked', c)),
      ],
    });
    return true;
  });
}

/** Each problem goes to the history once, not again on every worker start while it stays the same. */
async function recordProblems(deps: PolicyApplyDeps, problems: PolicyProblem[]): Promise<void> {
  if (problems.length === 0) return;
  const recent = await queryHistory(deps.db, {
    kinds: ['policy-invalid'],
    limit: RECENT_PROBLEMS,
  }).catch(() => ({ events: [] as HistoryEvent[] }));
  const known = new Set(recent.events.map((e) => `${e.connectionId}\n${e.error?.message}`));
  const at = deps.clock.now();
  const events = problems
    .map((problem): HistoryEvent => ({
      connectionId: problem.connectionId ?? 'policy',
      at,
      kind: 'policy-invalid',
      ok: false,
      error: { code: 'invalid_policy', message: `${problem.where}: ${problem.message}` },
    }))
    .filter((event) => !known.has(`${event.connectionId}\n${event.error!.message}`));
  await appendHistory(deps.db, events);
}
