import type { NewConnectionInput } from '@/utils/messaging';

/** How the provider's endpoints are given: found from the issuer, or typed by hand. */
export type EndpointMode = 'discovery' | 'manual';

/** The add-connection form as typed: every field a string, so inputs stay controlled. */
export interface ConnectionFormValues {
  label: string;
  mode: EndpointMode;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
}

/** A blank form; `offline_access` is asked for by default because without it there is no refresh token. */
export const EMPTY_CONNECTION_FORM: ConnectionFormValues = {
  label: '',
  mode: 'discovery',
  issuer: '',
  authorizationEndpoint: '',
  tokenEndpoint: '',
  clientId: '',
  clientSecret: '',
  scopes: 'openid offline_access',
};

/** Query keys the demo script may prefill (never the client secret: URLs end up in history). */
const PREFILL_KEYS = [
  'label',
  'issuer',
  'authorizationEndpoint',
  'tokenEndpoint',
  'clientId',
  'scopes',
] as const;

/** The form prefilled from a page query string such as `?label=Demo&issuer=http%3A%2F%2F127.0.0.1%3A9555`. */
export function connectionFormFromQuery(search: string): ConnectionFormValues {
  const params = new URLSearchParams(search);
  const values: ConnectionFormValues = { ...EMPTY_CONNECTION_FORM };
  for (const key of PREFILL_KEYS) {
    const value = params.get(key);
    if (value !== null) values[key] = value;
  }
  const givesEndpoints = params.has('authorizationEndpoint') || params.has('tokenEndpoint');
  if (givesEndpoints && !params.has('issuer')) values.mode = 'manual';
  return values;
}

/**
 * The message for `addConnection`: trimmed, scopes split on whitespace, and only the endpoint
 * fields of the chosen mode, so a stale issuer never overrides endpoints typed by hand.
 * The worker validates everything (R8); this only shapes the input.
 */
export function toNewConnectionInput(values: ConnectionFormValues): NewConnectionInput {
  const input: NewConnectionInput = {
    provider: 'custom',
    label: values.label.trim(),
    clientId: values.clientId.trim(),
    scopes: values.scopes.split(/\s+/).filter((scope) => scope !== ''),
  };
  // A secret may legitimately contain spaces at the ends; send it exactly as typed.
  if (values.clientSecret !== '') input.clientSecret = values.clientSecret;
  if (values.mode === 'discovery') {
    input.issuer = values.issuer.trim();
  } else {
    input.authorizationEndpoint = values.authorizationEndpoint.trim();
    input.tokenEndpoint = values.tokenEndpoint.trim();
  }
  return input;
}
