import * as v from 'valibot';

const text = (what: string, max: number) =>
  v.pipe(v.string(`${what} must be text.`), v.trim(), v.maxLength(max, `${what} is too long.`));

/** The trust boundary for a new connection: everything a page sends is checked here (R8). */
export const NewConnectionSchema = v.object({
  provider: v.literal('custom', 'Only custom providers can be added here.'),
  label: v.pipe(text('Label', 100), v.nonEmpty('Give the connection a label.')),
  clientId: v.pipe(text('Client ID', 500), v.nonEmpty('Enter the client ID from the provider.')),
  clientSecret: v.optional(text('Client secret', 500)),
  scopes: v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'Scopes must not contain spaces or quotes.'),
      ),
    ),
    v.maxLength(50, 'Too many scopes.'),
  ),
  issuer: v.optional(text('Issuer URL', 2000)),
  authorizationEndpoint: v.optional(text('Authorization endpoint', 2000)),
  tokenEndpoint: v.optional(text('Token endpoint', 2000)),
});

/** What the options page sends to add a connection. */
export type NewConnectionInput = v.InferInput<typeof NewConnectionSchema>;
