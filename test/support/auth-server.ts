// A real OAuth 2.0 / OpenID Connect authorization server (oidc-provider) on loopback, for integration tests,
// end-to-end tests and the demo. It behaves like the providers the product talks to — PKCE, rotating refresh
// tokens with reuse detection, revocation — and records what happened so tests can assert on it, plus a fault
// hook on the token endpoint for the resilience tests.
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cancellableSleeps } from './emulators/http';
import { pollUntil } from './poll';

/** The redirect URI of the development build (fixed key in wxt.config.ts, so a fixed extension id). */
export const DEMO_REDIRECT_URI = 'https://iobfhdcojaekbokcoleldnljjlppjlne.chromiumapp.org/';

/**
 * The Firefox build's redirect URI: `identity.getRedirectURL()` is https://<sha-1 of the gecko id>.extensions.allizom.org/
 * (the id is fixed in wxt.config.ts). The demo clients allow both builds.
 */
export const FIREFOX_REDIRECT_URI =
  'https://373deb53d9f91992a3eb110d85c06e6feddfcaa4.extensions.allizom.org/';

/** Client id of the default public (PKCE, no secret) client. */
export const DEMO_CLIENT_ID = 'token-keeper-demo';

/** Scopes the server supports and the default flows ask for. */
export const DEMO_SCOPE = 'openid profile email offline_access';

/** Path of the token endpoint, the one setFault intercepts. */
export const TOKEN_PATH = '/token';

/** Path of the revocation endpoint (RFC 7009). */
export const REVOCATION_PATH = '/token/revocation';

/** oidc-provider client metadata (snake_case, as registered); only the fields tests commonly set are named. */
export interface ClientMetadata {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?: 'none' | 'client_secret_post' | 'client_secret_basic';
  redirect_uris: string[];
  grant_types?: string[];
  response_types?: string[];
  [key: string]: unknown;
}

