/**
 * The domain types shared by the engine, the store and the pages.
 * Nothing here ever holds a token value: secrets live in `SecretRecord` (store only).
 */

/** Which provider a connection talks to; presets add their own authorize and token rules. */
export type ProviderKind = 'custom' | 'jira' | 'google';

/** Every provider kind, in the order the pages list them. */
export const PROVIDER_KINDS = [
  'jira',
  'google',
  'custom',
] as const satisfies readonly ProviderKind[];

/** Lifecycle state of a connection as stored. */
export type ConnectionState =
  | 'new' // added, never connected (or disconnected)
  | 'healthy'
  | 'retrying'
  | 'needs-reconnect';

/**
 * A connection's state as pages see it: the stored one, or `refreshing` while a refresh runs — derived
 * from the in-flight marker, never stored (docs/architecture.md#decisions-that-differ-from-the-first-design-sketch).
 */
export type ShownState = ConnectionState | 'refreshing';

/** The state a failed refresh reports: the connection's, or `missing` when it no longer exists. */
export type OutcomeState = ConnectionState | 'missing';

/** The endpoints of an authorization server, from discovery or typed by hand. */
export interface Endpoints {
  /** Issuer identifier when known from discovery; validated against ID tokens. */
  issuer?: string;
  authorization: string;
  token: string;
  revocation?: string;
  userinfo?: string;
  /** Where the provider lists the sites a grant reaches (Atlassian `accessible-resources`). */
  resources?: string;
  /** How the token endpoint wants its request body; absent means the standard form encoding. */
  tokenRequestFormat?: 'form' | 'json';
}

/** A site a grant reaches (a Jira Cloud site from `accessible-resources`); `id` is the cloud id. */
export interface Site {
  id: string;
  name: string;
  url: string;
}

/** How long a provider's refresh tokens live: after this many days unused, or after this many days at all. */
export interface RefreshTokenLifetime {
  idleDays?: number;
  absoluteDays?: number;
}

/** When the refresh token is expected to stop working, so the user can reconnect first. */
export interface ReconnectDeadline {
  /** When the refresh token dies (epoch ms). */
  at: number;
  /**
   * Inactivity limit or absolute age limit of the preset, or the limit the provider itself stated in its
   * last token response (`refresh_token_expires_in`), whichever comes first.
   */
  reason: 'inactivity' | 'age' | 'provider';
  /** The provider's limit behind `reason`, in days. */
  limitDays: number;
  /** From when the pages should warn (epoch ms). */
  warnFrom: number;
}

/** The code of every request that needs the key while the passphrase lock is closed. */
export const LOCKED = 'locked';

/** An error as stored and shown: a stable code and a human sentence, never a token. */
export interface StoredError {
  code: string;
  /** One sentence: what happened and what to do. */
  message: string;
  /** The provider's own words (`error_description`), redacted; shown apart, labelled as the provider's. */
  detail?: string;
}

/** Failure tracking for a connection whose last refresh failed. */
export interface FailureInfo {
  /** When the first failure of the current streak happened (epoch ms). */
  failedAt: number;
  /** How many attempts of the current streak failed. */
  attempt: number;
  lastError: StoredError;
  /** Whether the failure is worth retrying. */
  kind: 'transient' | 'permanent' | 'configuration';
  /** When the user was notified of this streak (once per streak; cleared on recovery). */
  notifiedAt?: number;
  /** When the streak's last token request failed (epoch ms). */
  lastAttemptAt?: number;
  /** Requests the streak may still send at once after that one (a token bucket, utils/engine/retry.ts). */
  allowance?: number;
  /** The server's `Retry-After`: no token request before this (epoch ms). */
  notBefore?: number;
}

/**
 * What the organisation's policy says about a managed connection, minus the client secret (that is
 * sealed in `secrets` like any other): compared with the policy on every change (docs/admin.md).
 */
export interface ManagedSource {
  provider: ProviderKind;
  label: string;
  clientId: string;
  scopes: string[];
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  revocationEndpoint?: string;
  promptConsent?: boolean;
  testingMode?: boolean;
}

/** Marks a connection as deployed by the organisation's managed configuration. */
export interface ManagedMarker {
  /** The entry's `id` in the policy; the connection's id is derived from it. */
  policyId: string;
  source: ManagedSource;
}

