import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AlertSink } from '@/utils/engine/refresher';
import { seedConnectionIn } from '../../support/engine-fixture';
import { offlineServices } from '../../support/offline-services';

// What a removed connection leaves behind must go with it: host access only it needed, its notification,
// and on Remove all data every notification (docs/security.md#least-privilege).
describe('cleaning up after a removed connection', () => {
  const at = (host: string) => ({
    issuer: `https://${host}`,
    authorization: `https://${host}/auth`,
    token: `https://${host}/token`,
  });

  let released: string[][];
  let cleared: string[];
  let clearedAll: number;

  beforeEach(() => {
    fakeBrowser.reset();
    released = [];
    cleared = [];
    clearedAll = 0;
  });

  const alerts: AlertSink = {
    show: async () => undefined,
    clear: async (id) => {
      cleared.push(id);
    },
    clearAll: async () => {
      clearedAll += 1;
    },
  };

  const servicesWithCleanup = () =>
    offlineServices({
      alerts,
      releaseOrigins: async (origins) => {
        released.push(origins);
      },
      requiredOrigins: ['https://auth.atlassian.com/*'],
    });

  it('gives back the host access only the removed connection used, and clears its notification', async () => {
    const services = await servicesWithCleanup();
    await seedConnectionIn(services, { id: 'a', endpoints: at('idp.example.com') });
    await seedConnectionIn(services, { id: 'b', endpoints: at('shared.example.com') });
    await seedConnectionIn(services, { id: 'c', endpoints: at('shared.example.com') });

    await services.lifecycle.remove('a');
    await services.lifecycle.remove('b');

    expect(released).toEqual([['https://idp.example.com/*']]);
    expect(cleared).toEqual(['a', 'b']);
  });

  it('gives back every custom host and clears every notification on Remove all data', async () => {
    const services = await servicesWithCleanup();
    await seedConnectionIn(services, { id: 'a', endpoints: at('one.example.com') });
    await seedConnectionIn(services, { id: 'b', endpoints: at('two.example.com') });

    await services.wipe();

    expect(released.flat().sort()).toEqual([
      'https://one.example.com/*',
      'https://two.example.com/*',
    ]);
    expect(clearedAll).toBe(1);
  });

  it('leaves notifications alone when settings are saved', async () => {
    const services = await servicesWithCleanup();
    await seedConnectionIn(services, { id: 'a', endpoints: at('one.example.com') });

    const saved = await services.saveSettings({ quickRetries: 2 });

    expect(saved.ok).toBe(true);
    expect(clearedAll).toBe(0);
  });

  it('never gives back what the manifest requires', async () => {
    const services = await servicesWithCleanup();
    await seedConnectionIn(services, {
      id: 'a',
      endpoints: { ...at('idp.example.com'), userinfo: 'https://auth.atlassian.com/userinfo' },
    });

    await services.lifecycle.remove('a');

    expect(released).toEqual([['https://idp.example.com/*']]);
  });
});
