import { render } from 'preact';
import { browser } from 'wxt/browser';
import { t } from '@/components/i18n';
import { withPrefetchedStatus } from '@/components/prefetch';
import { workerClient } from '@/components/workerClient';
import { optionsPath } from '@/utils/options-link';
import { App } from './App';
import '@/components/theme.css';
import './popup.css';

document.title = t('extName');

/** Opens the options page; at a connection's card when one is given (the page reads the hash). */
function openOptions(connectionId?: string): void {
  if (connectionId === undefined) {
    void browser.runtime.openOptionsPage();
  } else {
    void browser.tabs.create({ url: browser.runtime.getURL(optionsPath(connectionId)) });
  }
}

// Asked before the first render: the answer is on its way while the page starts.
const client = withPrefetchedStatus(workerClient);

render(<App client={client} openOptions={openOptions} />, document.getElementById('app')!);
