import type { MessageKey } from './i18n';
import type { Endpoints, ProviderKind, RefreshTokenLifetime } from './model';

// The built-in providers as plain data, read by the worker (how to talk to them) and by the options page
// (defaults and the registration guide). Behaviour built on these lives in utils/oauth/.

/** A provider Token Keeper knows by name. */
export type PresetKind = Exclude<ProviderKind, 'custom'>;

/** Everything that makes a provider different from a generic OAuth 2.0 server. */
export interface ProviderPreset {
  kind: PresetKind;
  name: string;
  endpoints: Endpoints;
  /** Scopes the form starts with; the person may edit them. */
  defaultScopes: readonly string[];
  /** Scopes always asked for, because without them there is no refresh token. */
  requiredScopes: readonly string[];
  /** Extra query parameters of the authorization request. */
  authorizeParams: Readonly<Record<string, string>>;
  /** The token endpoint needs the client secret even with PKCE. */
  clientSecretRequired: boolean;
  refreshTokenLifetime: RefreshTokenLifetime;
  /** The lifetime instead when the app is still in the provider's testing mode. */
  testingRefreshTokenLifetime?: RefreshTokenLifetime;
  /** Scopes that alone keep the testing-mode lifetime from applying (Google: basic profile). */
  testingExemptScopes?: readonly string[];
  /** Where the person withdraws access by hand when the provider has no revocation endpoint. */
  manualRevocation?: { text: string; url: string };
  /** What Disconnect also does at this provider, said before and after it (a message key). */
  disconnectNote?: MessageKey;
  /** The developer console where the app is registered. */
  consoleUrl: string;
}

/** Jira Cloud through Atlassian OAuth 2.0 (3LO). */
export const JIRA_PRESET: ProviderPreset = {
  kind: 'jira',
  name: 'Jira Cloud',
  endpoints: {
    authorization: 'https://auth.atlassian.com/authorize',
    token: 'https://auth.atlassian.com/oauth/token',
    resources: 'https://api.atlassian.com/oauth/token/accessible-resources',
    tokenRequestFormat: 'json',
  },
  defaultScopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
  requiredScopes: ['offline_access'],
  // `audience` selects the Atlassian API gateway; `prompt=consent` is what Atlassian documents for 3LO.
  authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  clientSecretRequired: true,
  // Rotating refresh tokens: 90 days unused, 365 days after the first one whatever happens.
  refreshTokenLifetime: { idleDays: 90, absoluteDays: 365 },
  manualRevocation: {
    text: 'Atlassian has no revocation endpoint: remove the app under Connected apps in your Atlassian account.',
    url: 'https://id.atlassian.com/manage-profile/apps',
  },
  consoleUrl: 'https://developer.atlassian.com/console/myapps/',
};

/** Google accounts (any Google API). */
export const GOOGLE_PRESET: ProviderPreset = {
  kind: 'google',
  name: 'Google',
  endpoints: {
    issuer: 'https://accounts.google.com',
    authorization: 'https://accounts.google.com/o/oauth2/v2/auth',
    token: 'https://oauth2.googleapis.com/token',
    revocation: 'https://oauth2.googleapis.com/revoke',
    userinfo: 'https://openidconnect.googleapis.com/v1/userinfo',
  },
  defaultScopes: ['openid', 'email'],
  requiredScopes: [],
  // `access_type=offline` asks for a refresh token; `prompt=consent` makes Google issue one on every connect.
  authorizeParams: { access_type: 'offline', prompt: 'consent' },
  clientSecretRequired: true,
  // Unused for six months; apps in "Testing" get refresh tokens that die 7 days after consent.
  refreshTokenLifetime: { idleDays: 180 },
  testingRefreshTokenLifetime: { absoluteDays: 7 },
  // Google exempts apps asking for nothing beyond the basic profile from the 7-day limit.
  testingExemptScopes: [
    'openid',
    'email',
    'profile',
    'https://www.googleapis.com/auth/userinfo.email',
    'https://www.googleapis.com/auth/userinfo.profile',
  ],
  consoleUrl: 'https://console.cloud.google.com/apis/credentials',
  // Google's revocation ends the app's whole grant for the account, in every browser and profile.
  disconnectNote: 'disconnectGoogleNote',
};

/** The built-in providers by kind. */
export const PROVIDER_PRESETS: Readonly<Record<PresetKind, ProviderPreset>> = {
  jira: JIRA_PRESET,
  google: GOOGLE_PRESET,
};

/** The preset of a provider kind, or undefined for a custom provider. */
export function presetOf(kind: ProviderKind): ProviderPreset | undefined {
  return kind === 'custom' ? undefined : PROVIDER_PRESETS[kind];
}

/** A provider's name as a person knows it. */
export function providerName(kind: ProviderKind): string {
  return presetOf(kind)?.name ?? 'Custom OAuth 2.0 / OpenID Connect';
}

/** The refresh-token rules of a preset for these scopes, in testing mode or not. */
export function presetLifetime(
  preset: ProviderPreset,
  scopes: readonly string[],
  testingMode: boolean,
): RefreshTokenLifetime {
  const exempt = preset.testingExemptScopes ?? [];
  const testingApplies = testingMode && scopes.some((scope) => !exempt.includes(scope));
  return {
    ...((testingApplies ? preset.testingRefreshTokenLifetime : undefined) ??
      preset.refreshTokenLifetime),
  };
}

/** The scopes to ask for: the person's (or the defaults when none), plus the preset's required ones. */
export function presetScopes(preset: ProviderPreset, scopes: readonly string[]): string[] {
  const chosen = scopes.length > 0 ? scopes : preset.defaultScopes;
  return [...new Set([...chosen, ...preset.requiredScopes])];
}
