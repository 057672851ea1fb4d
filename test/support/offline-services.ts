import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createServices, type Platform, type Services } from '@/utils/background/services';
import { fakeGrant, manualClock } from './engine-fixture';

/**
 * The real worker services with WXT's fake alarms, a manual clock, a fake token endpoint and instant waits:
 * no network, no browser. Tests override what they exercise.
 */
export function offlineServices(platform: Partial<Platform> = {}): Promise<Services> {
  return createServices({
    alarms: fakeBrowser.alarms,
    authorize: async () => 'unused',
    redirectUri: 'https://x.chromiumapp.org/',
    broadcast: () => undefined,
    clock: manualClock(),
    grant: fakeGrant().grant,
    sleep: async () => undefined,
    ...platform,
  });
}
