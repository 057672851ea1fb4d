// Getting real tokens out of the local authorization server: headless (Node fetch, for integration tests
// seeding a connection) and in a Playwright page (for end-to-end tests driving the real consent popup).
import * as oauth from 'oauth4webapi';
import type { Page } from 'playwright-core';

import { DEMO_CLIENT_ID, DEMO_REDIRECT_URI, DEMO_SCOPE } from './auth-server.ts';

/** What obtainTokens needs; defaults are the demo public client and all supported scopes. */
export interface ObtainTokensOptions {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  /** For confidential clients: sent as client_secret_post, like the product does. */
  clientSecret?: string;
  /** The account id to sign in as (the demo user's email becomes `<login>@demo.test`). */
  login?: string;
  /** Default 'consent' when `offline_access` is asked for, as the product sends (OIDC Core §11); '' sends none. */
  prompt?: string;
  /** Return tokens without a refresh token instead of failing (to test a server that withholds one). */
  allowNoRefreshToken?: boolean;
}

/** Tokens from a completed authorization code + PKCE flow. */
export interface ObtainedTokens {
  accessToken: string;
  /** Empty only when `allowNoRefreshToken` was set and the server issued none. */
  refreshToken: string;
  expiresIn: number;
  idToken?: string;
  scope?: string;
}

/** oauth4webapi option letting it talk to the loopback server over plain http. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The server's metadata, fetched and validated by oauth4webapi from its discovery document. */
export async function discoverAuthServer(server: {
  issuer: string;
}): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(server.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
}

/** Run the authorization code + PKCE flow without a browser: sign in, consent, exchange the code. */
export async function obtainTokens(
  server: { issuer: string },
  options: ObtainTokensOptions = {},
): Promise<ObtainedTokens> {
  const {
    clientId = DEMO_CLIENT_ID,
    redirectUri = DEMO_REDIRECT_URI,
    scope = DEMO_SCOPE,
    clientSecret,
    login = 'demo',
    prompt = scope.split(' ').includes('offline_access') ? 'consent' : '',
  } = options;
  const as = await discoverAuthServer(server);
  const client: oauth.Client = { client_id: clientId };
  const clientAuth = clientSecret ? oauth.ClientSecretPost(clientSecret) : oauth.None();

  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorizeUrl = new URL(as.authorization_endpoint ?? `${server.issuer}/auth`);
  authorizeUrl.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...(prompt ? { prompt } : {}),
  }).toString();

  const callbackUrl = await walkConsentPages(authorizeUrl, redirectUri, login);
  const params = oauth.validateAuthResponse(as, client, callbackUrl, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth,
    params,
    redirectUri,
    codeVerifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);

  if (!tokens.refresh_token && !options.allowNoRefreshToken) {
    throw new Error('authorization server issued no refresh token');
  }
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? '',
    expiresIn: tokens.expires_in ?? 0,
    idToken: tokens.id_token,
    scope: tokens.scope,
  };
}

/**
 * Follow redirects by hand (fetch would drop the interaction cookies and follow the final redirect to the
 * chromiumapp.org URL), submitting oidc-provider's dev login and consent forms on the way. Stands in for
 * `identity.launchWebAuthFlow` in integration tests: resolves with the URL the flow redirected back to.
 */
export async function walkConsentPages(
  start: URL,
  redirectUri: string,
  login: string,
): Promise<URL> {
  const jar = new CookieJar();
  let url = start;
  let init: RequestInit = { method: 'GET' };

  for (let step = 0; step < 20; step += 1) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) },
    });
    jar.store(url, response.headers.getSetCookie());

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url);
      init = { method: 'GET' };
      if (url.href.startsWith(redirectUri)) return url;
      continue;
    }

    const html = await response.text();
    const form = parseDevInteractionForm(html);
    if (response.status !== 200 || !form) {
      throw new Error(
        `unexpected page at ${url.href} (HTTP ${response.status}): ${html.slice(0, 300)}`,
      );
    }
    const fields: Record<string, string> =
      form.prompt === 'login'
        ? { prompt: 'login', login, password: 'demo' }
        : { prompt: 'consent' };
    url = new URL(form.action, url);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    };
  }
  throw new Error('authorization flow did not reach the redirect URI');
}

/** The dev interaction form on a page: its (absolute) action and which prompt it answers. */
function parseDevInteractionForm(
  html: string,
): { action: string; prompt: 'login' | 'consent' } | undefined {
  const action = /<form[^>]*\saction="([^"]+)"/.exec(html)?.[1];
  const prompt = /name="prompt" value="(login|consent)"/.exec(html)?.[1];
  if (!action || (prompt !== 'login' && prompt !== 'consent')) return undefined;
  return { action: decodeEntities(action), prompt };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Just enough of a cookie jar for one host: oidc-provider scopes interaction cookies by path. */
class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = url.pathname;
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', attrValue = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = attrValue;
        if (key.toLowerCase() === 'max-age' && Number(attrValue) <= 0) expired = true;
        if (key.toLowerCase() === 'expires' && Date.parse(attrValue) <= Date.now()) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
  }

  header(url: URL): string {
    return [...this.cookies.values()]
      .filter((cookie) => url.pathname.startsWith(cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }
}

/**
 * In a Playwright page showing oidc-provider's dev interactions (e.g. the launchWebAuthFlow window): sign in
 * as `login`, then approve. Steps the server skips (existing session, consent already given) are skipped
 * too; returns once the approval is submitted, or the page reached the redirect URI or closed.
 */
export async function completeConsentInPage(
  page: Page,
  login = 'demo',
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const timeout = options.timeoutMs ?? 15_000;
  // Each interaction has its own uid in the form's action; waiting for a different action waits for the next
  // page rather than matching the one just submitted.
  let previousAction: string | null = null;

  for (let step = 0; step < 2; step += 1) {
    const form = await nextInteraction(page, previousAction, timeout);
    if (!form) return;
    previousAction = form.action;

    if (form.prompt === 'login') {
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', 'demo');
    }
    try {
      await page.click('form button[type="submit"]');
    } catch (error) {
      // Chrome closes the launchWebAuthFlow window as soon as the redirect URI is reached.
      if (page.isClosed() || isClosedError(error)) return;
      throw error;
    }
    if (form.prompt === 'consent') return;
  }
}

/** The next dev interaction form, or null when the flow ended without one (redirected or window closed). */
async function nextInteraction(
  page: Page,
  previousAction: string | null,
  timeout: number,
): Promise<{ prompt: string; action: string } | null> {
  const selector = previousAction
    ? `form[action]:not([action="${previousAction}"]) input[name="prompt"]`
    : 'form[action] input[name="prompt"]';
  const form = page
    .waitForSelector(selector, { state: 'attached', timeout })
    .then(async (input) => ({
      prompt: await input.evaluate((element) => (element as HTMLInputElement).value),
      action: await input.evaluate(
        (element) => (element as HTMLInputElement).form?.getAttribute('action') ?? '',
      ),
    }));
  // In an ordinary tab (no launchWebAuthFlow) the flow ends on the chromiumapp.org URL instead of closing.
  const redirected = page
    .waitForURL((url) => url.hostname.endsWith('.chromiumapp.org'), { timeout })
    .then(
      () => null,
      () => new Promise<never>(() => {}), // a timeout here must not win the race: let `form` report
    );
  try {
    return await Promise.race([form, redirected]);
  } catch (error) {
    if (page.isClosed() || isClosedError(error)) return null;
    throw error;
  }
}

function isClosedError(error: unknown): boolean {
  return error instanceof Error && /has been closed|Target closed|destroyed/i.test(error.message);
}