/** The default public client: what the extension registers with a PKCE-only custom provider. */
export function demoPublicClient(overrides: Partial<ClientMetadata> = {}): ClientMetadata {
  return {
    client_id: DEMO_CLIENT_ID,
    token_endpoint_auth_method: 'none',
    redirect_uris: [DEMO_REDIRECT_URI, FIREFOX_REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...overrides,
  };
}

/** A confidential client (secret sent in the body, like Atlassian and Google web clients) with PKCE too. */
export function confidentialClient(overrides: Partial<ClientMetadata> = {}): ClientMetadata {
  return {
    ...demoPublicClient(),
    client_id: 'token-keeper-confidential',
    client_secret: 'token-keeper-demo-secret',
    token_endpoint_auth_method: 'client_secret_post',
    ...overrides,
  };
}

/** A failure the token endpoint answers with instead of oidc-provider; `times` limits it, else until cleared. */
export type TokenFault = { times?: number } & (
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Reads the request, never answers, and drops the connection after `ms`. */
  | { kind: 'hang'; ms: number }
  /** Waits `ms`, then lets oidc-provider answer normally (slow but successful: the grant does happen). */
  | { kind: 'delay'; ms: number }
  /**
   * Lets oidc-provider process the request in full (a refresh token is rotated and the old one consumed),
   * records it in `faultedRequests`, then holds the answer back for `ms`: the window in which a client that
   * dies loses the only copy of the new refresh token.
   */
  | { kind: 'process-then-hold'; ms: number }
  | { kind: 'reset' }
  | { kind: 'html'; status?: number }
  | { kind: 'malformed-json' }
  | { kind: 'missing-access-token' }
);

/** Kind of a token value returned by the token endpoint. */
export type IssuedTokenKind = 'access_token' | 'refresh_token' | 'id_token';

/** A grant oidc-provider rejected; `detail` (never sent to clients) says why, e.g. 'refresh token already used'. */
export interface GrantError {
  error: string;
  description?: string;
  detail?: string;
}

/** What the server saw; arrays and counters only grow until resetRecords(). */
export interface AuthServerRecords {
  /** Every POST to the token endpoint by grant_type ('unknown' if unreadable), faulted ones included. */
  tokenRequests: Record<string, number>;
  /**
   * Token requests answered by an injected fault rather than by oidc-provider; a 'process-then-hold' one is
   * recorded once processed, as its answer starts being held back.
   */
  faultedRequests: { kind: TokenFault['kind']; grantType: string }[];
  /** refresh_token grants that succeeded. */
  refreshSuccesses: number;
  /** refresh_token grants oidc-provider rejected: OAuth error code, public description, internal detail. */
  refreshErrors: GrantError[];
  /** Every rejected grant, any grant type. */
  grantErrors: (GrantError & { grantType: string })[];
  /** Times a consumed (already rotated) refresh token was presented, so the whole grant was revoked. */
  refreshTokenReuse: number;
  /** Refresh tokens consumed by rotation. */
  refreshTokensRotated: number;
  /** Grants revoked, and why. */
  revokedGrants: { grantId: string; reason: 'refresh-token-reuse' | 'revocation' | 'other' }[];
  /** Calls to the revocation endpoint: the hint sent, the kind of token found, the HTTP status. */
  revocations: {
    tokenTypeHint?: string;
    tokenKind?: 'AccessToken' | 'RefreshToken';
    status: number;
  }[];
  /** Every token value the token endpoint handed out, in order. */
  issuedTokens: { kind: IssuedTokenKind; value: string; grantType: string }[];
  /** Unexpected oidc-provider failures (HTTP 500); a test seeing any has found a bug. */
  serverErrors: string[];
  /** How long oidc-provider took to answer each unfaulted token request (ms, in order): the benchmark's baseline. */
  tokenEndpointMs: number[];
}

/** Options of startAuthServer; all optional. */
export interface AuthServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  accessTokenTtlSec?: number;
  /** Refresh token lifetime; renewed on each rotation, like an inactivity expiry. */
  refreshTokenTtlSec?: number;
  clients?: ClientMetadata[];
  /** Issue a new refresh token on every refresh and consume the old one (reuse then revokes the grant). */
  rotateRefreshToken?: boolean;
  /** Drop oidc-provider's development-mode console warnings (default true). */
  quiet?: boolean;
}