/** A connection's metadata and schedule (IndexedDB `connections`). */
export interface Connection {
  id: string;
  provider: ProviderKind;
  label: string;
  /** Account e-mail or site shown to the user, when the provider tells us. */
  account?: string;
  /** The sites the grant reaches (Jira Cloud), from the provider after connecting. */
  sites?: Site[];
  /** When the current grant began (consent), for refresh tokens with an absolute lifetime. */
  grantStartedAt?: number;
  /** The provider's refresh-token lifetime rules, when it has any we know of. */
  refreshTokenLifetime?: RefreshTokenLifetime;
  /** The end of the refresh token's life as the provider last stated it (`refresh_token_expires_in`). */
  refreshTokenExpiry?: { at: number; limitSec: number };
  /** Requested scopes the provider's last token response did not grant (absent when all were). */
  missingScopes?: string[];
  clientId: string;
  /** Whether a client secret is stored for this connection (the secret itself is in `secrets`). */
  hasClientSecret: boolean;
  /** Other extensions the user allowed to get this connection's access token (off when empty). */
  allowedExtensions?: string[];
  scopes: string[];
  /** Custom providers: `false` stops sending `prompt=consent` with `offline_access` (absent means send it). */
  promptConsent?: boolean;
  endpoints: Endpoints;
  /** Set when the organisation's policy deployed it: the person cannot remove or edit it. */
  managed?: ManagedMarker;
  state: ConnectionState;
  /** Access token expiry (epoch ms, local clock when the response arrived). */
  expiresAt: number | null;
  /** The access token lifetime in seconds as last issued. */
  lifetimeSec: number | null;
  /** True when the provider gave no usable `expires_in` and a conservative default is in use. */
  lifetimeAssumed?: boolean;
  /** When the engine will refresh next (epoch ms); absent when nothing is scheduled. Indexed. */
  nextRefreshAt?: number;
  lastRefreshAt: number | null;
  /** Set just before a token request leaves and cleared at commit (R5): a crash leaves it behind. */
  inFlightSince: number | null;
  failure: FailureInfo | null;
  createdAt: number;
  updatedAt: number;
}

/** The secret half of a connection (IndexedDB `secrets`); never leaves the service worker. */
export interface SecretRecord {
  connectionId: string;
  accessToken?: string;
  refreshToken?: string;
  clientSecret?: string;
}

/** What happened, for the history. */
export type HistoryKind =
  | 'connected'
  | 'refreshed'
  | 'refresh-failed'
  | 'retry-scheduled'
  | 'needs-reconnect'
  | 'disconnected'
  | 'recovered'
  | 'access-requested' // another extension asked for access (`caller`); the request waits for the person
  | 'access-granted' // the user allowed another extension to get this connection's token
  | 'access-denied' // the person declined a request (`caller`); it is refused quietly for a while
  | 'access-revoked'
  | 'token-issued' // a token was handed to another extension (`caller`); never the token itself
  | 'policy-added' // the organisation's policy added this connection
  | 'policy-changed' // the policy changed its client, endpoints, scopes or secret
  | 'policy-removed' // the policy no longer lists it: disconnected, revoked where possible, removed
  | 'policy-invalid' // an entry of the policy is invalid and ignored (`error` says why)
  | 'edited' // the person changed the connection's set-up (label, client, scopes, endpoints or secret)
  | 'imported'; // the person added the connection from an exported set-up

/** Whether an event succeeded, as a filter value (IndexedDB cannot index booleans). */
export type HistoryOutcome = 'ok' | 'failed';

/** Which history events to list, export or read; every field narrows the result. */
export interface HistoryCriteria {
  connectionId?: string;
  /** Only these kinds (an empty list matches nothing). */
  kinds?: readonly HistoryKind[];
  outcome?: HistoryOutcome;
  /** Only events at or after this moment (epoch ms). */
  from?: number;
  /** Only events before this moment (epoch ms, exclusive). */
  to?: number;
}

/** What caused a refresh. */
export type RefreshTrigger = 'alarm' | 'sweep' | 'manual' | 'on-demand' | 'startup';

/** An append-only history event (IndexedDB `history`). */
export interface HistoryEvent {
  id?: number;
  connectionId: string;
  at: number;
  kind: HistoryKind;
  trigger?: RefreshTrigger;
  ok: boolean;
  durationMs?: number;
  expiresAt?: number;
  error?: StoredError;
  /** The other extension involved (access-requested, -granted, -denied, -revoked, token-issued). */
  caller?: string;
  /** token-issued: how many hand-outs to this caller the row stands for (merged; absent means one). */
  count?: number;
}

/**
 * The history rows of an access request that names no existing connection use this id (never one the
 * engine gives a connection: those are UUIDs or `managed:…`).
 */
export const ANY_CONNECTION = 'extensions';

/**
 * Another extension's request to get tokens (IndexedDB `accessRequests`, one per extension id). Its name
 * and reason are what it claims: untrusted, cleaned of control characters and length-limited, shown as claimed.
 */
export interface AccessRequest {
  /** The sender's id as the browser reports it (not claimed). */
  extensionId: string;
  claimedName: string;
  reason: string;
  /** The connection it named, when it named one (it may not exist). */
  connectionId?: string;
  provider?: ProviderKind;
  requestedAt: number;
  /** Waiting for the person, or declined (then kept only until its cool-down ends). */
  status: 'pending' | 'denied';
  deniedAt?: number;
}

