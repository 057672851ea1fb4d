import { render } from 'preact';
import { browser } from 'wxt/browser';
import { t } from '@/components/i18n';
import { withPrefetchedStatus } from '@/components/prefetch';
import { workerClient } from '@/components/workerClient';
import { takeMirroredStatus } from '@/utils/status-mirror';
import { optionsPath } from '@/utils/options-link';
import { App } from './App';
import { applyStyles } from '@/components/styles';
import themeCss from '@/components/theme.css?inline';
import pageCss from './popup.css?inline';

applyStyles(themeCss, pageCss);
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

// The first frame is drawn from the worker's mirrored last snapshot, read by the head's early script while
// this one loaded; the answer above replaces it (docs/architecture.md#status-mirror).
void takeMirroredStatus(browser.storage.session).then((mirrored) => {
  render(
    <App client={client} openOptions={openOptions} initialStatus={mirrored} />,
    document.getElementById('app')!,
  );
});
