import * as v from 'valibot';
import type { ValidConnectionInput } from '../connection-input';
import { errorMessage } from '../error-text';
import type { SecretRecord, StoredError } from '../model';
import { resolveSetup, type ConnectionSetup } from '../oauth/providers';
import { redact } from '../oauth/redact';
import { isVaultLocked } from '../store/vault';
import type { LifecycleDeps } from './lifecycle';

/** The lifecycle's dependencies with their defaults filled in, shared by add, connect, disconnect, remove, edit. */
export interface LifecycleContext extends LifecycleDeps {
  newId: () => string;
  random: () => number;
  /** Tells pages something changed (the services send one status snapshot per burst). */
  changed: () => void;
  /** Runs a small storage step with retries (`steadily`, utils/engine/retrying.ts). */
  storageStep: <T>(work: () => Promise<T>) => Promise<T>;
}

/** Why a person cannot remove a managed connection (the worker refuses, not only the page). */
export const MANAGED_REFUSAL: StoredError = {
  code: 'managed',
  message: 'Managed by your organisation: this connection cannot be removed or changed here.',
};

/**
 * Runs `work` inside the connection's refresh lock, then the vault's use (the refresher's order, R4), so
 * the key cannot change between a read or seal and its commit; `whenLocked` answers when the lock is closed.
 */
export function withKey<T, L>(
  ctx: LifecycleContext,
  connectionId: string,
  work: () => Promise<T>,
  whenLocked: () => L | Promise<L>,
): Promise<T | L> {
  return ctx.locks.request(`refresh:${connectionId}`, () =>
    ctx.vault.use<T | L>(work).catch((error: unknown) => {
      if (isVaultLocked(error)) return whenLocked();
      throw error;
    }),
  );
}

/** A connection's secrets, or none when they cannot be read (connect and disconnect must still work). */
export async function readQuietly(
  ctx: LifecycleContext,
  connectionId: string,
): Promise<SecretRecord | undefined> {
  const read = await ctx.secrets.read(connectionId);
  return read.ok ? read.record : undefined;
}

/** A refusal with its reason (redacted: a provider's message may quote a token). */
export function failure(
  code: string,
  message: string,
): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message: redact(message) } };
}

/** A refusal as the actions answer it. */
export type Refusal = ReturnType<typeof failure>;

/** What a page sent, checked against `schema` (R8): the value, or a refusal naming the first problem. */
export function validated<T>(
  schema: v.GenericSchema<unknown, T>,
  raw: unknown,
  fallback: string,
): { ok: true; value: T } | Refusal {
  const parsed = v.safeParse(schema, raw);
  if (!parsed.success) return failure('invalid_input', parsed.issues[0]?.message ?? fallback);
  return { ok: true, value: parsed.output };
}

/** The endpoints and scopes of a set-up (discovery: network, so never inside the lock), or why not. */
export async function setupOf(
  ctx: LifecycleContext,
  input: ValidConnectionInput,
): Promise<{ ok: true; value: ConnectionSetup } | Refusal> {
  try {
    return { ok: true, value: await resolveSetup(input, ctx.requestOptions) };
  } catch (error) {
    return failure('endpoints', errorMessage(error));
  }
}
