import type { Connection, RefreshOutcome, RefreshTrigger, SecretRecord } from '../model';
import { classifyTokenError } from '../oauth/classify';
import type { ClientTarget, RequestOptions, TokenSet } from '../oauth/client';
import { describeForProvider } from '../oauth/provider-errors';
import { salvagedRefreshToken } from '../oauth/salvage';
import type { Settings } from '../settings';
import { isVaultLocked, type Vault } from '../store/vault';
import { lockedOutcome, storageTrouble } from './refresh-answers';
import type { OutcomeRecorder, RefreshIo } from './refresh-outcome';
import { STALE_MARKER_MS } from './schedule';
import { UNREADABLE_FAILURE, type SecretKeeper } from './secrets';

/** Sends a refresh-token grant; the real one is `refreshAccessToken`, tests may wrap it. */
export type RefreshGrant = (
  target: ClientTarget,
  refreshToken: string,
  options: RequestOptions,
) => Promise<TokenSet>;

/** A `Retry-After` longer than this skips the quick retries and waits for an alarm. */
const QUICK_RETRY_MAX_WAIT_SEC = 10;

/** One attempt's result, and whether a quick retry may follow. */
export interface Attempt {
  outcome: RefreshOutcome;
  retryQuickly: boolean;
}

/** What one attempt needs. */
export interface AttemptDeps extends RefreshIo {
  vault: Vault;
  secrets: SecretKeeper;
  grant: RefreshGrant;
  requestOptions: RequestOptions;
  isOnline: () => boolean;
  outcomes: OutcomeRecorder;
}

/** Runs one attempt on a connection the gate admitted; the caller holds the connection's lock. */
export type AttemptOnce = (
  connection: Connection,
  trigger: RefreshTrigger,
  settings: Settings,
) => Promise<Attempt>;

/** Builds the attempt: stored secret, in-flight marker, the request, the answer's secret stored first (R5). */
export function createAttempt(deps: AttemptDeps): AttemptOnce {
  /**
   * One attempt under the vault's use: a lock that closes meanwhile waits until its outcome is stored,
   * so it completes and commits, or never starts (docs/security.md#the-lock).
   */
  return async function attemptOnce(connection, trigger, settings) {
    try {
      return await deps.vault.use(() => attemptWithKey(connection, trigger, settings));
    } catch (error) {
      if (!isVaultLocked(error)) throw error;
      return { outcome: lockedOutcome(connection), retryQuickly: false };
    }
  };

  async function attemptWithKey(
    connection: Connection,
    trigger: RefreshTrigger,
    settings: Settings,
  ): Promise<Attempt> {
    const read = await deps.secrets.read(connection.id);
    if (!read.ok && read.reason === 'locked') return settled(lockedOutcome(connection));
    if (!read.ok && read.reason === 'unreadable') {
      return settled(
        await deps.outcomes.failed(connection, trigger, 0, settings, UNREADABLE_FAILURE),
      );
    }
    if (!read.ok) return settled(storageTrouble(connection));
    const stored = read.record;
    if (!stored?.refreshToken) {
      const error = {
        kind: 'permanent',
        code: 'no_refresh_token',
        message: 'The provider gave no refresh token: reconnect (and allow offline access).',
      } as const;
      return settled(await deps.outcomes.failed(connection, trigger, 0, settings, error));
    }
    if (!deps.isOnline()) return settled(await deps.outcomes.offline(connection, trigger));
    const startedAt = deps.clock.now();
    if (!(await markInFlight(connection, startedAt))) return settled(storageTrouble(connection));

    let tokens: TokenSet;
    try {
      tokens = await deps.grant(
        {
          endpoints: connection.endpoints,
          clientId: connection.clientId,
          ...clientSecretOf(stored),
        },
        stored.refreshToken,
        deps.requestOptions,
      );
    } catch (error) {
      // A 2xx answer we could not use may still have rotated the refresh token: keep the new one first.
      const rotated = salvagedRefreshToken(error);
      if (rotated) await deps.secrets.persist({ ...stored, refreshToken: rotated });
      // Provider presets turn generic codes into what this provider's users must do.
      const classified = describeForProvider(connection.provider, classifyTokenError(error), error);
      const durationMs = deps.clock.now() - startedAt;
      const outcome = await deps.outcomes.failed(
        connection,
        trigger,
        durationMs,
        settings,
        classified,
      );
      const retryQuickly =
        classified.kind === 'transient' &&
        (classified.retryAfterSec ?? 0) <= QUICK_RETRY_MAX_WAIT_SEC &&
        deps.isOnline();
      return { outcome, retryQuickly };
    }
    // Rotation first: the new secret lands on its own before the state (docs/reliability.md#rotation-first).
    const arrivedAt = deps.clock.now();
    await deps.secrets.persist({
      ...stored,
      accessToken: tokens.accessToken,
      // No refresh_token in the response means the provider did not rotate: keep the one we have.
      refreshToken: tokens.refreshToken ?? stored.refreshToken,
    });
    const success = { connection, trigger, settings, tokens, startedAt, arrivedAt };
    return settled(await deps.outcomes.succeeded(success));
  }

  /** R5: the marker is durable before the request leaves, so a killed worker is noticed on wake-up. */
  async function markInFlight(connection: Connection, startedAt: number): Promise<boolean> {
    // A stale marker is settled a minute on: the alarm must cover that before the marker exists.
    await deps.cover(startedAt + STALE_MARKER_MS);
    try {
      await deps.steadily(() =>
        deps.db.put('connections', {
          ...connection,
          inFlightSince: startedAt,
          updatedAt: startedAt,
        }),
      );
    } catch {
      // Nothing has left yet: no request without the marker, and the plan stays as it was.
      return false;
    }
    deps.changed();
    return true;
  }
}

/** An attempt after which no quick retry follows. */
function settled(outcome: RefreshOutcome): Attempt {
  return { outcome, retryQuickly: false };
}

function clientSecretOf(secrets: SecretRecord): { clientSecret?: string } {
  return secrets.clientSecret ? { clientSecret: secrets.clientSecret } : {};
}
