// What other extensions may send (R8): one valibot schema per message of the client module's protocol
// (client/token-keeper-client.ts, which a type test pins to these schemas).
import * as v from 'valibot';
import type { ProviderKind } from '../model';

/** Longest claimed name and reason kept from a request (docs/integration.md#asking-for-access). */
export const MAX_CLAIMED_NAME = 60;
export const MAX_REASON = 300;

const ConnectionIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

const PROVIDERS = ['custom', 'jira', 'google'] as const satisfies readonly ProviderKind[];

/**
 * Text another extension claims: control, format, private-use, lone-surrogate and separator characters
 * (bidi overrides, zero-width joiners, line breaks) become one space, so it cannot disguise itself or fake
 * another line; then its length.
 */
function claimedText(what: string, max: number) {
  return v.pipe(
    v.string(`The ${what} must be text.`),
    // Far beyond any honest text: refused before any work is spent on it.
    v.maxLength(max * 4, `The ${what} is longer than ${max} characters.`),
    v.transform((text) =>
      text
        .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]+/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
    v.minLength(1, `The ${what} must not be empty.`),
    v.maxLength(max, `The ${what} is longer than ${max} characters.`),
  );
}

/** `getAccessToken`: a connection's access token for an allowed extension. */
export const GetAccessTokenSchema = v.strictObject({
  type: v.literal('getAccessToken'),
  connectionId: ConnectionIdSchema,
  minValiditySeconds: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400)),
  ),
});

/** `requestAccess`: asks the person to allow the sender, naming itself (claimed) and why. */
export const RequestAccessSchema = v.strictObject({
  type: v.literal('requestAccess'),
  name: claimedText('name', MAX_CLAIMED_NAME),
  reason: claimedText('reason', MAX_REASON),
  connectionId: v.optional(ConnectionIdSchema),
  provider: v.optional(v.picklist(PROVIDERS, 'The provider must be custom, jira or google.')),
});

/** Every message another extension may send. */
export const ExternalRequestSchema = v.variant('type', [GetAccessTokenSchema, RequestAccessSchema]);

/** A request to access, as validated and cleaned. */
export type ValidRequestAccess = v.InferOutput<typeof RequestAccessSchema>;

/** What is wrong with a message, in words safe to send back (never the message's own values). */
export function describeInvalid(message: unknown): string {
  const type = (message as { type?: unknown } | null)?.type;
  if (type === 'requestAccess') {
    const issue = v.safeParse(RequestAccessSchema, message).issues?.[0];
    // Our own sentences only; valibot's defaults may quote what was sent.
    if (issue?.message.startsWith('The ')) return issue.message;
    return 'Send { type: "requestAccess", name, reason, connectionId?, provider? }.';
  }
  return 'Send { type: "getAccessToken", connectionId, minValiditySeconds? } or { type: "requestAccess", name, reason, connectionId?, provider? }.';
}
