import { t } from '@/components/i18n';
import { TextField } from './TextField';
import { tNodes } from '@/components/tNodes';
import type { ConnectionFormErrors, ConnectionFormValues, EndpointMode } from './connectionForm';

/** Props for {@link CustomEndpointFields}. */
export interface CustomEndpointFieldsProps {
  values: Pick<ConnectionFormValues, 'mode' | 'issuer' | 'authorizationEndpoint' | 'tokenEndpoint'>;
  setMode: (mode: EndpointMode) => void;
  /** An input handler that stores the typed value in `field`. */
  update: (field: 'issuer' | 'authorizationEndpoint' | 'tokenEndpoint') => (event: Event) => void;
  /** Problems to show beside the fields. */
  errors?: ConnectionFormErrors;
  /** Prefix of the inputs' ids (the add and edit forms may both be on the page). */
  idPrefix?: string;
}

/** A custom provider's endpoints: discovered from the issuer, or typed by hand as a fallback. */
export function CustomEndpointFields({
  values,
  setMode,
  update,
  errors = {},
  idPrefix = 'add',
}: CustomEndpointFieldsProps) {
  return (
    <>
      <fieldset class="field">
        <legend>{t('endpointsLegend')}</legend>
        <label class="choice">
          <input
            type="radio"
            name={`${idPrefix}-endpoint-mode`}
            checked={values.mode === 'discovery'}
            onChange={() => setMode('discovery')}
          />
          {t('endpointsDiscover')}
        </label>
        <label class="choice">
          <input
            type="radio"
            name={`${idPrefix}-endpoint-mode`}
            checked={values.mode === 'manual'}
            onChange={() => setMode('manual')}
          />
          {t('endpointsManual')}
        </label>
      </fieldset>

      {values.mode === 'discovery' ? (
        <TextField
          id={`${idPrefix}-issuer`}
          label={t('issuerLabel')}
          hint={tNodes(
            'issuerHint',
            <code>/.well-known/openid-configuration</code>,
            <code>/.well-known/oauth-authorization-server</code>,
          )}
          type="url"
          value={values.issuer}
          onInput={update('issuer')}
          error={errors.issuer}
          required
          placeholder="https://auth.example.com"
        />
      ) : (
        <>
          <TextField
            id={`${idPrefix}-authorization-endpoint`}
            label={t('authorizationEndpointLabel')}
            type="url"
            value={values.authorizationEndpoint}
            onInput={update('authorizationEndpoint')}
            error={errors.authorizationEndpoint}
            required
            placeholder="https://auth.example.com/authorize"
          />
          <TextField
            id={`${idPrefix}-token-endpoint`}
            label={t('tokenEndpointLabel')}
            type="url"
            value={values.tokenEndpoint}
            onInput={update('tokenEndpoint')}
            error={errors.tokenEndpoint}
            required
            placeholder="https://auth.example.com/token"
          />
        </>
      )}
    </>
  );
}
