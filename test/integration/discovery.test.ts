import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '@/utils/oauth/discovery';
import { startGoogleEmulator, type GoogleEmulator } from '../support/emulators/google';
import {
  METADATA_CASES,
  startMetadataServer,
  type MetadataServer,
} from '../support/emulators/metadata';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('custom provider discovery', () => {
  let metadata: MetadataServer;
  let google: GoogleEmulator;

  beforeAll(async () => {
    [metadata, google] = await Promise.all([startMetadataServer(), startGoogleEmulator()]);
  });

  afterAll(async () => {
    await Promise.all([metadata.close(), google.close()]);
  });

  it('reads OpenID Connect discovery, including revocation and userinfo', async () => {
    const actual = await discover(google.origin);

    expect(actual).toEqual({
      issuer: google.origin,
      authorization: `${google.origin}/o/oauth2/v2/auth`,
      token: `${google.origin}/token`,
      revocation: `${google.origin}/revoke`,
      userinfo: `${google.origin}/v1/userinfo`,
    });
  });

  it('falls back to RFC 8414 metadata when there is no OpenID configuration', async () => {
    const issuer = metadata.issuer(METADATA_CASES.rfc8414Only);

    const actual = await discover(issuer);

    expect(actual).toEqual({
      issuer,
      authorization: `${issuer}/authorize`,
      token: `${issuer}/token`,
      revocation: `${issuer}/revoke`,
    });
  });

  it('says the server cannot be reached, once, when nothing answers', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}`;

    const actual = discover(issuer);

    await expect(actual).rejects.toThrow(
      `Could not reach ${issuer}/ (network error). Check the issuer URL, or enter the endpoints by hand.`,
    );
  });

  it.each([
    {
      path: METADATA_CASES.html,
      expected:
        '/.well-known/openid-configuration: not a JSON metadata document; ' +
        '/.well-known/oauth-authorization-server: not found (HTTP 404)',
    },
    {
      path: METADATA_CASES.incomplete,
      expected:
        '/.well-known/openid-configuration: has no token_endpoint; ' +
        '/.well-known/oauth-authorization-server: not found (HTTP 404)',
    },
    {
      path: METADATA_CASES.wrongIssuer,
      expected:
        '/.well-known/openid-configuration: names the issuer "https://login.elsewhere.example" — use exactly that as the issuer URL; ' +
        '/.well-known/oauth-authorization-server: not found (HTTP 404)',
    },
  ])('explains malformed metadata at $path', async ({ path, expected }) => {
    const issuer = metadata.issuer(path);

    const actual = discover(issuer);

    await expect(actual).rejects.toThrow(
      `No usable provider metadata at ${issuer} (${expected}). Check the issuer URL, or enter the endpoints by hand.`,
    );
  });

  it('refuses a plain-http issuer that is not on this machine before sending anything', async () => {
    const actual = discover('http://auth.example.com');

    await expect(actual).rejects.toThrow(
      'Issuer URL must use https:// (plain http is allowed only for 127.0.0.1 and localhost).',
    );
  });
});
