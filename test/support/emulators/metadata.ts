// Authorization server metadata that is broken in the ways discovery must explain: HTML instead of JSON,
// a document without a token endpoint, an issuer that names someone else, and a server that publishes
// only RFC 8414 metadata (which must still work).
import { sendHtml, sendJson, startLoopbackServer } from './http';

/** Issuer paths on the metadata server, one per case. */
export const METADATA_CASES = {
  html: '/html',
  incomplete: '/incomplete',
  wrongIssuer: '/wrong-issuer',
  rfc8414Only: '/rfc8414',
} as const;

/** A running metadata server. */
export interface MetadataServer {
  origin: string;
  /** The issuer URL of a case. */
  issuer(path: string): string;
  close(): Promise<void>;
}

/** Starts the metadata server on 127.0.0.1. */
export async function startMetadataServer(port = 0): Promise<MetadataServer> {
  let origin = '';
  const server = await startLoopbackServer(port, async (request, response, url) => {
    const { pathname } = url;
    if (pathname.startsWith(METADATA_CASES.html)) {
      sendHtml(response, 200, '<!doctype html><html><body>Welcome to our portal</body></html>');
      return;
    }
    if (pathname === `${METADATA_CASES.incomplete}/.well-known/openid-configuration`) {
      sendJson(request, response, 200, {
        issuer: `${origin}${METADATA_CASES.incomplete}`,
        authorization_endpoint: `${origin}${METADATA_CASES.incomplete}/authorize`,
      });
      return;
    }
    if (pathname === `${METADATA_CASES.wrongIssuer}/.well-known/openid-configuration`) {
      sendJson(request, response, 200, {
        issuer: 'https://login.elsewhere.example',
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
      });
      return;
    }
    // RFC 8414 inserts the well-known segment before the issuer's path.
    if (pathname === `/.well-known/oauth-authorization-server${METADATA_CASES.rfc8414Only}`) {
      const issuer = `${origin}${METADATA_CASES.rfc8414Only}`;
      sendJson(request, response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        revocation_endpoint: `${issuer}/revoke`,
      });
      return;
    }
    return false;
  });
  origin = server.origin;
  return { origin, issuer: (path) => `${origin}${path}`, close: server.close };
}
