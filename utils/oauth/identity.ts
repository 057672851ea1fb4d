import * as oauth from 'oauth4webapi';
import * as v from 'valibot';
import type { Endpoints, Site } from '../model';
import { httpOptions, timedFetch, type RequestOptions } from './http';
import { assertSecureUrl } from './loopback';

/** Who a connection belongs to, as the provider tells after connecting. */
export interface Identity {
  account?: string;
  sites?: Site[];
}

// Atlassian's accessible-resources answer (R8: a response is input like any other).
const SitesSchema = v.pipe(
  v.array(
    v.object({
      id: v.pipe(v.string(), v.nonEmpty(), v.maxLength(200)),
      name: v.pipe(v.string(), v.maxLength(200)),
      url: v.pipe(v.string(), v.url(), v.maxLength(2000)),
    }),
  ),
  v.maxLength(100),
);

/** Lists the sites an Atlassian grant reaches (`GET accessible-resources` with the new access token). */
export async function fetchSites(
  resourcesUrl: string,
  accessToken: string,
  options: RequestOptions = {},
): Promise<Site[]> {
  const url = assertSecureUrl(resourcesUrl, 'Resources endpoint');
  const response = await timedFetch(options.fetch ?? ((u, i) => fetch(u, i)), options.timeoutMs)(
    url.href,
    {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    },
  );
  if (!response.ok) throw new Error(`The site list answered HTTP ${response.status}.`);
  const parsed = v.safeParse(SitesSchema, await response.json());
  if (!parsed.success) throw new Error('The site list was not in the expected format.');
  // One entry per site: Atlassian lists a site once per product (Jira, Jira Service Management).
  const unique = new Map(parsed.output.map((site) => [site.id, site]));
  return [...unique.values()];
}

/**
 * The account's e-mail (or user name) from the OpenID Connect userinfo endpoint; when the consent gave
 * a validated ID token, userinfo must name its subject (OIDC Core §5.3.2) or nothing is taken from it.
 */
export async function fetchUserInfoAccount(
  endpoints: Endpoints,
  clientId: string,
  accessToken: string,
  options: RequestOptions = {},
  expectedSubject?: string,
): Promise<string | undefined> {
  if (!endpoints.userinfo) return undefined;
  const url = assertSecureUrl(endpoints.userinfo, 'Userinfo endpoint');
  const as: oauth.AuthorizationServer = {
    issuer: endpoints.issuer ?? url.origin,
    userinfo_endpoint: endpoints.userinfo,
  };
  const client = { client_id: clientId };
  const response = await oauth.userInfoRequest(as, client, accessToken, httpOptions(url, options));
  const info = await oauth.processUserInfoResponse(
    as,
    client,
    expectedSubject ?? oauth.skipSubjectCheck,
    response,
  );
  return accountFromClaims(info);
}

/** The name a person recognises an account by: e-mail first, then the preferred user name. */
export function accountFromClaims(claims: Record<string, unknown> | undefined): string | undefined {
  if (!claims) return undefined;
  if (typeof claims['email'] === 'string') return claims['email'];
  if (typeof claims['preferred_username'] === 'string') return claims['preferred_username'];
  return undefined;
}

/** The account line for a set of sites: their names, or their hosts when unnamed. */
export function accountFromSites(sites: readonly Site[]): string | undefined {
  const names = sites.map((site) => site.name || new URL(site.url).host);
  return names.length > 0 ? names.join(', ') : undefined;
}
