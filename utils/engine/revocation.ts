import { errorMessage } from '../error-text';
import type { Connection, StoredError } from '../model';
import { revokeToken, type RequestOptions } from '../oauth/client';
import { manualRevocationHint } from '../oauth/providers';
import { redact } from '../oauth/redact';

/** Whether a grant was given back at the provider, and why not. */
export type Revocation = { ok: true } | { ok: false; error: StoredError };

/** Removing a connection while locked: its tokens cannot be read to revoke them, say so. */
export const LOCKED_NOT_REVOKED = {
  ok: false,
  error: {
    code: 'not_revoked',
    message:
      'Not revoked at the provider: Token Keeper was locked. Remove the app from your account at the provider; nothing is kept here.',
  },
} as const;

/** Disconnecting a connection whose secrets cannot be read: nothing to revoke with, say so. */
export const UNREADABLE_NOT_REVOKED = {
  ok: false,
  error: {
    code: 'not_revoked',
    message:
      'Not revoked at the provider: the stored credentials could not be read. Remove the app from your account at the provider; nothing is kept here.',
  },
} as const;

/** Revokes at the provider where it can; never throws, so disconnecting works offline too. */
export async function revokeQuietly(
  connection: Connection,
  token: string | undefined,
  clientSecret: string | undefined,
  requestOptions: RequestOptions | undefined,
): Promise<Revocation> {
  if (!token) return { ok: true };
  try {
    const revoked = await revokeToken(
      {
        endpoints: connection.endpoints,
        clientId: connection.clientId,
        ...(clientSecret ? { clientSecret } : {}),
      },
      token,
      requestOptions,
    );
    if (revoked) return { ok: true };
    const hint = manualRevocationHint(connection.provider);
    return {
      ok: false,
      error: {
        code: 'not_revoked',
        message: `${hint ?? 'The provider offers no revocation.'} Tokens were deleted here.`,
      },
    };
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'revoke_failed',
        message: redact(
          `Revoking at the provider failed (${errorMessage(error)}); tokens were deleted here.`,
        ),
      },
    };
  }
}
