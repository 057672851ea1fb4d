// The promises Token Keeper makes, checked against the simulated world after every step
// (docs/reliability.md#invariants). "Always" invariants hold at every moment; "at rest" ones hold whenever
// the worker has nothing in flight. A reuse of a rotated refresh token whose successor never reached us
// (or reached a worker that died before it could store it) is the provider's design, not our bug: it is
// counted apart as unavoidable.
import type { Connection, SecretRecord } from '../../utils/model';
import { CLOCK_JUMP_TOLERANCE_MS, STALE_MARKER_MS } from '../../utils/engine/schedule';
import { DEFAULT_SETTINGS, type Settings } from '../../utils/settings';
import type { IssuedRefreshToken, TokenServer } from '../sim/token-server';
import type { KnownConnection, World } from '../sim/world';

/** A broken promise. */
export interface Violation {
  invariant: string;
  detail: string;
}

/** What the checks counted besides violations. */
export interface Tally {
  /** Rotated refresh tokens presented again within the provider's leeway (accepted, nothing lost). */
  reuseWithinLeeway: number;
  /** Grants lost to a lost answer, per provider behaviour: the unavoidable window. */
  unavoidable: Record<string, number>;
  /** Tokens handed out that were dead because their grant was lost in the unavoidable window. */
  excusedDeadTokens: number;
  /**
   * Tokens handed out dead after the wall clock went back while no worker ran, by less than the time that
   * passed meanwhile: no clock the engine can read shows it (docs/reliability.md#clock-jumps).
   */
  deadAfterHiddenJump: number;
  checks: number;
}

/** Checks a world; keeps its place in the servers' and world's logs between calls. */
export interface Checker {
  always(): Promise<Violation[]>;
  atRest(): Promise<Violation[]>;
  readonly tally: Tally;
}

const WATCHDOG_SLACK_MS = 60_000;
const TOKEN_TEXT = /sim-(?:at|rt)-/;

