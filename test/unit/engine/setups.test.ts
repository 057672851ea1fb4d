import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers } from '@/utils/background/handlers';
import { parsePolicy } from '@/utils/managed/policy';
import { listConnections } from '@/utils/store/connections';
import { offlineServices } from '../../support/offline-services';

const SECRET = 'a-client-secret-that-must-never-travel';

async function withTwoConnections() {
  const services = await offlineServices();
  const handlers = createHandlers(services);
  await handlers.addConnection({
    provider: 'custom',
    label: 'Work IdP',
    clientId: 'cid',
    clientSecret: SECRET,
    authorizationEndpoint: 'https://as.test/auth',
    tokenEndpoint: 'https://as.test/token',
    scopes: ['openid', 'offline_access'],
    promptConsent: false,
  });
  await handlers.addConnection({
    provider: 'jira',
    label: 'Work Jira',
    clientId: 'jira-cid',
    clientSecret: SECRET,
    scopes: ['read:jira-work'],
  });
  return { services, handlers };
}

describe('connection set-ups: export and import', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('exports policy-shaped entries without any secret or token', async () => {
    const { handlers } = await withTwoConnections();

    const file = await handlers.exportSetups(undefined);

    const parsed = JSON.parse(file.content) as { connections: Record<string, unknown>[] };
    expect(file.content).not.toContain(SECRET);
    expect(file.count).toBe(2);
    expect(parsed.connections).toEqual([
      {
        id: 'work-idp',
        provider: 'custom',
        label: 'Work IdP',
        clientId: 'cid',
        scopes: ['openid', 'offline_access'],
        authorizationEndpoint: 'https://as.test/auth',
        tokenEndpoint: 'https://as.test/token',
        promptConsent: false,
      },
      expect.objectContaining({ id: 'work-jira', provider: 'jira', clientId: 'jira-cid' }),
    ]);
    // The same shape as the managed policy's entries (with a secret added where a preset needs one).
    const asPolicy = parsePolicy({
      connections: parsed.connections.map((entry) =>
        entry.provider === 'jira' ? { ...entry, clientSecret: 'x' } : entry,
      ),
    });
    expect(asPolicy.problems).toEqual([]);
  });

  it('previews, then imports into an empty profile; secrets are entered later with Edit', async () => {
    const { handlers } = await withTwoConnections();
    const { content } = await handlers.exportSetups(undefined);
    const fresh = createHandlers(await offlineServices({ dbName: 'another-profile' }));
    const file = JSON.parse(content) as { connections: unknown[] };
    file.connections.push(
      {
        id: 'bad',
        provider: 'custom',
        label: 'Bad',
        clientId: 'c',
        tokenEndpoint: 'http://evil.test/t',
      },
      { id: 'leaky', provider: 'jira', label: 'Leaky', clientId: 'c', clientSecret: SECRET },
    );
    const text = JSON.stringify(file);

    const preview = await fresh.previewImport({ text });
    const result = await fresh.importSetups({ text });
    const again = await fresh.previewImport({ text });

    expect(preview.entries).toEqual([
      {
        index: 0,
        ok: true,
        label: 'Work IdP',
        provider: 'custom',
        needsSecret: false,
        duplicate: false,
      },
      {
        index: 1,
        ok: true,
        label: 'Work Jira',
        provider: 'jira',
        needsSecret: true,
        duplicate: false,
      },
      { index: 2, ok: false, message: expect.stringMatching(/issuer|authorizationEndpoint/) },
      {
        index: 3,
        ok: false,
        message: 'A shared set-up carries no client secret: remove clientSecret.',
      },
    ]);
    expect(
      result.ok && result.value.added.map((c) => [c.label, c.state, c.hasClientSecret]),
    ).toEqual([
      ['Work IdP', 'new', false],
      ['Work Jira', 'new', false],
    ]);
    expect(again.entries.slice(0, 2).map((e) => e.ok && e.duplicate)).toEqual([true, true]);
  });

  it('refuses a file that is not an export, and changes nothing', async () => {
    const services = await offlineServices();
    const handlers = createHandlers(services);

    const notJson = await handlers.importSetups({ text: 'not json' });
    const noList = await handlers.importSetups({ text: '{"settings": {}}' });

    expect(notJson).toMatchObject({ ok: false, error: { message: 'This file is not JSON.' } });
    expect(noList).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await listConnections(services.db)).toEqual([]);
  });
});
