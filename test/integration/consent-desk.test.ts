import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_REDIRECT_URI } from '../support/auth-server';
import { ATLASSIAN_CLIENT, startAtlassianEmulator } from '../support/emulators/atlassian';
import { consentHeadless } from '../support/emulators/consent';
import { GOOGLE_CLIENT, startGoogleEmulator } from '../support/emulators/google';

// The consent step both provider emulators share (test/support/emulators/consent-desk.ts).
describe('the emulators’ consent step', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  const emulators: {
    name: string;
    start: () => Promise<{
      origin: string;
      endpoints: { authorization: string };
      close: () => Promise<void>;
    }>;
    params: Record<string, string>;
    decision: string;
  }[] = [
    {
      name: 'Atlassian',
      start: startAtlassianEmulator,
      params: { client_id: ATLASSIAN_CLIENT.id, audience: 'api.atlassian.com' },
      decision: '/authorize/decision',
    },
    {
      name: 'Google',
      start: startGoogleEmulator,
      params: { client_id: GOOGLE_CLIENT.id },
      decision: '/o/oauth2/v2/decision',
    },
  ];

  it.each(emulators)('$name sends a refusal back with the state', async ({ start, params }) => {
    const emulator = await start();
    closers.push(emulator.close);
    const url = new URL(emulator.endpoints.authorization);
    const query = {
      ...params,
      redirect_uri: DEMO_REDIRECT_URI,
      response_type: 'code',
      state: 's1',
    };
    url.search = new URLSearchParams({ ...query, scope: 'openid' }).toString();

    const answer = new URL(await consentHeadless(url.href, 'deny'));

    expect(`${answer.origin}${answer.pathname}`).toBe(DEMO_REDIRECT_URI);
    expect(Object.fromEntries(answer.searchParams)).toEqual({
      state: 's1',
      error: 'access_denied',
    });
  });

  it.each(emulators)('$name refuses a decision for a request it never showed', async (input) => {
    const emulator = await input.start();
    closers.push(emulator.close);

    const answer = await fetch(new URL(input.decision, emulator.origin), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: 'never-shown', decision: 'approve' }).toString(),
    });

    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('This consent request expired.');
  });
});
