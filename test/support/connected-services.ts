import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createServices, type Platform, type Services } from '@/utils/background/services';
import { DEMO_CLIENT_ID, DEMO_REDIRECT_URI, type AuthServerHandle } from './auth-server';
import { walkConsentPages } from './headless-consent';

/** Walks the demo server's login and consent pages as `ada`, without a browser; answers the redirect. */
export async function consentAsAda(url: string): Promise<string> {
  return (await walkConsentPages(new URL(url), DEMO_REDIRECT_URI, 'ada')).href;
}

/**
 * The real worker services (fake alarms, fake-indexeddb, real fetch) whose consent window is the demo
 * server's pages walked by {@link consentAsAda}. Tests override what they exercise.
 */
export function demoServices(platform: Partial<Platform> = {}): Promise<Services> {
  return createServices({
    alarms: fakeBrowser.alarms,
    authorize: consentAsAda,
    redirectUri: DEMO_REDIRECT_URI,
    changed: () => undefined,
    sleep: async () => undefined,
    ...platform,
  });
}

/**
 * {@link demoServices} with one custom connection added by discovery and connected through the demo
 * server's login and consent pages.
 */
export async function connectedServices(
  server: AuthServerHandle,
  options: { scopes?: string[]; platform?: Partial<Platform> } = {},
): Promise<{ services: Services; connectionId: string }> {
  const services = await demoServices(options.platform);
  const added = await services.lifecycle.add({
    provider: 'custom',
    label: 'Local',
    clientId: DEMO_CLIENT_ID,
    scopes: options.scopes ?? ['openid', 'email', 'offline_access'],
    issuer: server.issuer,
  });
  if (!added.ok) throw new Error(added.error.message);
  const connected = await services.lifecycle.connect(added.value.id);
  if (!connected.ok) throw new Error(connected.error.message);
  return { services, connectionId: added.value.id };
}
