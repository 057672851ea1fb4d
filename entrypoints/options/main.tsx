import { render } from 'preact';
import { browser } from 'wxt/browser';
import { workerClient } from '@/components/workerClient';
import { App } from './App';
import { connectionFormFromQuery } from './connectionForm';
import '@/components/theme.css';
import './options.css';

render(
  <App
    client={workerClient}
    prefill={connectionFormFromQuery(location.search)}
    requestOrigins={(origins) => browser.permissions.request({ origins })}
  />,
  document.getElementById('app')!,
);
