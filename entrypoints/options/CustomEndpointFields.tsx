import { t } from '@/components/i18n';
import { tNodes } from '@/components/tNodes';
import type { ConnectionFormValues, EndpointMode } from './connectionForm';

/** Props for {@link CustomEndpointFields}. */
export interface CustomEndpointFieldsProps {
  values: ConnectionFormValues;
  setMode: (mode: EndpointMode) => void;
  /** An input handler that stores the typed value in `field`. */
  update: (field: 'issuer' | 'authorizationEndpoint' | 'tokenEndpoint') => (event: Event) => void;
}

/** A custom provider's endpoints: discovered from the issuer, or typed by hand as a fallback. */
export function CustomEndpointFields({ values, setMode, update }: CustomEndpointFieldsProps) {
  return (
    <>
      <fieldset class="field">
        <legend>{t('endpointsLegend')}</legend>
        <label class="choice">
          <input
            type="radio"
            name="endpoint-mode"
            checked={values.mode === 'discovery'}
            onChange={() => setMode('discovery')}
          />
          {t('endpointsDiscover')}
        </label>
        <label class="choice">
          <input
            type="radio"
            name="endpoint-mode"
            checked={values.mode === 'manual'}
            onChange={() => setMode('manual')}
          />
          {t('endpointsManual')}
        </label>
      </fieldset>

      {values.mode === 'discovery' ? (
        <div class="field">
          <label for="add-issuer">{t('issuerLabel')}</label>
          <input
            id="add-issuer"
            type="url"
            value={values.issuer}
            onInput={update('issuer')}
            placeholder="https://auth.example.com"
            aria-describedby="add-issuer-hint"
          />
          <p id="add-issuer-hint" class="hint">
            {tNodes(
              'issuerHint',
              <code>/.well-known/openid-configuration</code>,
              <code>/.well-known/oauth-authorization-server</code>,
            )}
          </p>
        </div>
      ) : (
        <>
          <div class="field">
            <label for="add-authorization-endpoint">{t('authorizationEndpointLabel')}</label>
            <input
              id="add-authorization-endpoint"
              type="url"
              value={values.authorizationEndpoint}
              onInput={update('authorizationEndpoint')}
              placeholder="https://auth.example.com/authorize"
            />
          </div>
          <div class="field">
            <label for="add-token-endpoint">{t('tokenEndpointLabel')}</label>
            <input
              id="add-token-endpoint"
              type="url"
              value={values.tokenEndpoint}
              onInput={update('tokenEndpoint')}
              placeholder="https://auth.example.com/token"
            />
          </div>
        </>
      )}
    </>
  );
}
