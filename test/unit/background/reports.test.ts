import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers } from '@/utils/background/handlers';
import { createServices } from '@/utils/background/services';
import { csvField, EXPORT_COLUMNS, exportFileName } from '@/utils/engine/history-export';
import type { Connection, HistoryEvent } from '@/utils/model';
import { commit } from '@/utils/store/commit';
import { manualClock } from '../../support/engine-fixture';

const EXTENSION_ID = 'iobfhdcojaekbokcoleldnljjlppjlne';
const NOW = Date.UTC(2026, 10, 22, 12);

const connection: Connection = {
  id: 'c1',
  provider: 'jira',
  label: 'Jira, "work"',
  clientId: 'client',
  hasClientSecret: true,
  scopes: ['offline_access'],
  endpoints: { authorization: 'https://as.test/auth', token: 'https://as.test/token' },
  state: 'healthy',
  expiresAt: NOW + 3_600_000,
  lifetimeSec: 3600,
  lastRefreshAt: NOW - 60_000,
  inFlightSince: null,
  failure: null,
  createdAt: NOW - 86_400_000,
  updatedAt: NOW,
};

const events: HistoryEvent[] = [
  {
    connectionId: 'c1',
    at: NOW - 7_200_000,
    kind: 'connected',
    ok: true,
    expiresAt: NOW - 3_600_000,
  },
  {
    connectionId: 'c1',
    at: NOW - 3_660_000,
    kind: 'refresh-failed',
    trigger: 'alarm',
    ok: false,
    durationMs: 12,
    error: { code: 'http_503', message: '=HYPERLINK("x") token=abc123def456ghi789jkl0' },
  },
  {
    connectionId: 'c1',
    at: NOW - 3_660_000,
    kind: 'retry-scheduled',
    trigger: 'alarm',
    ok: false,
    expiresAt: NOW - 3_630_000,
  },
  {
    connectionId: 'gone',
    at: NOW - 60_000,
    kind: 'refreshed',
    trigger: 'manual',
    ok: true,
    durationMs: 250,
    expiresAt: NOW + 3_540_000,
  },
];

async function setup() {
  fakeBrowser.reset();
  const services = await createServices({
    alarms: fakeBrowser.alarms,
    authorize: async () => 'https://example.invalid/?error=access_denied',
    redirectUri: `https://${EXTENSION_ID}.chromiumapp.org/`,
    changed: () => undefined,
    clock: manualClock(NOW),
  });
  await commit(services.db, { connections: [connection], events });
  return { services, handlers: createHandlers(services) };
}

describe('history export', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('writes CSV with exactly the documented columns, newest first, quoted and defused', async () => {
    const { handlers } = await setup();

    const actual = await handlers.exportHistory({ format: 'csv', criteria: {} });

    const lines = actual.content.split('\r\n');
    expect(actual).toMatchObject({
      fileName: 'token-keeper-history-2026-11-22T1200.csv',
      mimeType: 'text/csv',
      count: 4,
    });
    expect(lines[0]).toBe(
      'time,connection_id,connection,kind,trigger,outcome,duration_ms,expires_at,retry_at,error_code,error_message,caller,count,error_detail',
    );
    expect(lines.slice(1)).toEqual([
      '"2026-11-22T11:59:00.000Z","gone",,"refreshed","manual","ok",250,"2026-11-22T12:59:00.000Z",,,,,,',
      '"2026-11-22T10:59:00.000Z","c1","Jira, ""work""","retry-scheduled","alarm","failed",,,"2026-11-22T10:59:30.000Z",,,,,',
      `"2026-11-22T10:59:00.000Z","c1","Jira, ""work""","refresh-failed","alarm","failed",12,,,"http_503","'=HYPERLINK(""x"") token=[redacted]",,,`,
      '"2026-11-22T10:00:00.000Z","c1","Jira, ""work""","connected",,"ok",,"2026-11-22T11:00:00.000Z",,,,,,',
      '',
    ]);
  });

  it('writes JSON rows with the same columns and honours the criteria', async () => {
    const { handlers } = await setup();

    const actual = await handlers.exportHistory({
      format: 'json',
      criteria: { connectionId: 'c1', outcome: 'failed' },
    });

    const rows = JSON.parse(actual.content) as Record<string, unknown>[];
    expect(actual.mimeType).toBe('application/json');
    expect(rows.map((row) => Object.keys(row))).toEqual([[...EXPORT_COLUMNS], [...EXPORT_COLUMNS]]);
    expect(rows.map((row) => row.kind)).toEqual(['retry-scheduled', 'refresh-failed']);
    expect(rows[1]!.error_message).toBe('=HYPERLINK("x") token=[redacted]');
  });

  it('refuses an unknown format or kind and exports nothing', async () => {
    const { handlers } = await setup();

    const badFormat = handlers.exportHistory({ format: 'xlsx', criteria: {} });
    const badKind = handlers.exportHistory({ format: 'csv', criteria: { kinds: ['hacked'] } });

    await expect(badFormat).rejects.toThrow(/^Invalid request/);
    await expect(badKind).rejects.toThrow(/^Invalid request/);
  });
});

