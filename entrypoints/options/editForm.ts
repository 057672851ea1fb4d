import * as v from 'valibot';
import { ConnectionEditSchema } from '@/utils/connection-input';
import type { ConnectionEdit } from '@/utils/messaging';
import type { ConnectionStatus } from '@/utils/model';
import { t } from '@/components/i18n';
import {
  fieldErrors,
  splitScopes,
  type ConnectionFormErrors,
  type ConnectionFormField,
  type ConnectionFormValues,
} from './connectionForm';

/**
 * The edit form as typed: the add form's fields without the provider (fixed) and its add-time choices.
 * `clientSecret` is a new secret; blank keeps the stored one.
 */
export type EditFormValues = Omit<
  ConnectionFormValues,
  'provider' | 'testingMode' | 'promptConsent'
>;

/** The form's starting values from what the page knows of the connection (never its secret). */
export function editFormOf(connection: ConnectionStatus): EditFormValues {
  const { endpoints } = connection;
  return {
    label: connection.label,
    mode: endpoints.issuer ? 'discovery' : 'manual',
    issuer: endpoints.issuer ?? '',
    authorizationEndpoint: endpoints.authorization,
    tokenEndpoint: endpoints.token,
    clientId: connection.clientId,
    clientSecret: '',
    scopes: connection.scopes.join(' '),
  };
}

/** Only what changed, shaped for `editConnection` (the worker validates it again, R8). */
export function editChanges(before: EditFormValues, after: EditFormValues): ConnectionEdit {
  const changes: ConnectionEdit = {};
  if (after.label.trim() !== before.label) changes.label = after.label.trim();
  if (after.clientId.trim() !== before.clientId) changes.clientId = after.clientId.trim();
  // A secret is sent as typed: surrounding spaces may be part of it.
  if (after.clientSecret !== '') changes.clientSecret = after.clientSecret;
  if (splitScopes(after.scopes).join(' ') !== splitScopes(before.scopes).join(' '))
    changes.scopes = splitScopes(after.scopes);
  if (after.mode === 'discovery') {
    if (before.mode !== 'discovery' || after.issuer.trim() !== before.issuer)
      changes.issuer = after.issuer.trim();
  } else if (
    before.mode !== 'manual' ||
    after.authorizationEndpoint.trim() !== before.authorizationEndpoint ||
    after.tokenEndpoint.trim() !== before.tokenEndpoint
  ) {
    changes.authorizationEndpoint = after.authorizationEndpoint.trim();
    changes.tokenEndpoint = after.tokenEndpoint.trim();
  }
  return changes;
}

/** Whether saving would need a new approval: another client, scopes or endpoints. */
export function needsNewConsent(before: EditFormValues, after: EditFormValues): boolean {
  const changes = editChanges(before, after);
  return (
    changes.clientId !== undefined ||
    changes.scopes !== undefined ||
    changes.issuer !== undefined ||
    changes.authorizationEndpoint !== undefined
  );
}

/** Every problem at once, per field, by the worker's own rules (ConnectionEditSchema). */
export function editFormErrors(values: EditFormValues): ConnectionFormErrors {
  const everything = {
    label: values.label,
    clientId: values.clientId,
    scopes: splitScopes(values.scopes),
    ...(values.clientSecret === '' ? {} : { clientSecret: values.clientSecret }),
  };
  const errors = fieldErrors(v.safeParse(ConnectionEditSchema, everything).issues);
  const urls: [ConnectionFormField, string][] =
    values.mode === 'discovery'
      ? [['issuer', values.issuer]]
      : [
          ['authorizationEndpoint', values.authorizationEndpoint],
          ['tokenEndpoint', values.tokenEndpoint],
        ];
  for (const [field, value] of urls) {
    if (value.trim() === '' || !URL.canParse(value.trim())) errors[field] = t('formUrlInvalid');
  }
  return errors;
}
