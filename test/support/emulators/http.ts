// Small HTTP plumbing shared by the provider emulators: a loopback server, bodies, JSON answers with
// CORS, the consent page, PKCE and random token values.
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Handles one request; return false to answer 404. */
export type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<boolean | void>;

/** A server listening on 127.0.0.1. */
export interface LoopbackServer {
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 (port 0 picks a free one); CORS preflights are answered here. */
export async function startLoopbackServer(port: number, handler: Handler): Promise<LoopbackServer> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, corsHeaders(request)).end();
      return;
    }
    handler(request, response, url).then(
      (handled) => {
        if (handled === false && !response.headersSent) sendJson(request, response, 404, {});
      },
      (error: unknown) => {
        if (!response.headersSent) {
          sendJson(request, response, 500, { error: 'server_error', detail: String(error) });
        }
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The extension's service worker fetches cross-origin; answer its origin (or anyone's). */
export function corsHeaders(request: IncomingMessage): Record<string, string> {
  return {
    'access-control-allow-origin': request.headers.origin ?? '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type, accept',
    vary: 'origin',
  };
}

/** Answers JSON with CORS headers and no caching. */
export function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
): void {
  response.writeHead(status, {
    ...corsHeaders(request),
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

/** Answers HTML. */
export function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  response.end(html);
}

/** Redirects to `location`. */
export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location });
  response.end();
}

/** Reads the whole request body as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The media type of a request, without parameters ("application/json"). */
export function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The bearer token of a request, if any. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** A random opaque token value with a readable prefix. */
export function randomToken(prefix: string): string {
  return `${prefix}-${randomBytes(24).toString('base64url')}`;
}

/** Whether a PKCE S256 verifier matches its challenge. */
export function pkceMatches(verifier: string | undefined, challenge: string): boolean {
  if (!verifier) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A consent page: what is asked, and Approve / Deny buttons posting the pending request's id.
 * Tests press the button marked `data-testid="approve"` (in Chromium) or post the form (in Node).
 */
export function consentPage(options: {
  title: string;
  account: string;
  scopes: string[];
  action: string;
  requestId: string;
  approveLabel: string;
}): string {
  const scopes = options.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title></head>
<body><h1>${escapeHtml(options.title)}</h1>
<p>Signed in as ${escapeHtml(options.account)}. Token Keeper asks for:</p><ul>${scopes}</ul>
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="request" value="${escapeHtml(options.requestId)}">
<button type="submit" name="decision" value="approve" data-testid="approve">${escapeHtml(options.approveLabel)}</button>
<button type="submit" name="decision" value="deny" data-testid="deny">Cancel</button>
</form></body></html>`;
}

/** An error page for an authorization request that cannot go back to the client (bad client or redirect). */
export function errorPage(message: string): string {
  return `<!doctype html><html><body><h1>Something went wrong</h1><p data-testid="error">${escapeHtml(message)}</p></body></html>`;
}

/** Sleeps that a server's `close()` can cancel all at once (held answers must not outlive the server). */
export function cancellableSleeps(): {
  sleep: (ms: number) => Promise<void>;
  cancelAll: () => void;
} {
  const timers = new Set<NodeJS.Timeout>();
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
    cancelAll() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
