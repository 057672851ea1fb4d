import type { Site } from '@/utils/model';
import { t } from './i18n';
import { tNodes } from './tNodes';

/** Props for {@link ConnectionSites}. */
export interface ConnectionSitesProps {
  sites: Site[] | undefined;
}

/** The sites a grant reaches (Jira Cloud): name, URL and the cloud id API calls need. */
export function ConnectionSites({ sites }: ConnectionSitesProps) {
  if (!sites || sites.length === 0) return null;
  return (
    <ul
      class="sites"
      data-testid="sites"
      aria-label={t('sitesLabel')}
      // Inline: a card-local detail that needs no theme rule of its own.
      style={{ margin: '6px 0 0', paddingLeft: '18px', fontSize: '13px' }}
    >
      {sites.map((site) => (
        <li key={site.id}>
          <a href={site.url} target="_blank" rel="noreferrer">
            {site.name || hostOf(site.url)}
          </a>{' '}
          <span class="muted">
            {tNodes('siteDetails', hostOf(site.url), <code>{site.id}</code>)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