/** What a page sees of a connection: metadata and schedule, no secrets. */
export interface ConnectionStatus {
  id: string;
  provider: ProviderKind;
  label: string;
  account?: string;
  /** The sites the grant reaches (Jira Cloud: name, URL and cloud id). */
  sites?: Site[];
  /** When the refresh token is expected to die, for providers that limit its life. */
  reconnectBy?: ReconnectDeadline;
  /** Requested scopes the provider did not grant: the card offers Reconnect to grant them. */
  missingScopes?: string[];
  clientId: string;
  /** Whether a client secret is stored (never the secret): the edit form says "leave blank to keep it". */
  hasClientSecret?: boolean;
  scopes: string[];
  endpoints: Endpoints;
  /** Deployed by the organisation: read-only, cannot be removed by the person. */
  managed?: boolean;
  state: ShownState;
  expiresAt: number | null;
  lifetimeSec: number | null;
  /** True when the lifetime is a conservative guess (the provider sent no usable `expires_in`). */
  lifetimeAssumed: boolean;
  nextRefreshAt: number | null;
  lastRefreshAt: number | null;
  failure: FailureInfo | null;
  /** Whether a refresh is running right now. */
  busy: boolean;
}

/** Why the worker could not start its engine (open the database and the vault); it keeps retrying. */
export interface StartupProblem {
  /** The last attempt's error, redacted English diagnostic text (shown as it is). */
  reason: string;
  /** How many attempts have failed since the worker started. */
  attempts: number;
  /** When the last attempt failed (epoch ms). */
  failedAt: number;
  /** When the next attempt starts; once it has passed, an attempt is under way. */
  retryAt: number;
}

/** One part of the organisation's policy that is ignored, and why (never a value: it may be a secret). */
export interface PolicyProblem {
  /** Where in the policy, e.g. `connections[2] "jira"` or `settings.refreshLeadMin`. */
  where: string;
  message: string;
  /** The managed connection it concerns, when the entry's id could be read. */
  connectionId?: string;
}

/** What the organisation's managed configuration sets, as the pages see it (docs/admin.md). */
export interface PolicySummary {
  /** Settings the policy fixes; the pages show them read-only. */
  fixedSettings: string[];
  /** False: the person cannot add connections of their own. */
  allowUserConnections: boolean;
  /** The organisation requires an at-rest passphrase lock. */
  requireLock: boolean;
  /** Parts of the policy that are ignored, with the reason. */
  problems: PolicyProblem[];
}

/**
 * Where the data key is (docs/security.md#the-lock): stored plainly beside the secrets (`off`, the default),
 * only wrapped under the passphrase and not in memory (`locked`), or wrapped on disk and in memory for this
 * browser session (`unlocked`).
 */
export type LockMode = 'off' | 'locked' | 'unlocked';

/** The passphrase lock as pages see it (never a key or a passphrase). */
export interface LockStatus {
  mode: LockMode;
  /** Lock after the computer has been idle this many minutes (0: never). */
  autoLockMin: number;
  /** While too many wrong passphrases were given: when the next attempt is accepted (epoch ms). */
  unlockRetryAt: number | null;
}

/** Everything the popup needs in one message. */
export interface StatusSnapshot {
  /** The worker's clock when the snapshot was taken (epoch ms). */
  now: number;
  enabled: boolean;
  connections: ConnectionStatus[];
  /**
   * Set while the worker cannot start: the connections and settings are then unknown (not empty), so
   * `connections` is `[]` and `enabled` true, and pages show only the problem.
   */
  problem?: StartupProblem;
  /** Set when the organisation's managed configuration (policy) sets anything. */
  policy?: PolicySummary;
  /** Where the data key is; `locked` pauses every refresh until the passphrase is given (absent: `off`). */
  lock?: LockMode;
  /** How many other extensions wait for the person to allow or deny their access request (absent: none). */
  accessRequests?: number;
}

/** The result of a refresh request. */
export type RefreshOutcome =
  | { ok: true; refreshed: boolean; expiresAt: number }
  | { ok: false; error: StoredError; state: OutcomeState };

/** The outcome of an action that can fail with a user-facing reason (engine, services and protocol alike). */
export type ActionResult<T = undefined> =
  { ok: true; value: T } | { ok: false; error: StoredError };

/** What editing a connection did. */
export interface EditOutcome {
  connection: ConnectionStatus;
  /** The client, scopes or endpoints changed: the grant needs a new consent (the card offers Reconnect). */
  reconnect: boolean;
  /** The connection had failed for a configuration reason: it was refreshed again at once with the change. */
  retried?: RefreshOutcome;
}
