import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { EVENTS_PORT, type TokenKeeperEvent } from '@/client/token-keeper-client';
import { PORT_BURST, type EventPort } from '@/utils/background/push-hub';
import type { Services } from '@/utils/background/services';
import { seedConnectionIn, type ManualClock } from '../../support/engine-fixture';
import { offlineServices } from '../../support/offline-services';

const FRIEND = 'abcdefghijklmnopabcdefghijklmnop';
const STRANGER = 'ponmlkjihgfedcbaponmlkjihgfedcba';

/** One end of a port another extension opened, recording what it receives (copied, as a port does). */
function fakePort(senderId: string | undefined, name: string = EVENTS_PORT) {
  const received: TokenKeeperEvent[] = [];
  const onDisconnect: (() => void)[] = [];
  let open = true;
  const port: EventPort = {
    name,
    ...(senderId ? { sender: { id: senderId } } : { sender: {} }),
    postMessage(message) {
      if (!open) throw new Error('Attempting to use a disconnected port object');
      received.push(structuredClone(message));
    },
    disconnect: () => {
      open = false;
    },
    onDisconnect: { addListener: (listener) => void onDisconnect.push(listener) },
  };
  return {
    port,
    received,
    isOpen: () => open,
    /** The other extension closes it (or its worker stopped). */
    closeFromOutside() {
      open = false;
      for (const listener of onDisconnect) listener();
    },
  };
}

/** Every token value the connection holds now. */
async function tokensOf(services: Services, id: string): Promise<string[]> {
  const read = await services.refresher.secrets.read(id);
  if (!read.ok) throw new Error('unreadable');
  return [read.record?.accessToken, read.record?.refreshToken].filter((t): t is string => !!t);
}

describe('event ports for other extensions', () => {
  let services: Services;
  let clock: ManualClock;

  beforeEach(async () => {
    fakeBrowser.reset();
    services = await offlineServices();
    clock = services.clock as ManualClock;
    await seedConnectionIn(services, { id: 'jira', provider: 'jira', label: 'Work Jira' });
    await seedConnectionIn(services, { id: 'mail', provider: 'google', label: 'Mail' });
    await services.access.setAllowed('jira', [FRIEND]);
    await services.access.setAllowed('mail', [STRANGER]);
  });

  it.each([
    { name: 'an extension allowed nothing', port: () => fakePort('a'.repeat(32)), told: true },
    { name: 'a port with another name', port: () => fakePort(FRIEND, 'other'), told: false },
    { name: 'a sender the browser did not name', port: () => fakePort(undefined), told: false },
  ])('closes $name at once', async ({ port: make, told }) => {
    const outside = make();

    await services.push.attach(outside.port);

    expect(outside.received).toEqual(told ? [{ type: 'notAllowed' }] : []);
    expect(outside.isOpen()).toBe(false);
    expect(services.push.size()).toBe(0);
  });

  it('tells an allowed extension of its own connection only, and never a token', async () => {
    const outside = fakePort(FRIEND);
    await services.push.attach(outside.port);

    clock.advance(60_000);
    await services.refresher.refresh('jira', 'manual');
    await services.refresher.refresh('mail', 'manual');
    await vi.waitFor(() => expect(outside.received).toHaveLength(2));

    const tokens = [...(await tokensOf(services, 'jira')), ...(await tokensOf(services, 'mail'))];
    const jira = services.db.get('connections', 'jira');
    expect(outside.received).toEqual([
      {
        type: 'ready',
        connections: [
          {
            connectionId: 'jira',
            provider: 'jira',
            label: 'Work Jira',
            expiresAt: expect.any(Number),
            needsReconnect: false,
          },
        ],
      },
      { type: 'tokenRefreshed', connectionId: 'jira', expiresAt: (await jira)!.expiresAt },
    ]);
    expect(tokens).toHaveLength(4);
    expect(tokens.filter((token) => JSON.stringify(outside.received).includes(token))).toEqual([]);
  });

  it('says revoked when the person disconnects the connection', async () => {
    const outside = fakePort(FRIEND);
    await services.push.attach(outside.port);

    await services.lifecycle.disconnect('jira');
    await services.push.check();

    expect(outside.received.slice(1)).toEqual([{ type: 'revoked', connectionId: 'jira' }]);
    expect(outside.isOpen()).toBe(true);
  });

  it('stops at once when the extension is taken off its last connection', async () => {
    const outside = fakePort(FRIEND);
    await services.push.attach(outside.port);

    await services.access.setAllowed('jira', []);
    await services.push.check();
    clock.advance(60_000);
    await services.refresher.refresh('jira', 'manual');
    await services.push.check();

    expect(outside.received.slice(1)).toEqual([
      { type: 'accessRemoved', connectionId: 'jira' },
      { type: 'notAllowed' },
    ]);
    expect(outside.isOpen()).toBe(false);
    expect(services.push.size()).toBe(0);
  });

  it('forgets a port the other side closed', async () => {
    const outside = fakePort(FRIEND);
    await services.push.attach(outside.port);

    outside.closeFromOutside();
    clock.advance(60_000);
    await services.refresher.refresh('jira', 'manual');
    await services.push.check();

    expect(services.push.size()).toBe(0);
    expect(outside.received).toHaveLength(1);
  });

  it('limits how fast one extension may open ports', async () => {
    const ports = Array.from({ length: PORT_BURST + 1 }, () => fakePort(FRIEND));

    for (const { port } of ports) await services.push.attach(port);

    expect(ports.map((p) => p.isOpen())).toEqual([...Array(PORT_BURST).fill(true), false]);
    expect(ports.at(-1)!.received).toEqual([]);
  });
});
