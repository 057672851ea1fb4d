import { render } from 'preact';
import { browser } from 'wxt/browser';
import { t } from '@/components/i18n';
import { workerClient } from '@/components/workerClient';
import { App } from './App';
import { connectionFormFromQuery } from './connectionForm';
import type { HostAccessProps } from './HostAccess';
import { missingOrigins, type RequestOrigins } from './hostPermissions';
import '@/components/theme.css';
import './options.css';

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

render(
  <App
    client={workerClient}
    prefill={connectionFormFromQuery(location.search)}
    requestOrigins={requestOrigins}
    hostAccess={hostAccess}
  />,
  document.getElementById('app')!,
);
