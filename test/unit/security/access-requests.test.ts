import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Services } from '@/utils/background/services';
import { createHandlers } from '@/utils/background/handlers';
import { CALLER_BURST } from '@/utils/engine/caller-limit';
import {
  DENIAL_COOLDOWN_MS,
  MAX_PENDING_REQUESTS,
  type AccessRequestAlerts,
} from '@/utils/engine/access-requests';
import { ANY_CONNECTION, type AccessRequest } from '@/utils/model';
import { queryHistory } from '@/utils/store/history';
import { seedConnectionIn, type ManualClock } from '../../support/engine-fixture';
import { dumpStores, offlineServices } from '../../support/offline-services';

const FRIEND = 'abcdefghijklmnopabcdefghijklmnop';
const STRANGER = 'ponmlkjihgfedcbaponmlkjihgfedcba';

/** Notifications as the worker would show them: which requests, in order. */
function recordingAlerts(): AccessRequestAlerts & { shown: AccessRequest[]; cleared: string[] } {
  const shown: AccessRequest[] = [];
  const cleared: string[] = [];
  return {
    shown,
    cleared,
    show: async (request) => void shown.push(request),
    clear: async (extensionId) => void cleared.push(extensionId),
  };
}

const ask = (services: Services, caller: string | undefined, request: Record<string, unknown>) =>
  services.access.answerExternal(
    { type: 'requestAccess', name: 'Issue helper', reason: 'Shows your Jira issues', ...request },
    caller,
  );

const token = (services: Services, caller: string, connectionId: string) =>
  services.access.answerExternal({ type: 'getAccessToken', connectionId }, caller);

const dumpAll = (services: Services) =>
  dumpStores(services, ['connections', 'secrets', 'history', 'accessRequests']);