/** A running server. */
export interface AuthServerHandle {
  /** e.g. http://127.0.0.1:PORT — browsers must use exactly this origin (cookies, iss). */
  issuer: string;
  port: number;
  records: AuthServerRecords;
  /** Answer the next token requests with a fault (null clears it). */
  setFault(fault: TokenFault | null): void;
  /** Every issued token value (access, refresh and ID tokens), for scanning storage and logs. */
  tokenValues(): string[];
  /** Forget what was recorded so far (the server's grants and tokens stay valid). */
  resetRecords(): void;
  /** Poll the records until `predicate` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (records: AuthServerRecords) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// oidc-provider 9 ships no type declarations: these are the few shapes this file touches.
interface OidcContext {
  route?: string;
  params?: Record<string, unknown>;
  entities: Record<string, unknown>;
}
interface KoaContext {
  method: string;
  path: string;
  status: number;
  body: unknown;
  type: string;
  respond: boolean;
  req: IncomingMessage;
  set(field: string, value: string): void;
  oidc?: OidcContext;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface Provider {
  use(middleware: Middleware): void;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(event: string, listener: (...args: never[]) => void): void;
}
type ProviderConstructor = new (issuer: string, configuration: object) => Provider;
interface OAuthError {
  error?: string;
  error_description?: string;
  error_detail?: string;
  message?: string;
}
type StoredPayload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

const DAY_SEC = 24 * 60 * 60;

/** Start an authorization server on 127.0.0.1. */
export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthServerHandle> {
  const {
    port: requestedPort = 0,
    accessTokenTtlSec = 120,
    refreshTokenTtlSec = 14 * DAY_SEC,
    clients = [demoPublicClient()],
    rotateRefreshToken = true,
    quiet = true,
  } = options;

  // The issuer contains the port, so listen first and build the provider once the port is known.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end('starting');
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const records = emptyRecords();
  let fault: { fault: TokenFault; remaining: number } | null = null;
  const { sleep, cancelAll } = cancellableSleeps();

  const Provider = await loadProvider(quiet);
  const provider = await silenced(quiet, () =>
    Promise.resolve(
      new Provider(issuer, {
        clients,
        adapter: createMemoryAdapter(),
        findAccount,
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        scopes: DEMO_SCOPE.split(' '),
        responseTypes: ['code'],
        // Real providers put email/name in the ID token; the product may read the account from it.
        conformIdTokenClaims: false,
        pkce: { required: () => true },
        features: {
          devInteractions: { enabled: true },
          revocation: { enabled: true, allowedPolicy: revocationAllowed },
        },
        // As OpenID Connect Core §11 says (oidc-provider's default): a refresh token only with
        // offline_access, which is granted only with prompt=consent. Tokens outlive the login session
        // here, like Google/Atlassian offline tokens.
        expiresWithSession: () => false,
        rotateRefreshToken,
        // The extension's service worker sends `Origin: chrome-extension://<id>`, which the default policy
        // rejects for confidential clients and for public ones whose redirect URI has another origin.
        clientBasedCORS: () => true,
        ttl: {
          AccessToken: accessTokenTtlSec,
          AuthorizationCode: 60,
          IdToken: 3600,
          RefreshToken: refreshTokenTtlSec,
          Interaction: 3600,
          Session: 14 * DAY_SEC,
          // The grant holds every token: it must outlive any rotated refresh token.
          Grant: 365 * DAY_SEC,
        },
        cookies: {
          keys: [randomBytes(32).toString('base64url')],
          // Plain http on loopback: never mark cookies Secure; lax lets the form POSTs and redirects carry them.
          long: { httpOnly: true, sameSite: 'lax', secure: false },
          short: { httpOnly: true, sameSite: 'lax', secure: false },
        },
        renderError,
      }),
    ),
  );

  listen(provider, records);

  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== TOKEN_PATH) {
      await next();
      if (ctx.method === 'POST' && ctx.path === REVOCATION_PATH) recordRevocation(ctx, records);
      return;
    }

    const active = fault;
    if (active) {
      active.remaining -= 1;
      if (active.remaining <= 0) fault = null;
    }

    const reachesProvider =
      active?.fault.kind === 'delay' || active?.fault.kind === 'process-then-hold';
    if (active && !reachesProvider) {
      const grantType = grantTypeOf(await readBody(ctx.req));
      count(records.tokenRequests, grantType);
      records.faultedRequests.push({ kind: active.fault.kind, grantType });
      await answerWithFault(ctx, active.fault, accessTokenTtlSec, sleep);
      return;
    }
    const delayed = active?.fault.kind === 'delay' ? active.fault : null;
    if (delayed) await sleep(delayed.ms); // the request still goes through, late

    const startedAt = performance.now();
    await next();
    records.tokenEndpointMs.push(performance.now() - startedAt);

