import * as oauth from 'oauth4webapi';
import type { StoredError } from '../model';
import { redact } from './redact';
import { UnusableTokenResponseError } from './salvage';

/** What to do about a failed token request (R6). */
export type FailureKind = 'transient' | 'permanent' | 'configuration';

/** A classified token endpoint failure. */
export interface ClassifiedError extends StoredError {
  kind: FailureKind;
  /** HTTP status when there was a response. */
  status?: number;
  /** Seconds the server asked us to wait (429/503 `Retry-After`). */
  retryAfterSec?: number;
}

const PERMANENT_CODES: Record<string, string> = {
  invalid_grant: 'The provider no longer accepts the refresh token (invalid_grant): reconnect.',
  unsupported_grant_type: 'The provider does not allow refreshing for this client: reconnect.',
  invalid_scope: 'The provider rejected the requested scopes (invalid_scope): reconnect.',
};

const CONFIGURATION_CODES: Record<string, string> = {
  invalid_client:
    'The provider rejected the client (invalid_client): check the client ID and client secret.',
  unauthorized_client:
    'This client is not allowed to refresh tokens (unauthorized_client): check the app registration.',
};

/**
 * A token response of a type other than Bearer (DPoP-bound, MAC…): Token Keeper hands out Bearer tokens
 * only, because callers send them as `Authorization: Bearer` without proof of possession.
 */
export class NotBearerError extends Error {
  override name = 'NotBearerError';
  readonly tokenType: string;

  constructor(tokenType: unknown) {
    const shown = isErrorCode(tokenType) ? tokenType : 'unknown';
    super(`The provider issued a "${shown}" token, not a Bearer token.`);
    this.tokenType = shown;
  }
}

/**
 * Classifies anything a token request can throw: OAuth error bodies, WWW-Authenticate challenges, HTTP
 * failures, network, timeout — by oauth4webapi's error classes and codes (R6).
 */
export function classifyTokenError(error: unknown): ClassifiedError {
  // A 2xx answer that failed validation is judged by what failed; its refresh token is the caller's to keep.
  if (error instanceof UnusableTokenResponseError) return classifyTokenError(error.cause);
  if (error instanceof NotBearerError || isUnsupportedTokenType(error)) {
    return {
      kind: 'configuration',
      code: 'not_bearer',
      message:
        `${error instanceof NotBearerError ? error.message : 'The provider issued a token that is not a Bearer token.'} ` +
        'Token Keeper hands out Bearer tokens only: configure the client at the provider for Bearer ' +
        '(not DPoP-bound) access tokens.',
    };
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) return classifyChallenge(error);
  if (error instanceof oauth.ResponseBodyError && !isErrorCode(error.error)) {
    // Not an OAuth error code (RFC 6749 §5.2): judge the response by its status instead.
    return classifyStatus(error.status, error.response.headers.get('retry-after'));
  }
  if (error instanceof oauth.ResponseBodyError) {
    // The provider's own words stay apart from ours (a labelled detail), never appended to the sentence.
    const detail = error.error_description
      ? { detail: redact(error.error_description).slice(0, 500) }
      : {};
    const retryAfterSec = parseRetryAfter(error.response.headers.get('retry-after'));
    // Own properties only: a code named `toString` or `__proto__` must not match the prototype.
    if (Object.hasOwn(CONFIGURATION_CODES, error.error)) {
      return {
        kind: 'configuration',
        code: error.error,
        status: error.status,
        message: CONFIGURATION_CODES[error.error]!,
        ...detail,
      };
    }
    if (Object.hasOwn(PERMANENT_CODES, error.error)) {
      return {
        kind: 'permanent',
        code: error.error,
        status: error.status,
        message: PERMANENT_CODES[error.error]!,
        ...detail,
      };
    }
    return {
      kind: 'transient',
      code: error.error,
      status: error.status,
      message: `The provider answered "${error.error}" (HTTP ${error.status}).`,
      ...detail,
      ...(retryAfterSec === undefined ? {} : { retryAfterSec }),
    };
  }
  if (error instanceof oauth.OperationProcessingError) {
    const response = error.cause instanceof Response ? error.cause : undefined;
    if (response && !response.ok)
      return classifyStatus(response.status, response.headers.get('retry-after'));
    return {
      kind: 'transient',
      code: 'invalid_response',
      message: `The token endpoint sent an unusable response: ${redact(error.message)}`,
    };
  }
  if (isNamed(error, 'TimeoutError') || isNamed(error, 'AbortError')) {
    return {
      kind: 'transient',
      code: 'timeout',
      message: 'The token endpoint did not answer in time.',
    };
  }
  if (error instanceof TypeError) {
    return {
      kind: 'transient',
      code: 'network',
      message: 'Could not reach the token endpoint (network error).',
    };
  }
  const message = error instanceof Error ? redact(error.message) : 'Unknown error.';
  return { kind: 'transient', code: 'unknown', message };
}

/**
 * A non-2xx answer carrying `WWW-Authenticate` (oauth4webapi throws before reading the body): a 401 at
 * the token endpoint means the client's credentials were refused — fix the configuration, do not retry.
 */
function classifyChallenge(error: oauth.WWWAuthenticateChallengeError): ClassifiedError {
  const code = error.cause.map((challenge) => challenge.parameters['error']).find(isErrorCode);
  if (code !== undefined && Object.hasOwn(PERMANENT_CODES, code)) {
    return { kind: 'permanent', code, status: error.status, message: PERMANENT_CODES[code]! };
  }
  if (error.status === 401 || (code !== undefined && Object.hasOwn(CONFIGURATION_CODES, code))) {
    const scheme = error.cause[0]?.scheme;
    return {
      kind: 'configuration',
      code: code ?? 'invalid_client',
      status: error.status,
      message:
        `The provider refused the client's credentials (HTTP ${error.status}` +
        `${scheme && isErrorCode(scheme) ? `, WWW-Authenticate: ${scheme}` : ''}): check the client ID and client secret.`,
    };
  }
  return classifyStatus(error.status, error.response.headers.get('retry-after'));
}

function isUnsupportedTokenType(error: unknown): boolean {
  return error instanceof oauth.UnsupportedOperationError && /token_type/.test(error.message);
}

/** Classifies a non-OAuth HTTP error status. */
export function classifyStatus(status: number, retryAfter: string | null): ClassifiedError {
  const retryAfterSec = parseRetryAfter(retryAfter);
  const retry = retryAfterSec === undefined ? {} : { retryAfterSec };
  if (status < 400) {
    return {
      kind: 'transient',
      code: 'invalid_response',
      status,
      message: `The token endpoint sent an unusable response (HTTP ${status}).`,
    };
  }
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return {
      kind: 'transient',
      code: `http_${status}`,
      status,
      message: `The token endpoint is unavailable (HTTP ${status}).`,
      ...retry,
    };
  }
  return {
    kind: 'configuration',
    code: `http_${status}`,
    status,
    message: `The token endpoint answered HTTP ${status}: check the token endpoint URL.`,
  };
}

/** Reads `Retry-After` as seconds (delta-seconds or an HTTP date); undefined when absent or bad. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/** An OAuth error code we are willing to store and show: short, printable, no spaces. */
function isErrorCode(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code);
}