describe('access requests from other extensions', () => {
  let services: Services;
  let alerts: ReturnType<typeof recordingAlerts>;
  let clock: ManualClock;

  beforeEach(async () => {
    fakeBrowser.reset();
    alerts = recordingAlerts();
    services = await offlineServices({ accessAlerts: alerts });
    clock = services.clock as ManualClock;
    await seedConnectionIn(services, { id: 'jira-work', provider: 'jira', label: 'Work Jira' });
    await seedConnectionIn(services, { id: 'google', provider: 'google', label: 'Mail' });
  });

  it('records a request once, however often it is repeated, and tells the person once', async () => {
    const first = await ask(services, FRIEND, { connectionId: 'jira-work' });
    const again = await ask(services, FRIEND, { connectionId: 'google', reason: 'Other words' });

    const pending = await services.access.requests.pending();
    const history = (await queryHistory(services.db, { limit: 10 })).events;
    expect([first, again]).toEqual([
      { ok: true, status: 'pending' },
      { ok: true, status: 'pending' },
    ]);
    expect(pending).toEqual([
      {
        extensionId: FRIEND,
        claimedName: 'Issue helper',
        reason: 'Shows your Jira issues',
        connectionId: 'jira-work',
        requestedAt: clock.now(),
        status: 'pending',
      },
    ]);
    expect(alerts.shown.map((r) => r.extensionId)).toEqual([FRIEND]);
    expect(history.map((e) => [e.kind, e.connectionId, e.caller])).toEqual([
      ['access-requested', 'jira-work', FRIEND],
    ]);
    expect((await services.snapshot()).accessRequests).toBe(1);
  });

  it('gives an extension allowed one connection that connection only, never another', async () => {
    await ask(services, FRIEND, { connectionId: 'jira-work' });

    const decided = await services.access.requests.decide(FRIEND, { allow: ['jira-work'] });
    const allowed = await token(services, FRIEND, 'jira-work');
    const other = await token(services, FRIEND, 'google');
    const again = await ask(services, FRIEND, {});
    const forOther = await ask(services, FRIEND, { connectionId: 'google' });

    expect(decided).toEqual({ ok: true, value: undefined });
    expect(allowed).toMatchObject({ ok: true, accessToken: 'at-0' });
    expect(other).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(again).toEqual({
      ok: true,
      status: 'allowed',
      connections: [
        {
          connectionId: 'jira-work',
          provider: 'jira',
          label: 'Work Jira',
          expiresAt: expect.any(Number),
          needsReconnect: false,
        },
      ],
    });
    // Asking for the other one is a new request for the person, not access.
    expect(forOther).toEqual({ ok: true, status: 'pending' });
    expect(await services.access.allowed('google')).toEqual([]);
    expect(alerts.cleared).toEqual([FRIEND]);
  });

  it('refuses a declined extension quietly during the cool-down, then lets it ask once more', async () => {
    await ask(services, FRIEND, { connectionId: 'jira-work' });
    await services.access.requests.decide(FRIEND, { deny: true });
    const afterDecision = await dumpAll(services);

    clock.advance(DENIAL_COOLDOWN_MS - 1_000);
    const during = await ask(services, FRIEND, { connectionId: 'jira-work' });
    const tokenDuring = await token(services, FRIEND, 'jira-work');
    const unchanged = await dumpAll(services);
    clock.advance(1_000);
    const after = await ask(services, FRIEND, { connectionId: 'jira-work' });

    expect(during).toEqual({
      ok: false,
      error: { code: 'denied', message: expect.stringMatching(/^The person declined/) },
    });
    expect(tokenDuring).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(unchanged).toBe(afterDecision);
    expect(after).toEqual({ ok: true, status: 'pending' });
    expect(alerts.shown.map((r) => r.extensionId)).toEqual([FRIEND, FRIEND]);
    const kinds = (await queryHistory(services.db, { limit: 10 })).events.map((e) => e.kind);
    expect(kinds).toEqual(['access-requested', 'access-denied', 'access-requested']);
  });

  it('keeps at most a few requests waiting at once, whoever asks', async () => {
    const callers = Array.from({ length: MAX_PENDING_REQUESTS + 1 }, (_, i) =>
      String.fromCharCode(97 + i).repeat(32),
    );

    const answers = [];
    for (const caller of callers) answers.push(await ask(services, caller, {}));

    expect(answers.slice(0, MAX_PENDING_REQUESTS).every((a) => a.ok)).toBe(true);
    expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await services.access.requests.pending()).toHaveLength(MAX_PENDING_REQUESTS);
  });

  it('counts requests against the same allowance as tokens', async () => {
    const answers = [];
    for (let call = 0; call < CALLER_BURST + 1; call += 1)
      answers.push(await ask(services, FRIEND, {}));

    expect(answers.slice(0, CALLER_BURST).every((a) => a.ok)).toBe(true);
    expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('keeps the claimed name and reason as plain, short text', async () => {
    const sneaky = 'Jira\u202Eevil\u200B\nhelper\u0000 <img src=x onerror=alert(1)>';

    const stored = await ask(services, FRIEND, { name: sneaky, reason: 'line one\r\nline two' });
    const tooLong = await ask(services, STRANGER, { name: 'x'.repeat(61) });

    const [request] = await services.access.requests.pending();
    expect(stored).toEqual({ ok: true, status: 'pending' });
    expect(request?.claimedName).toBe('Jira evil helper <img src=x onerror=alert(1)>');
    expect(request?.reason).toBe('line one line two');
    expect(tooLong).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'The name is longer than 60 characters.' },
    });
    expect(await services.access.requests.pending()).toHaveLength(1);
  });

  it('records a request that names no connection, or an unknown one, under no connection', async () => {
    await ask(services, FRIEND, { connectionId: 'does-not-exist' });

    const [event] = (await queryHistory(services.db, { limit: 1 })).events;
    expect(event).toMatchObject({ kind: 'access-requested', connectionId: ANY_CONNECTION });
  });

  it('says nothing of connections to an extension that is not allowed', async () => {
    const answer = await ask(services, FRIEND, { provider: 'jira' });

    expect(JSON.stringify(answer)).not.toMatch(/jira-work|Work Jira/);
  });

  it('refuses a sender the browser did not name', async () => {
    const before = await dumpAll(services);

    const answer = await ask(services, undefined, {});

    expect(answer).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(await dumpAll(services)).toBe(before);
  });

  it('does not let the person allow a managed connection, and keeps the request waiting', async () => {
    await seedConnectionIn(services, {
      id: 'managed:jira',
      managed: { policyId: 'jira', source: {} as never },
    });
    await ask(services, FRIEND, { connectionId: 'managed:jira' });

    const decided = await services.access.requests.decide(FRIEND, {
      allow: ['jira-work', 'managed:jira'],
    });

    expect(decided).toMatchObject({ ok: false, error: { code: 'managed' } });
    expect(await services.access.allowed('jira-work')).toEqual([]);
    expect(await services.access.requests.pending()).toHaveLength(1);
  });

  it('lets the person take off, or keep, an extension the browser named in Firefox form', async () => {
    const firefoxId = 'issue-helper@example.org';
    await ask(services, firefoxId, {});
    await services.access.requests.decide(firefoxId, { allow: ['google'] });

    const kept = await services.access.setAllowed('google', [firefoxId, FRIEND]);
    const typed = await services.access.setAllowed('google', [firefoxId, 'typed@example.org']);
    const removed = await services.access.setAllowed('google', [FRIEND]);

    expect(kept).toEqual({ ok: true, value: [firefoxId, FRIEND] });
    expect(typed).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(removed).toEqual({ ok: true, value: [FRIEND] });
  });

  it('answers a request only once', async () => {
    await ask(services, FRIEND, {});
    await services.access.requests.decide(FRIEND, { allow: ['google'] });

    const twice = await services.access.requests.decide(FRIEND, { deny: true });
    const unknown = await services.access.requests.decide(STRANGER, { allow: ['google'] });

    expect(twice).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await services.access.allowed('google')).toEqual([FRIEND]);
  });

  it('validates the page message that answers a request', async () => {
    await ask(services, FRIEND, {});
    const handlers = createHandlers(services);
    const before = await dumpAll(services);

    const attempts = [
      handlers.decideAccessRequest({ extensionId: FRIEND, decision: { allow: [] } }),
      handlers.decideAccessRequest({ extensionId: FRIEND, decision: { deny: 'yes' } }),
      handlers.decideAccessRequest({ extensionId: FRIEND }),
    ];

    for (const attempt of attempts) await expect(attempt).rejects.toThrow(/^Invalid request: /);
    expect(await dumpAll(services)).toBe(before);
  });
});

describe('claimed text, whatever is sent', () => {
  it('is refused, or kept without control, format or separator characters and within its limits', async () => {
    fakeBrowser.reset();
    const services = await offlineServices();
    let serial = 0;
    const hidden = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u;

    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 1300 }),
        async (name, reason) => {
          serial += 1;
          const caller = `caller-${serial}`;
          const before = await dumpAll(services);

          const answer = await services.access.answerExternal(
            { type: 'requestAccess', name, reason },
            caller,
          );

          const stored = await services.db.get('accessRequests', caller);
          if (!answer.ok) {
            expect(answer.error.code).toBe('invalid_request');
            expect(await dumpAll(services)).toBe(before);
            return;
          }
          expect(stored!.claimedName).not.toMatch(hidden);
          expect(stored!.reason).not.toMatch(hidden);
          expect(stored!.claimedName.length).toBeGreaterThan(0);
          expect(stored!.claimedName.length).toBeLessThanOrEqual(60);
          expect(stored!.reason.length).toBeLessThanOrEqual(300);
          await services.db.delete('accessRequests', caller);
        },
      ),
      { numRuns: 200 },
    );
  });
});
