// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import './catalog';
import { ProviderGuide } from '@/entrypoints/options/ProviderGuide';

const REDIRECT = 'https://iobfhdcojaekbokcoleldnljjlppjlne.chromiumapp.org/';

describe('ProviderGuide', () => {
  afterEach(() => {
    cleanup();
  });

  it('walks through the Atlassian console with the console link and its terms in bold', () => {
    render(<ProviderGuide provider="jira" redirectUrl={REDIRECT} />);

    const steps = screen.getAllByRole('listitem').map((item) => item.textContent);
    expect(screen.getByText('Register Token Keeper at Jira Cloud (once)')).toBeTruthy();
    expect(steps).toEqual([
      'In the Atlassian developer console, create an OAuth 2.0 integration.',
      'Under Permissions, add the Jira API with the scopes you enter below.',
      'Under Authorization, set the callback URL to the redirect URI below.',
      'Under Settings, copy the Client ID and Secret into this form.',
    ]);
    expect(
      screen.getByRole('link', { name: 'Atlassian developer console' }).getAttribute('href'),
    ).toBe('https://developer.atlassian.com/console/myapps/');
    expect(screen.getAllByRole('listitem')[3]?.querySelectorAll('strong')).toHaveLength(3);
  });

  it('walks through the Google console', () => {
    render(<ProviderGuide provider="google" redirectUrl={REDIRECT} />);

    const steps = screen.getAllByRole('listitem').map((item) => item.textContent);
    expect(steps[0]).toBe(
      'In Google Cloud Console → Credentials, create an OAuth client ID of type Web application (not “Chrome extension”: Edge has no such sign-in).',
    );
    expect(steps[1]).toBe('Add the redirect URI below under Authorized redirect URIs.');
    expect(steps[3]).toBe('Copy the Client ID and Client secret into this form.');
    expect(screen.getByTestId('redirect-uri').textContent).toBe(REDIRECT);
  });
});
