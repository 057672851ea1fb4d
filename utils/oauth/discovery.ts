import * as oauth from 'oauth4webapi';
import type { Endpoints } from '../model';
import { httpOptions, type RequestOptions } from './http';
import { assertSecureUrl } from './loopback';
import { redact } from './redact';

/** Why one metadata document could not be used, in words a person can act on. */
export type DiscoveryProblem =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'http'; status: number }
  | { kind: 'not-json' }
  | { kind: 'issuer-mismatch'; named: string }
  | { kind: 'incomplete'; missing: string[] }
  | { kind: 'insecure'; detail: string }
  | { kind: 'other'; detail: string };

const DOCUMENTS = [
  { algorithm: 'oidc', name: '/.well-known/openid-configuration' },
  { algorithm: 'oauth2', name: '/.well-known/oauth-authorization-server' },
] as const;

/**
 * Fetches issuer metadata: OpenID Connect discovery first, then RFC 8414. The error, when both fail,
 * says what was wrong with each document and what to do.
 */
export async function discover(issuer: string, options: RequestOptions = {}): Promise<Endpoints> {
  const issuerUrl = assertSecureUrl(issuer, 'Issuer URL');
  const problems: DiscoveryProblem[] = [];
  for (const document of DOCUMENTS) {
    try {
      const response = await oauth.discoveryRequest(issuerUrl, {
        algorithm: document.algorithm,
        ...httpOptions(issuerUrl, options),
      });
      const as = await oauth.processDiscoveryResponse(issuerUrl, response);
      return endpointsFromMetadata(as);
    } catch (error) {
      problems.push(classifyDiscoveryError(error));
    }
  }
  throw new Error(discoveryFailureMessage(issuerUrl.href, problems));
}

/** The endpoints in validated metadata; throws an `incomplete` problem when a required one is missing. */
export function endpointsFromMetadata(as: oauth.AuthorizationServer): Endpoints {
  const missing = (['authorization_endpoint', 'token_endpoint'] as const).filter(
    (field) => typeof as[field] !== 'string',
  );
  if (missing.length > 0) throw new IncompleteMetadataError(missing);
  return {
    issuer: as.issuer,
    authorization: as.authorization_endpoint!,
    token: as.token_endpoint!,
    ...(as.revocation_endpoint ? { revocation: as.revocation_endpoint } : {}),
    ...(as.userinfo_endpoint ? { userinfo: as.userinfo_endpoint } : {}),
  };
}

/** Metadata without an endpoint Token Keeper cannot work without. */
export class IncompleteMetadataError extends Error {
  override name = 'IncompleteMetadataError';
  constructor(readonly missing: string[]) {
    super(`metadata lacks ${missing.join(' and ')}`);
  }
}

/** Sorts whatever a discovery attempt threw into a problem a person can act on. */
export function classifyDiscoveryError(error: unknown): DiscoveryProblem {
  if (error instanceof IncompleteMetadataError)
    return { kind: 'incomplete', missing: error.missing };
  if (error instanceof oauth.OperationProcessingError) {
    if (error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      const body = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body;
      return { kind: 'issuer-mismatch', named: String(body?.issuer ?? '') };
    }
    if (error.cause instanceof Response && error.cause.status !== 200) {
      return { kind: 'http', status: error.cause.status };
    }
    if (
      error.code === oauth.PARSE_ERROR ||
      error.code === oauth.RESPONSE_IS_NOT_JSON ||
      error.code === oauth.INVALID_RESPONSE
    ) {
      return { kind: 'not-json' };
    }
    if (error.code === oauth.HTTP_REQUEST_FORBIDDEN) {
      return { kind: 'insecure', detail: error.message };
    }
    return { kind: 'other', detail: redact(error.message) };
  }
  if (
    error instanceof TypeError ||
    isNamed(error, 'TimeoutError') ||
    isNamed(error, 'AbortError')
  ) {
    const timedOut = isNamed(error, 'TimeoutError') || isNamed(error, 'AbortError');
    return { kind: 'unreachable', detail: timedOut ? 'no answer in time' : 'network error' };
  }
  return { kind: 'other', detail: error instanceof Error ? redact(error.message) : String(error) };
}

/** One sentence for a discovery that failed at both documents. */
export function discoveryFailureMessage(issuer: string, problems: DiscoveryProblem[]): string {
  const advice = 'Check the issuer URL, or enter the endpoints by hand.';
  const unreachable = problems.find((problem) => problem.kind === 'unreachable');
  if (unreachable && problems.every((problem) => problem.kind === 'unreachable')) {
    return `Could not reach ${issuer} (${unreachable.detail}). ${advice}`;
  }
  const parts = problems.map(
    (problem, index) => `${DOCUMENTS[index]?.name ?? 'metadata'}: ${describeProblem(problem)}`,
  );
  return `No usable provider metadata at ${issuer} (${parts.join('; ')}). ${advice}`;
}

function describeProblem(problem: DiscoveryProblem): string {
  switch (problem.kind) {
    case 'unreachable':
      return `could not be reached (${problem.detail})`;
    case 'http':
      return problem.status === 404 ? 'not found (HTTP 404)' : `HTTP ${problem.status}`;
    case 'not-json':
      return 'not a JSON metadata document';
    case 'issuer-mismatch':
      return `names the issuer "${problem.named}" — use exactly that as the issuer URL`;
    case 'incomplete':
      return `has no ${problem.missing.join(' or ')}`;
    case 'insecure':
    case 'other':
      return problem.detail;
  }
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
