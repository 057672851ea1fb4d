// Token Keeper client: copy this one file into your extension (docs/integration.md). It has no imports and
// no dependencies; it runs in a Manifest V3 service worker or an extension page, in Chrome, Edge and Firefox.
// The types below are the wire protocol itself: Token Keeper's own code imports them from here.

/** Which provider a connection talks to. */
export type ProviderKind = 'custom' | 'jira' | 'google';

/** Why Token Keeper said no: a stable code and one sentence for a person. */
export interface TokenKeeperError {
  code: string;
  message: string;
  /** The provider's own words, when a refresh failed and it gave any. */
  detail?: string;
}

/** Asks for a connection's access token (never its refresh token). */
export interface GetAccessTokenRequest {
  type: 'getAccessToken';
  connectionId: string;
  /** Refreshed first when the token would expire sooner than this (0–86400, default 60). */
  minValiditySeconds?: number;
}

/** Asks the person to allow this extension; Token Keeper shows it with the name below marked as claimed. */
export interface RequestAccessRequest {
  type: 'requestAccess';
  /** Your extension's name as the person knows it (1–60 characters; shown as "claims to be"). */
  name: string;
  /** Why you ask, in one sentence (1–300 characters). */
  reason: string;
  /** One connection you know the id of (e.g. `managed:<id>` from an organisation's policy). */
  connectionId?: string;
  /** Or the kind of connection you need; the person picks which. */
  provider?: ProviderKind;
}

/** Every message another extension may send with `runtime.sendMessage(TOKEN_KEEPER_ID, …)`. */
export type ExternalRequest = GetAccessTokenRequest | RequestAccessRequest;

/** The answer to {@link GetAccessTokenRequest}. */
export type AccessTokenAnswer =
  | { ok: true; accessToken: string; tokenType: 'Bearer'; expiresAt: number }
  | { ok: false; error: TokenKeeperError };

/** A connection this extension is allowed, as it stands now (never a token). */
export interface AllowedConnection {
  connectionId: string;
  provider: ProviderKind;
  /** The person's name for it. */
  label: string;
  /** When the current access token expires (epoch ms), or null when there is none. */
  expiresAt: number | null;
  /** The grant no longer works: no new token until the person reconnects it. */
  needsReconnect: boolean;
}

/** The answer to {@link RequestAccessRequest}. */
export type RequestAccessAnswer =
  | { ok: true; status: 'pending' }
  | { ok: true; status: 'allowed'; connections: AllowedConnection[] }
  | { ok: false; error: TokenKeeperError };

/** What a subscription receives; no event ever carries a token. */
export type TokenKeeperEvent =
  /** Sent on every (re)connection: the connections allowed now. Compare `expiresAt` with your token's. */
  | { type: 'ready'; connections: AllowedConnection[] }
  /** A new access token exists: ask for it. Some providers revoke the old one soon after (Atlassian: ~10 min). */
  | { type: 'tokenRefreshed'; connectionId: string; expiresAt: number }
  /** The grant stopped working: stop using the token; the person must reconnect. */
  | { type: 'needsReconnect'; connectionId: string }
  /** The person disconnected or removed the connection: its tokens are revoked or gone. */
  | { type: 'revoked'; connectionId: string }
  /** The person (or the organisation) took this extension off the connection. */
  | { type: 'accessRemoved'; connectionId: string }
  /** This extension is allowed no connection: the subscription ends (ask with `requestAccess`). */
  | { type: 'notAllowed' };

/** The name of the port a subscription opens; Token Keeper refuses any other. */
export const EVENTS_PORT = 'token-keeper-events';

/** The parts of `runtime` this client uses (`chrome.runtime` or `browser.runtime`). */
export interface RuntimeLike {
  sendMessage(extensionId: string, message: unknown): Promise<unknown>;
  connect(extensionId: string, info: { name: string }): PortLike;
  /** Read after a disconnect so Chrome does not log it as unchecked. */
  readonly lastError?: unknown;
}

