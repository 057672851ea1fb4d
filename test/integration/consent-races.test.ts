import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startAuthServer, type AuthServerHandle } from '../support/auth-server';
import { connectedServices, consentAsAda } from '../support/connected-services';

// A consent window stays open for as long as the person likes; what they remove meanwhile must stay
// removed, never come back healthy with its old client secret
// (docs/reliability.md#unreadable-secrets-removal-consent).
describe('removing while a consent window is open', () => {
  let server: AuthServerHandle;

  beforeAll(async () => {
    server = await startAuthServer({ accessTokenTtlSec: 300 });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    fakeBrowser.reset();
    server.setFault(null);
  });

  /** An authorize step that waits until the test lets the consent finish. */
  function heldConsent() {
    let finish: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (finish = resolve));
    let opened: () => void = () => undefined;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const authorize = async (url: string) => {
      opened();
      await released;
      return consentAsAda(url);
    };
    return { authorize, open, finish };
  }

  for (const how of ['Remove', 'Remove all data'] as const) {
    it(`${how}: the connection does not come back, and the new grant is revoked`, async () => {
      const consent = heldConsent();
      let held = false;
      const { services, connectionId } = await connectedServices(server, {
        platform: {
          authorize: (url) => (held ? consent.authorize(url) : consentAsAda(url)),
        },
      });
      held = true;
      server.resetRecords();

      const reconnect = services.lifecycle.connect(connectionId);
      await consent.open;
      if (how === 'Remove') await services.lifecycle.remove(connectionId);
      else await services.wipe();
      consent.finish();
      const outcome = await reconnect;

      expect(outcome).toMatchObject({
        ok: false,
        error: { code: how === 'Remove' ? 'not_found' : 'storage' },
      });
      expect(await services.db.get('connections', connectionId)).toBeUndefined();
      expect(await services.db.get('secrets', connectionId)).toBeUndefined();
      expect((await services.snapshot()).connections).toEqual([]);
      // Revoked twice: the old grant by the removal, the new one the late consent produced.
      expect(server.records.revocations.filter((r) => r.status === 200)).toHaveLength(2);
      expect(server.records.tokenRequests['authorization_code']).toBe(1);
    });
  }
});