describe('getHistory', () => {
  it('pages with the {at, id} cursor and filters through the worker', async () => {
    const { handlers } = await setup();

    const first = await handlers.getHistory({ connectionId: 'c1', limit: 2 });
    const last = first.events.at(-1)!;
    const second = await handlers.getHistory({
      connectionId: 'c1',
      limit: 2,
      after: { at: last.at, id: last.id },
    });

    expect(first.events.map((e) => e.kind)).toEqual(['retry-scheduled', 'refresh-failed']);
    expect(first.hasMore).toBe(true);
    expect(second.events.map((e) => e.kind)).toEqual(['connected']);
  });

  it('brings the labels of the page’s connections that still exist, each once', async () => {
    const { handlers } = await setup();

    const page = await handlers.getHistory({ limit: 3 });

    expect(page.events.map((e) => e.connectionId)).toEqual(['gone', 'c1', 'c1']);
    expect(page.connections).toEqual([{ id: 'c1', label: 'Jira, "work"' }]);
  });

  it('refuses a page size over 500', async () => {
    const { handlers } = await setup();

    await expect(handlers.getHistory({ limit: 501 })).rejects.toThrow(/^Invalid request/);
  });
});

describe('clearHistory and getHealth', () => {
  it('clears every event and says how many', async () => {
    const { handlers, services } = await setup();

    const actual = await handlers.clearHistory(undefined);

    expect(actual).toEqual({ removed: 4 });
    expect(await services.db.count('history')).toBe(0);
  });

  it('reports health for the period with the settings in force', async () => {
    const { handlers } = await setup();

    const actual = await handlers.getHealth({ period: '24h' });

    expect(actual.summary).toMatchObject({
      total: 1,
      byProvider: [{ provider: 'jira', count: 1 }],
    });
    expect(actual.connections[0]).toMatchObject({
      connectionId: 'c1',
      attempts: 1,
      failed: 1,
      successRate: 0,
      effectiveLeadSec: 600,
      // Connected at −2 h with a token valid until −1 h; nothing refreshed it since.
      withoutTokenMs: 3_600_000,
    });
    await expect(handlers.getHealth({ period: '1y' })).rejects.toThrow(/^Invalid request/);
  });
});

describe('csvField and exportFileName', () => {
  it.each([
    { input: null, expected: '' },
    { input: 12, expected: '12' },
    { input: 'plain', expected: '"plain"' },
    { input: 'a;=1+1', expected: '"a;=1+1"' },
    { input: 'a,b', expected: '"a,b"' },
    { input: 'line\nbreak', expected: '"line\nbreak"' },
    { input: '+1', expected: `"'+1"` },
    { input: '@cmd', expected: `"'@cmd"` },
  ])('$input → $expected', ({ input, expected }) => {
    expect(csvField(input)).toBe(expected);
  });

  it('names the file after the format and the minute', () => {
    expect(exportFileName('json', Date.UTC(2026, 0, 2, 3, 4, 5))).toBe(
      'token-keeper-history-2026-01-02T0304.json',
    );
  });
});
