import * as v from 'valibot';
import { NewConnectionSchema } from '@/utils/connection-input';
import type { NewConnectionInput } from '@/utils/messaging';
import { t } from '@/components/i18n';
import { PROVIDER_KINDS, type ProviderKind } from '@/utils/model';
import { presetOf } from '@/utils/providers';

/** How a custom provider's endpoints are given: found from the issuer, or typed by hand. */
export type EndpointMode = 'discovery' | 'manual';

/** The add-connection form as typed: text fields are strings, so inputs stay controlled. */
export interface ConnectionFormValues {
  provider: ProviderKind;
  label: string;
  mode: EndpointMode;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Google only: the app's publishing status is "Testing" (refresh tokens die after 7 days). */
  testingMode: boolean;
  /** Custom only: send `prompt=consent` with `offline_access` (on unless the provider objects). */
  promptConsent: boolean;
}

/** A custom provider asks for `offline_access` by default: without it most issue no refresh token. */
const CUSTOM_SCOPES = 'openid offline_access';

/** The blank form of a provider: a preset's name as label and its default scopes. */
export function blankConnectionForm(provider: ProviderKind): ConnectionFormValues {
  const preset = presetOf(provider);
  return {
    provider,
    label: preset?.name ?? '',
    mode: 'discovery',
    issuer: '',
    authorizationEndpoint: '',
    tokenEndpoint: '',
    clientId: '',
    clientSecret: '',
    scopes: preset ? preset.defaultScopes.join(' ') : CUSTOM_SCOPES,
    testingMode: false,
    promptConsent: true,
  };
}

/** The form as first shown: Jira Cloud, the provider most people come for. */
export const EMPTY_CONNECTION_FORM: ConnectionFormValues = blankConnectionForm('jira');

/** Query keys the demo script may prefill (never the client secret: URLs end up in history). */
const PREFILL_KEYS = [
  'label',
  'issuer',
  'authorizationEndpoint',
  'tokenEndpoint',
  'clientId',
  'scopes',
] as const;

/**
 * The form prefilled from a page query string such as `?label=Demo&issuer=http%3A%2F%2F127.0.0.1%3A9555`.
 * An issuer or endpoints mean a custom provider unless `provider` names another.
 */
export function connectionFormFromQuery(search: string): ConnectionFormValues {
  const params = new URLSearchParams(search);
  const givesEndpoints = params.has('authorizationEndpoint') || params.has('tokenEndpoint');
  const named = PROVIDER_KINDS.find((kind) => kind === params.get('provider'));
  const provider = named ?? (givesEndpoints || params.has('issuer') ? 'custom' : 'jira');
  const values = blankConnectionForm(provider);
  for (const key of PREFILL_KEYS) {
    const value = params.get(key);
    if (value !== null) values[key] = value;
  }
  if (givesEndpoints && !params.has('issuer')) values.mode = 'manual';
  return values;
}

/**
 * The message for `addConnection`: trimmed, scopes split on whitespace, and only the fields of the
 * chosen provider (and endpoint mode), so a stale issuer never overrides endpoints typed by hand.
 * The worker validates everything (R8); this only shapes the input.
 */
export function toNewConnectionInput(values: ConnectionFormValues): NewConnectionInput {
  const common = {
    label: values.label.trim(),
    clientId: values.clientId.trim(),
    scopes: splitScopes(values.scopes),
  };
  // A secret may legitimately contain spaces at the ends; send it exactly as typed.
  switch (values.provider) {
    case 'jira':
      return { provider: 'jira', ...common, clientSecret: values.clientSecret };
    case 'google':
      return {
        provider: 'google',
        ...common,
        clientSecret: values.clientSecret,
        ...(values.testingMode ? { testingMode: true } : {}),
      };
    case 'custom': {
      const input: NewConnectionInput = { provider: 'custom', ...common };
      if (values.clientSecret !== '') input.clientSecret = values.clientSecret;
      if (!values.promptConsent) input.promptConsent = false;
      if (values.mode === 'discovery') {
        input.issuer = values.issuer.trim();
      } else {
        input.authorizationEndpoint = values.authorizationEndpoint.trim();
        input.tokenEndpoint = values.tokenEndpoint.trim();
      }
      return input;
    }
  }
}

/** The https URLs the worker will call for this input, for which a page must ask host access. */
export function urlsNeedingAccess(input: NewConnectionInput): (string | undefined)[] {
  // Built-in providers' hosts are granted at install (manifest host_permissions).
  if (input.provider !== 'custom') return [];
  return [input.issuer, input.authorizationEndpoint, input.tokenEndpoint];
}

/** The form's fields that can carry an error of their own, in the order they appear. */
export const CONNECTION_FORM_FIELDS = [
  'label',
  'issuer',
  'authorizationEndpoint',
  'tokenEndpoint',
  'clientId',
  'clientSecret',
  'scopes',
] as const;

/** One of {@link CONNECTION_FORM_FIELDS}. */
export type ConnectionFormField = (typeof CONNECTION_FORM_FIELDS)[number];

/** Every problem of the form at once, per field (empty when the worker may be asked). */
export type ConnectionFormErrors = Partial<Record<ConnectionFormField, string>>;

/** Scopes as typed, split on whitespace (the add and the edit form alike). */
export function splitScopes(text: string): string[] {
  return text.split(/\s+/).filter((scope) => scope !== '');
}

/** The first message of each form field among a schema's issues (the worker's own rules, R8). */
export function fieldErrors(
  issues: readonly v.BaseIssue<unknown>[] | undefined,
): ConnectionFormErrors {
  const fields: readonly string[] = CONNECTION_FORM_FIELDS;
  const errors: ConnectionFormErrors = {};
  for (const issue of issues ?? []) {
    const field = v.getDotPath(issue)?.split('.')[0];
    if (field && fields.includes(field)) errors[field as ConnectionFormField] ??= issue.message;
  }
  return errors;
}

/**
 * Checks the form with the worker's own schema (utils/connection-input.ts), collecting every issue
 * instead of the first, plus what the schema leaves to discovery: the issuer or both endpoints.
 */
export function connectionFormErrors(values: ConnectionFormValues): ConnectionFormErrors {
  const errors = fieldErrors(v.safeParse(NewConnectionSchema, toNewConnectionInput(values)).issues);
  if (values.provider === 'custom') {
    const urls: [ConnectionFormField, string, MessageKeyOfUrl][] =
      values.mode === 'discovery'
        ? [['issuer', values.issuer, 'formIssuerMissing']]
        : [
            ['authorizationEndpoint', values.authorizationEndpoint, 'formAuthorizationMissing'],
            ['tokenEndpoint', values.tokenEndpoint, 'formTokenMissing'],
          ];
    for (const [field, value, missing] of urls) {
      if (errors[field]) continue;
      if (value.trim() === '') errors[field] = t(missing);
      else if (!URL.canParse(value.trim())) errors[field] = t('formUrlInvalid');
    }
  }
  return errors;
}

type MessageKeyOfUrl = 'formIssuerMissing' | 'formAuthorizationMissing' | 'formTokenMissing';
