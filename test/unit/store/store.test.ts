import { describe, expect, it } from 'vitest';
import { commit } from '@/utils/store/commit';
import { queryHistory } from '@/utils/store/history';
import { openVault } from '@/utils/store/vault';
import { engineFixture, seedConnection } from '../../support/engine-fixture';

describe('vault', () => {
  it('stores secrets only as AES-GCM ciphertext that opens back to the record', async () => {
    const fixture = await engineFixture();
    const input = {
      connectionId: 'c1',
      accessToken: 'access-SECRET-1',
      refreshToken: 'refresh-SECRET-2',
    };

    await commit(fixture.db, { secrets: [await fixture.vault.seal(input)] });

    const raw = await fixture.db.get('secrets', 'c1');
    const rawText = new TextDecoder().decode(raw!.data) + JSON.stringify(raw);
    expect(rawText).not.toContain('SECRET');
    expect(await fixture.vault.open(raw!)).toEqual(input);
  });

  it('keeps one non-extractable key across reopenings', async () => {
    const fixture = await engineFixture();
    const sealed = await fixture.vault.seal({ connectionId: 'c1', refreshToken: 'r' });

    const reopened = await openVault(fixture.db);

    expect(((await fixture.db.get('keys', 'secrets')) as CryptoKey).extractable).toBe(false);
    expect(await reopened.open(sealed)).toEqual({ connectionId: 'c1', refreshToken: 'r' });
  });

  it('refuses a sealed record moved to another connection', async () => {
    const fixture = await engineFixture();
    const sealed = await fixture.vault.seal({ connectionId: 'c1', refreshToken: 'r' });

    const moved = fixture.vault.open({ ...sealed, connectionId: 'c2' });

    await expect(moved).rejects.toThrow();
  });
});

describe('commit', () => {
  it('writes nothing when any part fails (all-or-nothing)', async () => {
    const fixture = await engineFixture();
    const original = await seedConnection(fixture);
    await commit(fixture.db, {
      events: [{ id: 7, connectionId: 'c1', at: 1, kind: 'refreshed', ok: true }],
    });

    const attempt = commit(fixture.db, {
      connections: [{ ...original, label: 'changed' }],
      events: [{ id: 7, connectionId: 'c1', at: 2, kind: 'refreshed', ok: true }],
    });

    await expect(attempt).rejects.toThrow();
    expect((await fixture.db.get('connections', 'c1'))?.label).toBe('Test');
  });
});

describe('queryHistory', () => {
  it('pages newest first, per connection, with a cursor', async () => {
    const fixture = await engineFixture();
    const events = Array.from({ length: 7 }, (_, i) => ({
      connectionId: i % 2 === 0 ? 'even' : 'odd',
      at: 1000 + i,
      kind: 'refreshed' as const,
      ok: true,
    }));
    await commit(fixture.db, { events });

    const first = await queryHistory(fixture.db, { limit: 3 });
    const last = first.events.at(-1)!;
    const second = await queryHistory(fixture.db, {
      limit: 3,
      after: { at: last.at, id: last.id! },
    });
    const even = await queryHistory(fixture.db, { limit: 10, connectionId: 'even' });

    expect(first.events.map((event) => event.at)).toEqual([1006, 1005, 1004]);
    expect(first.hasMore).toBe(true);
    expect(second.events.map((event) => event.at)).toEqual([1003, 1002, 1001]);
    expect(even.events.map((event) => event.at)).toEqual([1006, 1004, 1002, 1000]);
    expect(even.hasMore).toBe(false);
  });
});
