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
      {provider === 'jira' ? 'Atlassian developer console' : 'Google Cloud Console → Credentials'}
    </a>
  );
  return (
    <details class="provider-guide" open data-testid="provider-guide">
      <summary>Register Token Keeper at {preset.name} (once)</summary>
      {provider === 'jira' ? (
        <ol>
          <li>
            In the {consoleLink}, create an <strong>OAuth 2.0 integration</strong>.
          </li>
          <li>
            Under <strong>Permissions</strong>, add the <strong>Jira API</strong> with the scopes
            you enter below.
          </li>
          <li>
            Under <strong>Authorization</strong>, set the <strong>callback URL</strong> to the
            redirect URI below.
          </li>
          <li>
            Under <strong>Settings</strong>, copy the <strong>Client ID</strong> and{' '}
            <strong>Secret</strong> into this form.
          </li>
        </ol>
      ) : (
        <ol>
          <li>
            In {consoleLink}, create an <strong>OAuth client ID</strong> of type{' '}
            <strong>Web application</strong> (not “Chrome extension”: Edge has no such sign-in).
          </li>
          <li>
            Add the redirect URI below under <strong>Authorized redirect URIs</strong>.
          </li>
          <li>
            On the <strong>OAuth consent screen</strong>, add the scopes you enter below. While its
            publishing status is <strong>Testing</strong>, add yourself as a test user and tick
            “Testing” below: Google then ends refresh tokens for anything beyond the basic profile
            after 7 days. Publishing the app (“In production”) lifts that limit.
          </li>
          <li>
            Copy the <strong>Client ID</strong> and <strong>Client secret</strong> into this form.
          </li>
        </ol>
      )}
      <RedirectUri url={redirectUrl} copyText={copyText} />
    </details>
  );
}
