import * as v from 'valibot';

const text = (what: string, max: number) =>
  v.pipe(v.string(`${what} must be text.`), v.trim(), v.maxLength(max, `${what} is too long.`));

const label = v.pipe(text('Label', 100), v.nonEmpty('Give the connection a label.'));
const clientId = v.pipe(
  text('Client ID', 500),
  v.nonEmpty('Enter the client ID from the provider.'),
);
const scopes = v.pipe(
  v.array(
    v.pipe(
      v.string(),
      v.regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'Scopes must not contain spaces or quotes.'),
    ),
  ),
  v.maxLength(50, 'Too many scopes.'),
);
// A secret is sent as typed (no trim): surrounding spaces may be part of it.
const secret = (message: string) =>
  v.pipe(
    v.string('Client secret must be text.'),
    v.maxLength(500, 'Client secret is too long.'),
    v.check((value) => value.trim() !== '', message),
  );

/** A custom provider: discovery from an issuer, or endpoints typed by hand. */
const CustomConnectionSchema = v.object({
  provider: v.literal('custom'),
  label,
  clientId,
  clientSecret: v.optional(text('Client secret', 500)),
  scopes,
  issuer: v.optional(text('Issuer URL', 2000)),
  authorizationEndpoint: v.optional(text('Authorization endpoint', 2000)),
  tokenEndpoint: v.optional(text('Token endpoint', 2000)),
  /** RFC 7009 revocation endpoint; overrides discovery's (managed configuration sets it). */
  revocationEndpoint: v.optional(text('Revocation endpoint', 2000)),
  /** Send `prompt=consent` with `offline_access` (OpenID Connect §11); off only for providers that object. */
  promptConsent: v.optional(v.boolean('Ask for consent must be true or false.')),
});

/** Jira Cloud: Atlassian's token endpoint takes no public clients, so the secret is required. */
const JiraConnectionSchema = v.object({
  provider: v.literal('jira'),
  label,
  clientId,
  clientSecret: secret('Jira Cloud needs the secret from the Atlassian developer console.'),
  scopes,
});

/** Google: Web application clients need their secret at the token endpoint, PKCE or not. */
const GoogleConnectionSchema = v.object({
  provider: v.literal('google'),
  label,
  clientId,
  clientSecret: secret('Google needs the client secret of the Web application client.'),
  scopes,
  /** The app's publishing status is "Testing": its refresh tokens die after 7 days. */
  testingMode: v.optional(v.boolean('Testing mode must be true or false.')),
});

/** The trust boundary for a new connection: everything a page sends is checked here (R8). */
export const NewConnectionSchema = v.variant(
  'provider',
  [CustomConnectionSchema, JiraConnectionSchema, GoogleConnectionSchema],
  'Choose Jira Cloud, Google or a custom provider.',
);

/** What the options page sends to add a connection. */
export type NewConnectionInput = v.InferInput<typeof NewConnectionSchema>;

/** A new connection as validated. */
export type ValidConnectionInput = v.InferOutput<typeof NewConnectionSchema>;

/**
 * What a person may change on one of their connections (docs/architecture.md#editing-a-connection): each field by
 * the same rule as when adding. A client secret given replaces the stored one; absent keeps it.
 * Endpoints apply to custom providers only (a preset's are built in).
 */
export const ConnectionEditSchema = v.strictObject(
  {
    label: v.optional(label),
    clientId: v.optional(clientId),
    clientSecret: v.optional(secret('Enter the new client secret, or leave it out to keep it.')),
    scopes: v.optional(scopes),
    issuer: v.optional(text('Issuer URL', 2000)),
    authorizationEndpoint: v.optional(text('Authorization endpoint', 2000)),
    tokenEndpoint: v.optional(text('Token endpoint', 2000)),
  },
  'Only the label, client ID, client secret, scopes and endpoints can be edited.',
);

/** The changes a page sends to edit a connection. */
export type ConnectionEdit = v.InferInput<typeof ConnectionEditSchema>;