/** Builds the checker of `world`. */
export function createChecker(world: World): Checker {
  const tally: Tally = {
    reuseWithinLeeway: 0,
    unavoidable: {},
    excusedDeadTokens: 0,
    deadAfterHiddenJump: 0,
    checks: 0,
  };
  const seenReuses = new Map<TokenServer, number>();
  let seenNetwork = 0;
  let seenHandedOut = 0;
  let historySeen = 0;

  /** The tokens after `token` in its rotation chain. */
  function successors(server: TokenServer, token: IssuedRefreshToken): IssuedRefreshToken[] {
    const chain: IssuedRefreshToken[] = [];
    for (let next = token.successor; next !== undefined;) {
      const issued = server.refreshToken(next)!;
      chain.push(issued);
      next = issued.successor;
    }
    return chain;
  }

  /** Whether we held `token` (stored it, or received it in a worker that lived on to store it). */
  function ours(token: IssuedRefreshToken): boolean {
    if (world.everStored.has(token.value)) return true;
    return token.delivered !== undefined && !world.killed.has(token.delivered.worker);
  }

  function checkReuses(): Violation[] {
    const violations: Violation[] = [];
    for (const entry of world.known) {
      const server = entry.server;
      const reuses = server.reuses();
      for (let i = seenReuses.get(server) ?? 0; i < reuses.length; i += 1) {
        const reuse = reuses[i]!;
        if (reuse.withinLeeway) {
          tally.reuseWithinLeeway += 1;
          continue;
        }
        const held = successors(server, reuse.token).find(ours);
        const lost = lostAt(server, reuse.token);
        if (held) {
          violations.push({
            invariant: 'no reuse of a rotated refresh token caused by us',
            detail: `${entry.id} (${entry.policy}) sent refresh token #${reuse.token.index} after holding #${held.index}`,
          });
        } else if (
          server.policy.reuseLeewayMs > 0 &&
          lost !== undefined &&
          world.upAndEnabled(lost, reuse.at) &&
          // A clock set back before the watchdog settled the loss holds every alarm, the watchdog's too,
          // until the clock catches up: no code runs meanwhile (docs/reliability.md#the-unavoidable-window).
          !world.clockWentBack(lost, Math.min(reuse.at, lost + WATCHDOG_SLACK_MS + STALE_MARKER_MS))
        ) {
          // With a leeway, a lost answer is settled by the next start or the watchdog, within minutes.
          violations.push({
            invariant: 'with a reuse leeway, no single fault loses a grant',
            detail: `${entry.id} reused refresh token #${reuse.token.index} ${Math.round((reuse.at - lost) / 60_000)} min after its answer was lost, with the browser open all along`,
          });
        } else {
          tally.unavoidable[entry.policy] = (tally.unavoidable[entry.policy] ?? 0) + 1;
          const family = server.families()[reuse.token.family];
          if (family) world.excused.add(family);
        }
      }
      seenReuses.set(server, reuses.length);
    }
    return violations;
  }

  async function checkHandedOut(): Promise<Violation[]> {
    const violations: Violation[] = [];
    if (seenHandedOut === world.handedOut.length) return violations;
    // The latest time the engine itself had recorded (what its clock guard compares with).
    const seenByEngine = await world.inspect(async (db) => {
      const meta = await db.get('meta', 'clock');
      const updated = (await db.getAll('connections')).map((c) => c.updatedAt);
      return Math.max(meta?.seenAt ?? -Infinity, ...updated);
    });
    for (; seenHandedOut < world.handedOut.length; seenHandedOut += 1) {
      const given = world.handedOut[seenHandedOut]!;
      if (given.valid) continue;
      const family = given.family;
      if (
        family &&
        given.familyRevoked &&
        (family.revokedBecause === 'revocation' || world.excused.has(family))
      ) {
        tally.excusedDeadTokens += 1;
        continue;
      }
      if (
        given.clockMovedSinceIssue < 0 &&
        given.wallAt >= seenByEngine - CLOCK_JUMP_TOLERANCE_MS
      ) {
        tally.deadAfterHiddenJump += 1;
        continue;
      }
      violations.push({
        invariant: 'no dead token handed out',
        detail: `${given.connectionId} got a token its provider no longer accepted`,
      });
    }
    return violations;
  }

  async function always(): Promise<Violation[]> {
    tally.checks += 1;
    const violations: Violation[] = [];
    for (; seenNetwork < world.network.violations.length; seenNetwork += 1) {
      const found = world.network.violations[seenNetwork]!;
      violations.push({ invariant: 'never two token requests in flight', detail: found.detail });
    }
    violations.push(...checkReuses(), ...(await checkHandedOut()));
    const ids = await world.inspect((db) => db.getAllKeys('connections'));
    for (const id of ids) {
      if (world.removed.has(id)) {
        violations.push({ invariant: 'a removed connection never reappears', detail: id });
      }
    }
    return violations;
  }

  async function atRest(): Promise<Violation[]> {
    const { connections, settings, history } = await world.inspect(async (db) => ({
      connections: await db.getAll('connections'),
      settings: { ...DEFAULT_SETTINGS, ...(await db.get('settings', 'settings')) } as Settings,
      // Only the events since the last check (ids grow; a wiped database starts again from 1).
      history: await db.getAll('history', IDBKeyRange.lowerBound(historySeen, true)),
    }));
    const lastId = history.at(-1)?.id;
    if (lastId !== undefined) historySeen = lastId;
    else if ((await world.inspect((db) => db.count('history'))) === 0) historySeen = 0;
    const secrets = await world.storedSecrets();
    const unsaved = new Set(await world.unsaved());
    const violations: Violation[] = [];
    const byId = new Map(connections.map((c) => [c.id, c]));
    for (const entry of world.known) {
      const connection = byId.get(entry.id);
      if (!connection || world.removed.has(entry.id)) continue;
      violations.push(...checkDelivered(entry, connection, secrets.get(entry.id), unsaved));
      violations.push(...checkAgreement(entry, connection, secrets.get(entry.id), unsaved));
    }
    for (const id of secrets.keys()) {
      if (!byId.has(id)) {
        violations.push({
          invariant: 'state, secrets and history agree',
          detail: `orphan secret ${id}`,
        });
      }
    }
    if (TOKEN_TEXT.test(JSON.stringify([connections, history]))) {
      violations.push({ invariant: 'nothing leaked', detail: 'a token value in state or history' });
    }
    if (settings.enabled) violations.push(...checkPlan(connections));
    return violations;
  }

  /** Every refresh token the provider delivered to us is stored or superseded. */
  function checkDelivered(
    entry: KnownConnection,
    connection: Connection,
    stored: SecretRecord | 'unreadable' | undefined,
    unsaved: Set<string>,
  ): Violation[] {
    if (connection.state === 'new' || unsaved.has(entry.id)) return [];
    const families = entry.server.families();
    let newest: IssuedRefreshToken | undefined;
    for (const value of deliveredTokens(entry.server)) {
      // A grant the engine could not keep and tried to give back (a failed connect) is not dropped.
      if (!ours(value) || world.network.givenBack.has(value.value)) continue;
      if (
        !newest ||
        value.family > newest.family ||
        (value.family === newest.family && value.index > newest.index)
      ) {
        newest = value;
      }
    }
    if (!newest) return [];
    const family = families[newest.family]!;
    if (family.revokedAt !== null || entry.damaged.has(family.id)) return [];
    const kept =
      stored !== undefined && stored !== 'unreadable' && stored.refreshToken
        ? entry.server.refreshToken(stored.refreshToken)
        : undefined;
    if (
      kept &&
      (kept.family > newest.family || (kept.family === newest.family && kept.index >= newest.index))
    ) {
      return [];
    }
    return [
      {
        invariant: 'every delivered refresh token is stored or superseded',
        detail: `${entry.id} (${entry.policy}, ${connection.state}) holds ${kept ? `#${kept.family}.${kept.index}` : String(stored === 'unreadable' ? 'an unreadable record' : 'nothing')} after #${newest.family}.${newest.index} reached it`,
      },
    ];
  }

  /** A connected connection has readable secrets with a refresh token. */
  function checkAgreement(
    entry: KnownConnection,
    connection: Connection,
    stored: SecretRecord | 'unreadable' | undefined,
    unsaved: Set<string>,
  ): Violation[] {
    if (connection.state !== 'healthy' && connection.state !== 'retrying') return [];
    if (unsaved.has(entry.id) || entry.unreadableExpected) return [];
    if (stored !== undefined && stored !== 'unreadable' && stored.refreshToken) return [];
    return [
      {
        invariant: 'state, secrets and history agree',
        detail: `${entry.id} is ${connection.state} with ${stored === 'unreadable' ? 'unreadable secrets' : 'no refresh token'}`,
      },
    ];
  }

  /** No healthy connection with an expired token and nothing planned; the alarm points at the earliest plan. */
  function checkPlan(connections: Connection[]): Violation[] {
    const violations: Violation[] = [];
    const now = world.wall.now();
    let earliest = Infinity;
    let which = '';
    for (const connection of connections) {
      const planned = connection.nextRefreshAt;
      const active = connection.state === 'healthy' || connection.state === 'retrying';
      if (active && planned === undefined) {
        violations.push({
          invariant: 'no connection healthy with an expired token and no refresh planned',
          detail: `${connection.id} is ${connection.state} with nothing planned`,
        });
      }
      if (planned !== undefined && planned < earliest) {
        earliest = planned;
        which = `${connection.id} (${connection.state}) planned`;
      }
      // A marker must be settled once stale (a minute: the request timed out long before).
      if (
        connection.inFlightSince !== null &&
        connection.inFlightSince + STALE_MARKER_MS < earliest
      ) {
        earliest = connection.inFlightSince + STALE_MARKER_MS;
        which = `${connection.id} (${connection.state}) in flight since ${Math.round((now - connection.inFlightSince) / 1000)} s ago`;
      }
    }
    // Alarms keep wall-clock times: after a jump they fire as planned in real time, not by the new clock.
    if (earliest === Infinity || world.jumpedSinceAlarmSet() || !world.alarmsRebuilt()) {
      return violations;
    }
    const alarm = world.alarms.all().find((a) => a.name === 'refresh');
    // At most the watchdog's minute late: an alarm that could not be armed right (storage failing) or a
    // worker that died mid-work is woken by it.
    const latest = Math.max(earliest, now + WATCHDOG_SLACK_MS) + 1_000;
    if (!alarm || alarm.scheduledTime > latest) {
      violations.push({
        invariant: 'the refresh alarm points at the earliest planned refresh',
        detail: alarm
          ? `alarm ${Math.round((alarm.scheduledTime - earliest) / 1000)} s after the earliest plan (${which}, ${Math.round((earliest - now) / 1000)} s from now)`
          : `no alarm; earliest plan ${which}, ${Math.round((earliest - now) / 1000)} s from now`,
      });
    }
    return violations;
  }

  return { always, atRest, tally };
}

/** The refresh tokens of `server` whose answer reached the engine. */
function deliveredTokens(server: TokenServer): IssuedRefreshToken[] {
  const delivered: IssuedRefreshToken[] = [];
  for (const family of server.families()) {
    for (let value: string | undefined = family.first; value !== undefined;) {
      const token: IssuedRefreshToken = server.refreshToken(value)!;
      if (token.delivered) delivered.push(token);
      value = token.successor;
    }
  }
  return delivered;
}

/** When the answer carrying `token`'s successor was lost (its successor was issued then), if it was. */
function lostAt(server: TokenServer, token: IssuedRefreshToken): number | undefined {
  return token.successor === undefined ? undefined : server.refreshToken(token.successor)?.issuedAt;
}
