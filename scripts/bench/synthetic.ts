// Synthetic connections and history for the scale measurements: the shapes the engine stores, in the
// proportions a busy month produces (mostly refreshes, some failures with their retries and recoveries).
import type { Connection, HistoryEvent } from '../../utils/model';
import { createRandom } from '../sim/prng';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `count` healthy connections with 1-hour tokens, refreshed recently, next refreshes spread over 50 min. */
export function syntheticConnections(count: number, now: number, seed = 7): Connection[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const lastRefreshAt = now - Math.round(random.next() * 10 * 60_000);
    const expiresAt = lastRefreshAt + HOUR;
    return {
      id: `scale-${String(i).padStart(4, '0')}`,
      provider: i % 3 === 0 ? 'google' : i % 3 === 1 ? 'jira' : 'custom',
      label: `Connection ${i + 1}`,
      account: `user${i + 1}@example.test`,
      clientId: `client-${i % 7}`,
      hasClientSecret: i % 3 !== 2,
      scopes: ['openid', 'email', 'offline_access'],
      endpoints: {
        authorization: `https://as${i % 7}.example.test/authorize`,
        token: `https://as${i % 7}.example.test/token`,
      },
      state: 'healthy',
      expiresAt,
      lifetimeSec: 3600,
      lifetimeAssumed: false,
      nextRefreshAt: expiresAt - 10 * 60_000 - Math.round(random.next() * 60_000),
      lastRefreshAt,
      inFlightSince: null,
      failure: null,
      createdAt: now - 40 * DAY,
      updatedAt: lastRefreshAt,
    } satisfies Connection;
  });
}

/**
 * `connection` after its provider refused the grant: it needs a reconnect, and the popup shows it as a full
 * card above the calm ones (drawn as rows).
 */
export function needingReconnect(connection: Connection, failedAt: number): Connection {
  const { nextRefreshAt: _planned, ...rest } = connection;
  return {
    ...rest,
    state: 'needs-reconnect',
    failure: {
      failedAt,
      attempt: 1,
      kind: 'permanent',
      lastError: {
        code: 'invalid_grant',
        message: 'The refresh token was revoked (invalid_grant).',
      },
    },
  };
}

/**
 * `count` history events for `connectionIds` over the 29 days before `now` (inside the 30-day retention),
 * oldest first: 96 % refreshes, the rest failures each followed by a retry and, later, a recovery.
 */
export function syntheticHistory(
  connectionIds: readonly string[],
  count: number,
  now: number,
  seed = 11,
): HistoryEvent[] {
  const random = createRandom(seed);
  const span = 29 * DAY;
  const events: HistoryEvent[] = [];
  for (let i = 0; events.length < count; i += 1) {
    const at = Math.round(now - span + (span * events.length) / count);
    const connectionId = connectionIds[random.int(0, connectionIds.length - 1)]!;
    const trigger = random.chance(0.9) ? 'alarm' : 'on-demand';
    if (random.chance(0.04) && events.length + 3 <= count) {
      const error = { code: 'http_503', message: 'The token endpoint is unavailable (HTTP 503).' };
      events.push({
        connectionId,
        at,
        kind: 'refresh-failed',
        trigger,
        ok: false,
        durationMs: 300,
        error,
      });
      events.push({
        connectionId,
        at,
        kind: 'retry-scheduled',
        trigger,
        ok: false,
        expiresAt: at + 30_000,
      });
      events.push({
        connectionId,
        at: at + 30_000,
        kind: 'recovered',
        trigger: 'alarm',
        ok: true,
        durationMs: 30_000,
      });
    } else {
      events.push({
        connectionId,
        at,
        kind: 'refreshed',
        trigger,
        ok: true,
        durationMs: random.int(120, 900),
        expiresAt: at + HOUR,
      });
    }
  }
  return events;
}
