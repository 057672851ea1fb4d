import type * as v from 'valibot';
import type { ConnectionEditSchema, ValidConnectionInput } from '../connection-input';
import type { Connection } from '../model';
import type { ConnectionSetup } from '../oauth/providers';

// Pure: what editing a connection changes (docs/architecture.md#editing-a-connection). The engine
// function that reads, resolves and commits is `editConnection` in edit-connection.ts.

/** A validated edit. */
export type ValidEdit = v.InferOutput<typeof ConnectionEditSchema>;

/**
 * The connection as the person would add it today, minus the client secret: the base an edit
 * applies to, and the shape an export writes (the managed policy's `connections` entry).
 */
export function inputOf(connection: Connection): ValidConnectionInput {
  const base = {
    label: connection.label,
    clientId: connection.clientId,
    scopes: connection.scopes,
  };
  if (connection.provider === 'jira') return { provider: 'jira', ...base, clientSecret: '' };
  if (connection.provider === 'google') {
    // Google's testing mode is what gives a grant a 7-day absolute life (utils/providers.ts).
    const testing = connection.refreshTokenLifetime?.absoluteDays === 7;
    return {
      provider: 'google',
      ...base,
      clientSecret: '',
      ...(testing ? { testingMode: true } : {}),
    };
  }
  const { endpoints } = connection;
  return {
    provider: 'custom',
    ...base,
    // Discovered endpoints carry their issuer: discover again rather than freeze them.
    ...(endpoints.issuer
      ? { issuer: endpoints.issuer }
      : {
          authorizationEndpoint: endpoints.authorization,
          tokenEndpoint: endpoints.token,
          ...(endpoints.revocation ? { revocationEndpoint: endpoints.revocation } : {}),
        }),
    ...(connection.promptConsent === false ? { promptConsent: false } : {}),
  };
}

/** The input after an edit, and whether its endpoints or scopes must be worked out again. */
export function applyEdit(
  connection: Connection,
  edit: ValidEdit,
): { input: ValidConnectionInput; resolve: boolean; refused?: string } {
  const before = inputOf(connection);
  const touchesEndpoints =
    edit.issuer !== undefined ||
    edit.authorizationEndpoint !== undefined ||
    edit.tokenEndpoint !== undefined;
  if (touchesEndpoints && before.provider !== 'custom')
    return { input: before, resolve: false, refused: 'A built-in provider’s endpoints are fixed.' };
  let input: ValidConnectionInput = {
    ...before,
    ...(edit.label === undefined ? {} : { label: edit.label }),
    ...(edit.clientId === undefined ? {} : { clientId: edit.clientId }),
    ...(edit.scopes === undefined ? {} : { scopes: edit.scopes }),
  };
  if (input.provider === 'custom' && touchesEndpoints) {
    const {
      issuer: _issuer,
      authorizationEndpoint: _authorization,
      tokenEndpoint: _token,
      ...rest
    } = input;
    // An issuer means discovery; endpoints by hand replace it (and the other way round).
    input = edit.issuer
      ? { ...rest, issuer: edit.issuer }
      : {
          ...rest,
          authorizationEndpoint: edit.authorizationEndpoint ?? connection.endpoints.authorization,
          tokenEndpoint: edit.tokenEndpoint ?? connection.endpoints.token,
        };
  }
  const resolve =
    touchesEndpoints ||
    (edit.scopes !== undefined && !sameList(edit.scopes, connection.scopes)) ||
    (edit.clientId !== undefined && edit.clientId !== connection.clientId);
  return { input, resolve };
}

/** Whether the grant was issued to another client, server or scopes: only a new consent helps. */
export function grantChanged(
  connection: Connection,
  input: ValidConnectionInput,
  setup: ConnectionSetup,
): boolean {
  const a = connection.endpoints;
  const b = setup.endpoints;
  return (
    input.clientId !== connection.clientId ||
    !sameList(setup.scopes, connection.scopes) ||
    a.authorization !== b.authorization ||
    a.token !== b.token ||
    (a.issuer ?? '') !== (b.issuer ?? '')
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}