/** The parts of `runtime.Port` this client uses. */
export interface PortLike {
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/** How long a subscription waits before connecting again (doubling while nothing but `ready` arrives). */
export interface RetryDelays {
  firstMs: number;
  maxMs: number;
}

/** Token Keeper as seen from your extension. */
export interface TokenKeeperClient {
  /** A token valid for at least `minValiditySeconds`; ask before each batch of API calls, not once. */
  getAccessToken(
    connectionId: string,
    options?: { minValiditySeconds?: number },
  ): Promise<AccessTokenAnswer>;
  /** Asks the person for access (once: repeated or declined requests are refused for a while). */
  requestAccess(request: Omit<RequestAccessRequest, 'type'>): Promise<RequestAccessAnswer>;
  /**
   * Receives events until the returned function is called. Chrome stops Token Keeper's worker when it has
   * been idle ~30 s, which closes the port: this reconnects by itself (after 1 s, doubling while nothing
   * happens, up to 5 min), and every reconnection starts with `ready`, the state as it is now. Call it at
   * the top level of your service worker, so each start of your worker subscribes again.
   */
  subscribe(onEvent: (event: TokenKeeperEvent) => void, retry?: RetryDelays): () => void;
}

const DEFAULT_RETRY: RetryDelays = { firstMs: 1_000, maxMs: 300_000 };

const EVENT_TYPES: readonly TokenKeeperEvent['type'][] = [
  'ready',
  'tokenRefreshed',
  'needsReconnect',
  'revoked',
  'accessRemoved',
  'notAllowed',
];

/** `browser.runtime` (Firefox) or `chrome.runtime` (Chrome, Edge). */
function defaultRuntime(): RuntimeLike {
  const scope = globalThis as {
    browser?: { runtime?: RuntimeLike };
    chrome?: { runtime?: RuntimeLike };
  };
  const runtime = scope.browser?.runtime ?? scope.chrome?.runtime;
  if (!runtime) throw new Error('No extension runtime here: use this in an extension.');
  return runtime;
}

function isAnswer(value: unknown): value is { ok: boolean } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean'
  );
}

function isEvent(value: unknown): value is TokenKeeperEvent {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type);
}

/** A client for the Token Keeper installed with id `tokenKeeperId`. */
export function tokenKeeper(
  tokenKeeperId: string,
  runtime: RuntimeLike = defaultRuntime(),
): TokenKeeperClient {
  async function send<T extends { ok: boolean }>(message: ExternalRequest): Promise<T> {
    try {
      const answer = await runtime.sendMessage(tokenKeeperId, message);
      if (isAnswer(answer)) return answer as T;
      return {
        ok: false,
        error: { code: 'no_answer', message: 'Token Keeper gave no answer.' },
      } as unknown as T;
    } catch (error) {
      // Not installed, disabled, or being updated: say so instead of throwing.
      const detail = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        error: { code: 'unreachable', message: `Token Keeper could not be reached (${detail}).` },
      } as unknown as T;
    }
  }

  function subscribe(
    onEvent: (event: TokenKeeperEvent) => void,
    retry: RetryDelays = DEFAULT_RETRY,
  ) {
    let stopped = false;
    let port: PortLike | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = retry.firstMs;

    const open = () => {
      timer = undefined;
      if (stopped) return;
      let current: PortLike;
      try {
        current = runtime.connect(tokenKeeperId, { name: EVENTS_PORT });
      } catch {
        schedule();
        return;
      }
      port = current;
      current.onMessage.addListener((message) => {
        if (!isEvent(message)) return;
        // Something happened: the next disconnect is worth a quick reconnect again.
        if (message.type !== 'ready') delay = retry.firstMs;
        if (message.type === 'notAllowed') stopped = true;
        onEvent(message);
      });
      current.onDisconnect.addListener(() => {
        void runtime.lastError;
        if (port === current) port = undefined;
        schedule();
      });
    };
    const schedule = () => {
      if (stopped || timer !== undefined) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, retry.maxMs);
    };

    open();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      port?.disconnect();
      port = undefined;
    };
  }

  return {
    getAccessToken: (connectionId, options = {}) =>
      send<AccessTokenAnswer>({ type: 'getAccessToken', connectionId, ...options }),
    requestAccess: (request) => send<RequestAccessAnswer>({ type: 'requestAccess', ...request }),
    subscribe,
  };
}
