// The popup's script (entrypoints/popup/index.html loads it): one classic script with everything it needs,
// built apart from the options page, so the popup fetches one file on its way to its first frame
// (docs/architecture.md#page-start).
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { t } from '@/components/i18n';
import { withPrefetchedStatus } from '@/components/prefetch';
import { workerClient } from '@/components/workerClient';
import { takeMirroredStatus } from '@/utils/status-mirror';
import { optionsPath } from '@/utils/options-link';
import { App } from './popup/App';
import { applyStyles } from '@/components/styles';
import themeCss from '@/components/theme.css?inline';
import pageCss from './popup/popup.css?inline';

export default defineUnlistedScript(() => {
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

  // The first frame is drawn from the worker's mirrored last snapshot, read by the head's early script while
  // this one loaded; the worker's answer replaces it (docs/architecture.md#status-mirror).
  void takeMirroredStatus(browser.storage.session).then((mirrored) => {
    const client = mirrored ? workerClient : withPrefetchedStatus(workerClient);
    render(
      <App client={client} openOptions={openOptions} initialStatus={mirrored} />,
      document.getElementById('app')!,
    );
  });
});
