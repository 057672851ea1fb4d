import { render } from 'preact';
import { browser } from 'wxt/browser';
import { t } from '@/components/i18n';
import { withHistoryFirst } from '@/components/prefetch';
import { workerClient } from '@/components/workerClient';
import { App } from './App';
import { connectionFormFromQuery } from './connectionForm';
import type { HostAccessProps } from './HostAccess';
import { missingOrigins, type RequestOrigins } from './hostPermissions';
import { NO_FILTER, pageQuery, toCriteria } from './historyFilter';
import { loadSection } from './sectionCode';
import { parseRoute } from './sections';
import { applyStyles } from '@/components/styles';
import themeCss from '@/components/theme.css?inline';
import pageCss from './options.css?inline';

applyStyles(themeCss, pageCss);
document.title = t('extName');

const requestOrigins: RequestOrigins = (origins) => browser.permissions.request({ origins });

const hostAccess: HostAccessProps = {
  missing: () =>
    missingOrigins(browser.runtime.getManifest().host_permissions ?? [], (origins) =>
      browser.permissions.contains({ origins }),
    ),
  request: requestOrigins,
  subscribe: (onChange) => {
    browser.permissions.onAdded.addListener(onChange);
    browser.permissions.onRemoved.addListener(onChange);
    return () => {
      browser.permissions.onAdded.removeListener(onChange);
      browser.permissions.onRemoved.removeListener(onChange);
    };
  },
};

const { section } = parseRoute(location.hash);
// Opened on the History section: its first page is asked for now, the status after it (components/prefetch.ts).
const client =
  section === 'history'
    ? withHistoryFirst(workerClient, pageQuery(toCriteria(NO_FILTER, Date.now())))
    : workerClient;
// The section's code loads while the page draws its frame (docs/architecture.md#page-start).
loadSection(section).catch(() => undefined);

render(
  <App
    client={client}
    prefill={connectionFormFromQuery(location.search)}
    requestOrigins={requestOrigins}
    hostAccess={hostAccess}
  />,
  document.getElementById('app')!,
);
