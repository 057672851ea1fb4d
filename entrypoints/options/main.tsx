import { render } from 'preact';
import { browser } from 'wxt/browser';
import { t } from '@/components/i18n';
import { workerClient } from '@/components/workerClient';
import { App } from './App';
import { connectionFormFromQuery } from './connectionForm';
import '@/components/theme.css';
import './options.css';

document.title = t('extName');

render(
  <App
    client={workerClient}
    prefill={connectionFormFromQuery(location.search)}
    requestOrigins={(origins) => browser.permissions.request({ origins })}
  />,
  document.getElementById('app')!,
);
