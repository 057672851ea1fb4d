import * as oauth from 'oauth4webapi';
import type { ProviderKind } from '../model';
import { classifyTokenError, NotBearerError, type ClassifiedError } from './classify';
import { redact } from './redact';
import { UnusableTokenResponseError } from './salvage';

// Each provider words its failures its own way; these rules turn the generic classification (R6)
// into what the person should do about it at that provider. Pure: no I/O, no token values.

/** The parts of a provider's error body the rules look at. */
interface ErrorBody {
  error?: string;
  description?: string;
  subtype?: string;
}

type Rule = (classified: ClassifiedError, body: ErrorBody) => ClassifiedError | undefined;

const JIRA_RULES: Rule[] = [
  (classified) =>
    classified.code === 'invalid_grant'
      ? {
          ...classified,
          kind: 'permanent',
          message:
            'Atlassian no longer accepts the refresh token (unknown or invalid refresh token): it was ' +
            'unused for 90 days, is older than 365 days, was revoked, or was reused after rotation. Reconnect.',
        }
      : undefined,
  // Atlassian answers a wrong client secret with access_denied / "Unauthorized" (401 or 403).
  (classified) =>
    classified.code === 'access_denied' ||
    classified.code === 'unauthorized_client' ||
    classified.code === 'invalid_client' ||
    classified.code === 'http_401'
      ? {
          ...classified,
          kind: 'configuration',
          message:
            'Atlassian rejected the app credentials: check the client secret (developer console → ' +
            'your app → Settings), then enter it with Edit on this connection.',
        }
      : undefined,
];

/** Google: a Workspace administrator restricted this app; no retry or reconnect helps until they allow it. */
const GOOGLE_ADMIN_POLICY =
  "Your organisation's Google Workspace administrator does not allow this app (admin_policy_enforced): " +
  'ask them to allow its client ID in the Admin console (Security → API controls → App access control), then reconnect.';

/** The one Google refusal whose advice holds at consent and at refresh alike (no rule renames the code). */
function isGoogleAdminPolicy(kind: ProviderKind, code: string): boolean {
  return kind === 'google' && code === 'admin_policy_enforced';
}

const GOOGLE_RULES: Rule[] = [
  (classified) =>
    classified.code === 'admin_policy_enforced'
      ? { ...classified, kind: 'permanent', message: GOOGLE_ADMIN_POLICY }
      : undefined,
  // Workspace re-authentication policies: the refresh token is fine but the person must sign in again.
  (classified, body) =>
    classified.code === 'invalid_grant' &&
    (body.subtype === 'invalid_rapt' || /invalid_rapt/.test(body.description ?? ''))
      ? {
          ...classified,
          kind: 'permanent',
          code: 'invalid_rapt',
          message:
            "Google requires you to sign in again (your organisation's re-authentication policy): reconnect.",
        }
      : undefined,
  (classified) =>
    classified.code === 'invalid_grant'
      ? {
          ...classified,
          kind: 'permanent',
          message:
            'Google no longer accepts the refresh token (invalid_grant): it was revoked, unused for six ' +
            'months, issued to an app in Testing more than 7 days ago, or replaced by newer ones. Reconnect.',
        }
      : undefined,
  (classified, body) =>
    /client_secret is missing/i.test(body.description ?? '')
      ? {
          ...classified,
          kind: 'configuration',
          code: 'client_secret_missing',
          message:
            'Google needs the client secret for this client (Web application clients always do): enter ' +
            'it with Edit on this connection (Google Cloud Console → Credentials).',
        }
      : undefined,
  (classified) =>
    classified.code === 'invalid_client' || classified.code === 'unauthorized_client'
      ? {
          ...classified,
          kind: 'configuration',
          message:
            'Google rejected the client ID or secret: check them in Google Cloud Console → Credentials ' +
            '(client type "Web application"), then correct them with Edit on this connection.',
        }
      : undefined,
];

const RULES: Record<ProviderKind, Rule[]> = { jira: JIRA_RULES, google: GOOGLE_RULES, custom: [] };

/**
 * The classification of a failed token request as it applies to `kind`'s provider: same shape,
 * with the kind (what happens next) and the message (what to do) made specific. `error` is what the
 * request threw, read for provider details such as Google's `error_subtype`.
 */
export function describeForProvider(
  kind: ProviderKind,
  classified: ClassifiedError,
  error: unknown,
): ClassifiedError {
  const body = errorBody(error);
  for (const rule of RULES[kind]) {
    const described = rule(classified, body);
    if (described) return described;
  }
  return classified;
}

/**
 * Why connecting failed, for the person: declined consent, a provider-specific configuration
 * problem (wrong or missing secret), or the provider's own words about the code exchange.
 */
export function describeConnectFailure(kind: ProviderKind, error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) {
    if (error.error === 'access_denied') return "Access was declined in the provider's window.";
    if (isGoogleAdminPolicy(kind, error.error)) return GOOGLE_ADMIN_POLICY;
    const detail = error.error_description ? `: ${redact(error.error_description)}` : '';
    return `The provider refused the authorization (${error.error})${detail}.`;
  }
  if (isTokenEndpointFailure(error)) {
    const described = describeForProvider(kind, classifyTokenError(error), error);
    // Refresh-token wording ("reconnect") would mislead at the code exchange: only these carry over.
    if (described.kind === 'configuration' || isGoogleAdminPolicy(kind, described.code)) {
      return described.message;
    }
    if (error instanceof oauth.ResponseBodyError) {
      const detail = error.error_description ? `: ${redact(error.error_description)}` : '';
      return `The provider refused to issue tokens (${described.code})${detail}.`;
    }
    return described.message;
  }
  return error instanceof Error ? redact(error.message) : 'Unknown error.';
}

/** What the code exchange can throw once the token endpoint answered (classified like a refresh's). */
function isTokenEndpointFailure(error: unknown): boolean {
  return (
    error instanceof oauth.ResponseBodyError ||
    error instanceof oauth.OperationProcessingError ||
    error instanceof oauth.WWWAuthenticateChallengeError ||
    error instanceof oauth.UnsupportedOperationError ||
    error instanceof UnusableTokenResponseError ||
    error instanceof NotBearerError
  );
}

function errorBody(error: unknown): ErrorBody {
  if (!(error instanceof oauth.ResponseBodyError)) return {};
  const subtype = error.cause['error_subtype'];
  return {
    error: error.error,
    ...(error.error_description ? { description: error.error_description } : {}),
    ...(typeof subtype === 'string' ? { subtype } : {}),
  };
}

/** What to change when a consent yielded no refresh token (the connection would end at the first expiry). */
export function describeMissingRefreshToken(kind: ProviderKind): string {
  if (kind === 'jira') {
    return 'Atlassian issued no refresh token: keep the offline_access scope in the connection, then connect again.';
  }
  if (kind === 'google') {
    return 'Google issued no refresh token: check that the OAuth client is of type "Web application", then connect again.';
  }
  return (
    'The provider issued no refresh token, so this connection would stop at its first expiry. Keep the ' +
    'offline_access scope (or the provider\'s equivalent) and "Ask for consent at every connect", check ' +
    'that the client may use refresh tokens at the provider, then connect again.'
  );
}
