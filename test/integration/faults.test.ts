import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Services } from '@/utils/background/services';
import type { Alert } from '@/utils/engine/attention';
import { refreshAccessToken } from '@/utils/oauth/client';
import { queryHistory } from '@/utils/store/history';
import {
  DEMO_CLIENT_ID,
  startAuthServer,
  type AuthServerHandle,
  type TokenFault,
} from '../support/auth-server';
import { ROOT } from '../support/build';
import { connectedServices } from '../support/connected-services';

/** One row of docs/reliability.md: a fault at the token endpoint and what Token Keeper did. */
interface FaultCase {
  name: string;
  fault?: TokenFault;
  /** Something done to the grant outside the extension instead of a fault. */
  sabotage?: 'revoke' | 'rotate-elsewhere';
  expected: {
    code: string;
    kind: 'transient' | 'permanent' | 'configuration';
    state: 'retrying' | 'needs-reconnect';
    requests: number;
    notified: string;
    tokenWorksAfter: boolean;
  };
}

const QUICK_RETRIES = 3;
const ALL = QUICK_RETRIES + 1;
const CLIENT_TIMEOUT_MS = 400;

const CASES: FaultCase[] = [
  {
    name: 'HTTP 500',
    fault: { kind: 'status', status: 500 },
    expected: {
      code: 'http_500',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'HTTP 502 HTML error page',
    fault: { kind: 'html', status: 502 },
    expected: {
      code: 'http_502',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'HTTP 503',
    fault: { kind: 'status', status: 503 },
    expected: {
      code: 'http_503',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'HTTP 429, Retry-After: 120',
    fault: { kind: 'status', status: 429, headers: { 'retry-after': '120' } },
    expected: {
      code: 'http_429',
      kind: 'transient',
      state: 'retrying',
      requests: 1,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'hang past the client timeout',
    fault: { kind: 'hang', ms: CLIENT_TIMEOUT_MS * 3 },
    expected: {
      code: 'timeout',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'connection reset',
    fault: { kind: 'reset' },
    expected: {
      code: 'network',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'HTTP 200 HTML page',
    fault: { kind: 'html', status: 200 },
    expected: {
      code: 'invalid_response',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'malformed JSON',
    fault: { kind: 'malformed-json' },
    expected: {
      code: 'invalid_response',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'missing access_token',
    fault: { kind: 'missing-access-token' },
    expected: {
      code: 'invalid_response',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'invalid_client (wrong secret)',
    fault: { kind: 'status', status: 401, body: JSON.stringify({ error: 'invalid_client' }) },
    expected: {
      code: 'invalid_client',
      kind: 'configuration',
      state: 'needs-reconnect',
      requests: 1,
      notified: 'at once: Open Token Keeper',
      tokenWorksAfter: true,
    },
  },
  {
    name: '401 with WWW-Authenticate: Basic (wrong secret)',
    fault: {
      kind: 'status',
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="token"' },
      body: JSON.stringify({ error: 'invalid_client' }),
    },
    expected: {
      code: 'invalid_client',
      kind: 'configuration',
      state: 'needs-reconnect',
      requests: 1,
      notified: 'at once: Open Token Keeper',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'HTTP 200 with a DPoP-bound token',
    fault: {
      kind: 'status',
      status: 200,
      body: JSON.stringify({ access_token: 'dpop-bound-at', token_type: 'DPoP', expires_in: 300 }),
    },
    expected: {
      code: 'not_bearer',
      kind: 'configuration',
      state: 'needs-reconnect',
      requests: 1,
      notified: 'at once: Open Token Keeper',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'error code named after a prototype property (`__proto__`)',
    fault: { kind: 'status', status: 400, body: JSON.stringify({ error: '__proto__' }) },
    expected: {
      code: '__proto__',
      kind: 'transient',
      state: 'retrying',
      requests: ALL,
      notified: 'no (token still valid)',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'error code outside the OAuth character set',
    fault: { kind: 'status', status: 400, body: JSON.stringify({ error: '<b>bad</b>' }) },
    expected: {
      code: 'http_400',
      kind: 'configuration',
      state: 'needs-reconnect',
      requests: 1,
      notified: 'at once: Open Token Keeper',
      tokenWorksAfter: true,
    },
  },
  {
    name: 'invalid_grant (grant revoked at the provider)',
    sabotage: 'revoke',
    expected: {
      code: 'invalid_grant',
      kind: 'permanent',
      state: 'needs-reconnect',
      requests: 1,
      notified: 'at once: Reconnect',
      tokenWorksAfter: false,
    },
  },
  {
    name: 'rotated refresh token reused (rotated elsewhere, no leeway)',
    sabotage: 'rotate-elsewhere',
    expected: {
      code: 'invalid_grant',
      kind: 'permanent',
      state: 'needs-reconnect',
      requests: 1,
      notified: 'at once: Reconnect',
      tokenWorksAfter: false,
    },
  },
];

const ACTIONS: Record<string, string> = {
  reconnect: 'Reconnect',
  open: 'Open Token Keeper',
  retry: 'Retry now',
};

describe('faults at the token endpoint (real oidc-provider)', () => {
  let server: AuthServerHandle;
  let services: Services;
  let connectionId: string;
  let alerts: Alert[];
  const rows: string[] = [];

  beforeAll(async () => {
    server = await startAuthServer({ accessTokenTtlSec: 3600 });
  });

  afterAll(async () => {
    await server.close();
    const table = [
      '| fault | classified as | state after | token requests | notification | refresh token afterwards |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
    syncReliabilityDoc(table);
  });

  beforeEach(async () => {
    fakeBrowser.reset();
    server.setFault(null);
    alerts = [];
    ({ services, connectionId } = await connectedServices(server, {
      scopes: ['openid', 'offline_access'],
      platform: {
        requestOptions: { timeoutMs: CLIENT_TIMEOUT_MS },
        alerts: {
          show: async (_c, alert) => void alerts.push(alert),
          clear: async () => undefined,
        },
      },
    }));
    server.resetRecords();
  });

  it.each(CASES)('$name', async ({ name, fault, sabotage, expected }) => {
    const secretsBefore = await services.refresher.readSecrets(connectionId);
    const connection = (await services.snapshot()).connections[0]!;
    const target = { endpoints: connection.endpoints, clientId: DEMO_CLIENT_ID };
    if (sabotage === 'revoke') {
      const { revokeToken } = await import('@/utils/oauth/client');
      await revokeToken(target, secretsBefore!.refreshToken!);
    }
    if (sabotage === 'rotate-elsewhere')
      await refreshAccessToken(target, secretsBefore!.refreshToken!);
    server.resetRecords();
    if (fault) server.setFault(fault);

    const outcome = await services.refresher.refresh(connectionId, 'manual');

    const after = (await services.snapshot()).connections[0]!;
    const history = (await queryHistory(services.db, { connectionId, limit: 50 })).events;
    const requests = server.records.tokenRequests['refresh_token'] ?? 0;
    const secretsAfter = await services.refresher.readSecrets(connectionId);
    server.setFault(null);
    const retried = await services.refresher.refresh(connectionId, 'manual');
    const notified =
      alerts.length === 0
        ? 'no (token still valid)'
        : `at once: ${alerts[0]!.actions.map((a) => ACTIONS[a]).join(', ')}`;
    expect(outcome).toMatchObject({
      ok: false,
      state: expected.state,
      error: { code: expected.code },
    });
    expect(after.failure).toMatchObject({
      kind: expected.kind,
      lastError: { code: expected.code },
    });
    expect(requests).toBe(expected.requests);
    expect(history.filter((e) => e.kind === 'refresh-failed')).toHaveLength(expected.requests);
    expect(notified).toBe(expected.notified);
    expect(secretsAfter?.refreshToken).toBe(secretsBefore?.refreshToken);
    expect(retried.ok).toBe(expected.tokenWorksAfter);
    if (sabotage !== 'rotate-elsewhere') expect(server.records.refreshTokenReuse).toBe(0);
    if (fault?.kind === 'status' && fault.status === 429) {
      expect(after.nextRefreshAt! - history[0]!.at).toBeGreaterThanOrEqual(120_000);
    }
    const tokens = server.tokenValues();
    const outputs = JSON.stringify([alerts, history, await services.snapshot()]);
    expect(tokens.filter((token) => outputs.includes(token))).toEqual([]);
    rows.push(
      `| ${name} | ${expected.kind} (\`${expected.code}\`) | ${expected.state} | ${expected.requests} | ${expected.notified} | ${expected.tokenWorksAfter ? 'kept, works after the fault' : 'dead at the provider: reconnect'} |`,
    );
  });
});

const DOC = join(ROOT, 'docs', 'reliability.md');
const BEGIN = '<!-- fault-table:begin (generated by test/integration/faults.test.ts) -->';
const END = '<!-- fault-table:end -->';

/** Keeps the table in docs/reliability.md in step with this run: rewrites it with UPDATE_DOCS=1, else checks it. */
function syncReliabilityDoc(table: string): void {
  if (process.env.TK_FAULT_FILTER) return;
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`${DOC} lacks the fault-table markers.`);
  const current = doc.slice(start + BEGIN.length, end).trim();
  if (normalizeTable(current) === normalizeTable(table)) return;
  if (process.env.UPDATE_DOCS === '1') {
    writeFileSync(DOC, `${doc.slice(0, start + BEGIN.length)}\n${table}\n${doc.slice(end)}`);
    return;
  }
  throw new Error(
    'docs/reliability.md is out of step with the fault tests: run `UPDATE_DOCS=1 npx vitest run test/integration/faults.test.ts`.',
  );
}

/** A markdown table without the padding a formatter adds, so a formatted doc still matches. */
function normalizeTable(table: string): string {
  return table
    .split('\n')
    .map((line) =>
      line
        .split('|')
        .map((cell) => cell.trim().replace(/^-{3,}$/, '---'))
        .join('|'),
    )
    .join('\n');
}
