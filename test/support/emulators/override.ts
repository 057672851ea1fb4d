// The test-only override that points a preset connection at its emulator. It lives entirely in the
// test: after the options page added a Jira or Google connection (with the provider's real endpoints),
// the test rewrites that connection's endpoints in the extension's IndexedDB from an extension page.
// The product has no code path, message or build flag for it, so no user build can be redirected.
import type { Page } from 'playwright-core';
import type { Endpoints } from '../../../utils/model';

/** Replaces the endpoints of connection `connectionId` (IndexedDB `token-keeper`, store `connections`). */
export function pointConnectionAt(
  page: Page,
  connectionId: string,
  endpoints: Endpoints,
): Promise<void> {
  return page.evaluate(
    ({ id, next }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('token-keeper');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('connections', 'readwrite');
          const store = tx.objectStore('connections');
          const read = store.get(id);
          read.onsuccess = () => {
            if (!read.result) {
              reject(new Error(`No connection ${id}`));
              return;
            }
            store.put({ ...read.result, endpoints: next });
          };
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { id: connectionId, next: endpoints },
  );
}
