import { t } from '@/components/i18n';
import { providerLabel } from '@/components/labels';
import { tNodes } from '@/components/tNodes';
import type { PresetKind } from '@/utils/providers';
import { PROVIDER_PRESETS } from '@/utils/providers';
import { RedirectUri } from './RedirectUri';

/** Props for {@link ProviderGuide}. */
export interface ProviderGuideProps {
  provider: PresetKind;
  /** The redirect URI to register; null while it loads. */
  redirectUrl: string | null;
  copyText?: ((text: string) => Promise<void>) | undefined;
}

/** A short, inline guide to registering the app at a built-in provider, with the redirect URI to copy. */
export function ProviderGuide({ provider, redirectUrl, copyText }: ProviderGuideProps) {
  const preset = PROVIDER_PRESETS[provider];
  const consoleLink = (
    <a href={preset.consoleUrl} target="_blank" rel="noreferrer">
      {provider === 'jira' ? t('guideJiraConsole') : t('guideGoogleConsole')}
    </a>
  );
  return (
    <details class="provider-guide" open data-testid="provider-guide">
      <summary>{t('guideSummary', providerLabel(provider))}</summary>
      {provider === 'jira' ? (
        <ol>
          <li>
            {tNodes('guideJiraCreate', consoleLink, <strong>{t('guideTermIntegration')}</strong>)}
          </li>
          <li>
            {tNodes(
              'guideJiraPermissions',
              <strong>{t('guideTermPermissions')}</strong>,
              <strong>{t('guideTermJiraApi')}</strong>,
            )}
          </li>
          <li>
            {tNodes(
              'guideJiraCallback',
              <strong>{t('guideTermAuthorization')}</strong>,
              <strong>{t('guideTermCallbackUrl')}</strong>,
            )}
          </li>
          <li>
            {tNodes(
              'guideJiraCredentials',
              <strong>{t('guideTermSettings')}</strong>,
              <strong>{t('guideTermClientId')}</strong>,
              <strong>{t('guideTermSecret')}</strong>,
            )}
          </li>
        </ol>
      ) : (
        <ol>
          <li>
            {tNodes(
              'guideGoogleCreate',
              consoleLink,
              <strong>{t('guideTermOAuthClientId')}</strong>,
              <strong>{t('guideTermWebApplication')}</strong>,
            )}
          </li>
          <li>{tNodes('guideGoogleRedirect', <strong>{t('guideTermRedirectUris')}</strong>)}</li>
          <li>
            {tNodes(
              'guideGoogleConsent',
              <strong>{t('guideTermConsentScreen')}</strong>,
              <strong>{t('guideTermTesting')}</strong>,
            )}
          </li>
          <li>
            {tNodes(
              'guideGoogleCredentials',
              <strong>{t('guideTermClientId')}</strong>,
              <strong>{t('guideTermClientSecret')}</strong>,
            )}
          </li>
        </ol>
      )}
      <RedirectUri url={redirectUrl} copyText={copyText} />
    </details>
  );
}
