import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBanner } from '@/components/ErrorBanner';
import { StartupBanner } from '@/components/StartupBanner';
import { t, type MessageKey } from '@/components/i18n';
import { useNow } from '@/components/useNow';
import { useStatus } from '@/components/useStatus';
import type { WorkerClient } from '@/components/workerClient';
import type { HealthPeriod } from '@/utils/messaging';
import { needsAttention } from '@/utils/attention';
import type { ConnectionFormValues } from './connectionForm';
import { HostAccess, type HostAccessProps } from './HostAccess';
import type { RequestOrigins } from './hostPermissions';
import { useSectionCode } from './sectionCode';
import { SECTIONS, type Section } from './sections';
import { useRoute } from './useRoute';

/** Props for the options {@link App}. */
export interface AppProps {
  client: WorkerClient;
  /** Add-connection form values from the page's query string. */
  prefill: ConnectionFormValues;
  /** Asks the browser for host access (browser.permissions.request in the extension). */
  requestOrigins: RequestOrigins;
  /** Checks the manifest's host access and asks for what is missing; absent, nothing is checked. */
  hostAccess?: HostAccessProps;
}

const SECTION_TITLES: Record<Section, MessageKey> = {
  connections: 'sectionConnections',
  settings: 'sectionSettings',
  history: 'sectionHistory',
  health: 'sectionHealth',
};

const NO_FIXED: string[] = [];

/** The options page: connections, settings, history and health, one section at a time. */
export function App({ client, prefill, requestOrigins, hostAccess }: AppProps) {
  const { snapshot, error, clock, reload } = useStatus(client);
  const now = useNow(clock);
  const route = useRoute();
  const [redirectUrl, setRedirectUrl] = useState<string | null>(null);
  const main = useRef<HTMLElement>(null);
  const firstRoute = useRef(true);
  const pendingFocus = useRef(false);

  // While the worker cannot start nothing it keeps can be read: show the problem instead of the sections.
  const problem = snapshot?.problem;
  const failing = problem !== undefined;
  const status = failing ? null : snapshot;
  const section = failing ? null : route.section;
  // Each section's code arrives when first shown (sectionCode.ts).
  const code = useSectionCode(section);
  // One function for the page's life: the Health section reloads when it changes.
  const loadHealth = useCallback((period: HealthPeriod) => client.getHealth({ period }), [client]);
  const shown = section === null ? undefined : code[section];

  useEffect(() => {
    let active = true;
    // On failure the URI stays "…"; the banner already says why. Asked again once the worker has started.
    client.getRedirectUrl().then(
      (url) => active && setRedirectUrl(url),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [client, failing]);

  useEffect(() => {
    // After a section link, move focus to the new section's heading so a screen reader follows.
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    pendingFocus.current = true;
  }, [route.section]);

  useEffect(() => {
    // A section whose code is still loading has no heading yet: this runs again once it has.
    const heading = main.current?.querySelector<HTMLElement>('h2');
    if (!pendingFocus.current || !heading) return;
    pendingFocus.current = false;
    heading.focus();
  }, [route.section, shown]);

  const connections = status?.connections ?? null;
  const attention = connections?.filter((c) => needsAttention(c, now)).length ?? 0;

  return (
    <div class="options">
      <header class="options-header">
        <h1>{t('extName')}</h1>
        <nav aria-label={t('sectionsNav')}>
          <ul>
            {SECTIONS.map((section) => (
              <li key={section}>
                <a
                  href={`#${section}`}
                  aria-current={route.section === section ? 'page' : undefined}
                  data-testid={`nav-${section}`}
                >
                  {t(SECTION_TITLES[section])}
                  {section === 'connections' && attention > 0 && (
                    <span class="nav-count" title={t('navAttention', attention)}>
                      {attention}
                      <span class="visually-hidden"> {t('navAttention', attention)}</span>
                    </span>
                  )}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>

      {error && <ErrorBanner message={error} onRetry={reload} />}
      {problem && <StartupBanner problem={problem} now={now} />}
      {hostAccess && <HostAccess {...hostAccess} />}
      {status?.lock === 'locked' && (
        <p class="banner" data-testid="locked-banner">
          {t('lockBannerOptions')} <a href="#settings">{t('sectionSettings')}</a>
        </p>
      )}
      {status && !status.enabled && (
        <p class="banner" data-testid="refresh-off">
          {t('refreshOffOptions')} <a href="#settings">{t('sectionSettings')}</a>
        </p>
      )}

      <main ref={main} class="options-main" aria-busy={section !== null && !shown}>
        {section === 'connections' && code.connections && (
          <code.connections.ConnectionsSection
            connections={connections}
            now={now}
            client={client}
            redirectUrl={redirectUrl}
            prefill={prefill}
            requestOrigins={requestOrigins}
            {...(route.connectionId ? { focusConnectionId: route.connectionId } : {})}
            {...(status?.policy ? { policy: status.policy } : {})}
            lockMode={status?.lock ?? 'off'}
            {...(status
              ? { accessRequests: { count: status.accessRequests ?? 0, refreshKey: status.now } }
              : {})}
          />
        )}
        {section === 'settings' && code.settings && (
          <>
            <code.settings.SettingsSection
              load={client.getSettings}
              save={client.saveSettings}
              connections={connections ?? []}
              fixed={status?.policy?.fixedSettings ?? NO_FIXED}
            />
            <code.settings.SecuritySection
              client={client}
              lockMode={status?.lock ?? 'off'}
              required={status?.policy?.requireLock ?? false}
            />
            <code.settings.RemoveAllData wipeAllData={client.wipeAllData} />
          </>
        )}
        {/* Not held back for the status: the first page of events is read meanwhile. */}
        {section === 'history' && code.history && (
          <code.history.HistorySection
            connections={connections}
            loadPage={client.getHistory}
            exportHistory={(format, criteria) => client.exportHistory({ format, criteria })}
            clearHistory={client.clearHistory}
            loadSettings={client.getSettings}
            refreshKey={status?.now ?? null}
          />
        )}
        {section === 'health' && status && code.health && (
          <code.health.HealthSection loadHealth={loadHealth} refreshKey={status.now} />
        )}
      </main>
    </div>
  );
}
