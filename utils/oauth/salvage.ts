import * as v from 'valibot';
import { errorMessage } from '../error-text';
import { resolveLifetime } from './lifetime';
import { redact } from './redact';
import type { TokenSet } from './client';

/**
 * A 2xx token response that could not be used as a whole. When it carried a refresh token, that token is
 * kept here (never in the message): the provider may already have retired the old one, so replaying the
 * old one would end the grant (docs/reliability.md#rotation-first).
 */
export class UnusableTokenResponseError extends Error {
  override name = 'UnusableTokenResponseError';
  /** The refresh token the response delivered, if any; the caller must store it before anything else. */
  readonly refreshToken: string | undefined;

  constructor(cause: unknown, refreshToken: string | undefined) {
    super(redact(`The token endpoint sent an unusable response: ${errorMessage(cause)}`), {
      cause,
    });
    this.refreshToken = refreshToken;
  }
}

// Only what a refresh needs; anything else in the body (scope, id_token, odd expires_in) may be wrong.
const Salvageable = v.looseObject({
  access_token: v.optional(v.unknown()),
  token_type: v.optional(v.unknown()),
  refresh_token: v.optional(v.unknown()),
  expires_in: v.optional(v.unknown()),
});

/**
 * What can still be used from a 2xx refresh response that failed full validation (`error`): a Bearer
 * access token with a conservative lifetime when `expires_in` is unusable, and the refresh token alone
 * otherwise. Throws `UnusableTokenResponseError` (carrying the refresh token) when no access token is usable.
 */
export function salvageRefreshResponse(body: unknown, error: unknown): TokenSet {
  const parsed = v.safeParse(Salvageable, body);
  const fields = parsed.success ? parsed.output : {};
  const refreshToken = nonEmptyString(fields.refresh_token);
  const accessToken = nonEmptyString(fields.access_token);
  const bearer =
    typeof fields.token_type === 'string' && fields.token_type.toLowerCase() === 'bearer';
  if (!accessToken || !bearer) throw new UnusableTokenResponseError(error, refreshToken);
  return {
    accessToken,
    lifetime: resolveLifetime(fields.expires_in),
    ...(refreshToken ? { refreshToken } : {}),
  };
}

/** The refresh token an error carries from a 2xx response, if it carries one. */
export function salvagedRefreshToken(error: unknown): string | undefined {
  return error instanceof UnusableTokenResponseError ? error.refreshToken : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? value : undefined;
}