    const grantType = stringParam(ctx.oidc?.params?.grant_type) ?? 'unknown';
    count(records.tokenRequests, grantType);
    if (delayed) records.faultedRequests.push({ kind: 'delay', grantType });
    recordIssuedTokens(ctx.body, grantType, records);
    if (active?.fault.kind === 'process-then-hold') {
      records.faultedRequests.push({ kind: 'process-then-hold', grantType });
      // Koa writes the answer only once this middleware returns: the grant is done, its answer waits.
      await sleep(active.fault.ms);
    }
  });

  handler = provider.callback();

  return {
    issuer,
    port,
    records,
    setFault(next) {
      fault = next ? { fault: next, remaining: next.times ?? Number.POSITIVE_INFINITY } : null;
    },
    tokenValues: () => records.issuedTokens.map((token) => token.value),
    resetRecords() {
      Object.assign(records, emptyRecords());
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      await pollUntil(() => predicate(records), {
        timeoutMs,
        everyMs: 25,
        what: "the auth server's records",
      });
    },
    async close() {
      fault = null;
      cancelAll();
      // Browsers keep idle keep-alive connections open; without this close() would wait for them.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function emptyRecords(): AuthServerRecords {
  return {
    tokenRequests: {},
    faultedRequests: [],
    refreshSuccesses: 0,
    refreshErrors: [],
    grantErrors: [],
    refreshTokenReuse: 0,
    refreshTokensRotated: 0,
    revokedGrants: [],
    revocations: [],
    issuedTokens: [],
    serverErrors: [],
    tokenEndpointMs: [],
  };
}

function listen(provider: Provider, records: AuthServerRecords): void {
  provider.on('grant.success', (ctx: KoaContext) => {
    if (stringParam(ctx.oidc?.params?.grant_type) === 'refresh_token')
      records.refreshSuccesses += 1;
  });

  provider.on('grant.error', (ctx: KoaContext, error: OAuthError) => {
    const grantType = stringParam(ctx.oidc?.params?.grant_type) ?? 'unknown';
    const entry: GrantError = {
      error: error.error ?? 'unknown',
      description: error.error_description,
      detail: error.error_detail,
    };
    records.grantErrors.push({ grantType, ...entry });
    if (grantType === 'refresh_token') records.refreshErrors.push(entry);
  });

  // oidc-provider has no dedicated reuse event: when a consumed refresh token comes back, the refresh_token
  // grant handler revokes the whole grant (emitting grant.revoked while still on the token route) and then
  // fails with invalid_grant "refresh token already used". The token route revokes grants for nothing else.
  provider.on('grant.revoked', (ctx: KoaContext, grantId: string) => {
    const route = ctx.oidc?.route;
    const reuse =
      route === 'token' && stringParam(ctx.oidc?.params?.grant_type) === 'refresh_token';
    if (reuse) records.refreshTokenReuse += 1;
    const reason = reuse ? 'refresh-token-reuse' : route === 'revocation' ? 'revocation' : 'other';
    records.revokedGrants.push({ grantId, reason });
  });

  provider.on('refresh_token.consumed', () => {
    records.refreshTokensRotated += 1;
  });

  provider.on('server_error', (_ctx: KoaContext, error: OAuthError) => {
    records.serverErrors.push(error.message ?? String(error));
  });
}

function recordRevocation(ctx: KoaContext, records: AuthServerRecords): void {
  const entities = ctx.oidc?.entities ?? {};
  const tokenKind = entities.RefreshToken
    ? 'RefreshToken'
    : entities.AccessToken
      ? 'AccessToken'
      : undefined;
  records.revocations.push({
    tokenTypeHint: stringParam(ctx.oidc?.params?.token_type_hint),
    tokenKind,
    status: ctx.status,
  });
}

function recordIssuedTokens(body: unknown, grantType: string, records: AuthServerRecords): void {
  if (typeof body !== 'object' || body === null) return;
  const response = body as Record<string, unknown>;
  for (const kind of ['access_token', 'refresh_token', 'id_token'] as const) {
    const value = response[kind];
    if (typeof value === 'string') records.issuedTokens.push({ kind, value, grantType });
  }
}

async function answerWithFault(
  ctx: KoaContext,
  fault: TokenFault,
  accessTokenTtlSec: number,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  switch (fault.kind) {
    case 'status': {
      ctx.status = fault.status;
      if (fault.body !== undefined) {
        ctx.type = isJson(fault.body) ? 'application/json' : 'text/plain';
        ctx.body = fault.body;
      }
      for (const [name, value] of Object.entries(fault.headers ?? {})) ctx.set(name, value);
      return;
    }
    case 'hang':
      await sleep(fault.ms);
      dropConnection(ctx);
      return;
    case 'reset':
      dropConnection(ctx);
      return;
    case 'html':
      ctx.status = fault.status ?? 502;
      ctx.type = 'text/html';
      ctx.body =
        '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>' +
        '<body><h1>Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>';
      return;
    case 'malformed-json':
      ctx.status = 200;
      ctx.type = 'application/json';
      ctx.body = '{"access_token": "truncated-';
      return;
    case 'missing-access-token':
      ctx.status = 200;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ token_type: 'Bearer', expires_in: accessTokenTtlSec });
      return;
    case 'delay':
    case 'process-then-hold':
      // Handled by the caller: both let oidc-provider answer.
      return;
  }
}

function dropConnection(ctx: KoaContext): void {
  // Koa must not try to write a response on a socket that is gone.
  ctx.respond = false;
  ctx.req.socket.destroy();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function grantTypeOf(body: string): string {
  return new URLSearchParams(body).get('grant_type') ?? 'unknown';
}

function count(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The demo user: whatever login was typed becomes the account id. */
async function findAccount(_ctx: unknown, accountId: string) {
  return {
    accountId,
    claims: async () => ({
      sub: accountId,
      email: `${accountId}@demo.test`,
      email_verified: true,
      name: `Demo User ${accountId}`,
    }),
  };
}

function revocationAllowed(
  _ctx: unknown,
  client: { clientId: string },
  token: { clientId?: string },
): boolean {
  // Same rule as oidc-provider's default (a client revokes only its own tokens), minus its console notice.
  return token.clientId === client.clientId;
}

async function renderError(
  ctx: KoaContext,
  out: { error?: string; error_description?: string },
): Promise<void> {
  ctx.type = 'html';
  ctx.body =
    `<!DOCTYPE html><html><head><title>Authorization error</title></head><body>` +
    `<h1>Authorization error</h1><p id="error">${escapeHtml(out.error ?? '')}</p>` +
    `<p id="error_description">${escapeHtml(out.error_description ?? '')}</p></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A per-server store (oidc-provider's default in-memory adapter shares one size-capped store across every
 * provider in the process, so servers in one test run could evict each other's grants).
 */
function createMemoryAdapter() {
  const entries = new Map<string, { payload: StoredPayload; expiresAt: number }>();
  const grantMembers = new Map<string, Set<string>>();
  const sessionUids = new Map<string, string>();
  const userCodes = new Map<string, string>();
  let writes = 0;
  // A demo left running for days would otherwise keep every expired token in memory.
  const prune = () => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };

  return class MemoryAdapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: StoredPayload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      entries.set(key, { payload, expiresAt });
      if (++writes % 500 === 0) prune();
      if (payload.grantId) {
        const members = grantMembers.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        grantMembers.set(payload.grantId, members);
      }
      if (this.model === 'Session' && payload.uid) sessionUids.set(payload.uid, id);
      if (payload.userCode) userCodes.set(payload.userCode, id);
    }

    async find(id: string | undefined): Promise<StoredPayload | undefined> {
      if (id === undefined) return undefined;
      const key = this.key(id);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.payload;
    }

    async findByUid(uid: string): Promise<StoredPayload | undefined> {
      return this.find(sessionUids.get(uid));
    }

    async findByUserCode(userCode: string): Promise<StoredPayload | undefined> {
      return this.find(userCodes.get(userCode));
    }

    async consume(id: string): Promise<void> {
      const entry = entries.get(this.key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grantMembers.get(grantId) ?? []) entries.delete(key);
      grantMembers.delete(grantId);
    }
  };
}

async function loadProvider(quiet: boolean): Promise<ProviderConstructor> {
  // Imported lazily so its load-time "unsupported runtime" notice (Node 20) can be filtered.
  const module = await silenced(
    quiet,
    // @ts-expect-error -- oidc-provider 9 ships no type declarations; the shapes used are declared above.
    () => import('oidc-provider') as Promise<{ default: ProviderConstructor }>,
  );
  return module.default;
}

async function silenced<T>(quiet: boolean, action: () => Promise<T>): Promise<T> {
  if (!quiet) return action();
  const { warn, info } = console;
  const filter =
    (original: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      const first = args[0];
      if (typeof first === 'string' && /oidc-provider (WARNING|NOTICE)/.test(first)) return;
      original.apply(console, args);
    };
  console.warn = filter(warn);
  console.info = filter(info);
  try {
    return await action();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}
