// The test-only override that points a preset connection at its emulator. It lives entirely in the
// test: after the options page added a Jira or Google connection (with the provider's real endpoints),
// the test rewrites that connection's endpoints in the extension's IndexedDB from an extension page.
// The product has no code path, message or build flag for it, so no user build can be redirected.
import type { Page } from 'playwright-core';
import type { Endpoints } from '../../../utils/model';
import { inPageDb } from '../page-db';

/** Replaces the endpoints of connection `connectionId` (IndexedDB `token-keeper`, store `connections`). */
export function pointConnectionAt(
  page: Page,
  connectionId: string,
  endpoints: Endpoints,
): Promise<void> {
  return inPageDb(page, {
    stores: ['connections'],
    mode: 'readwrite',
    arg: { id: connectionId, next: endpoints },
    work: (tx, { id, next }) => {
      const store = tx.objectStore('connections');
      const read = store.get(id);
      read.onsuccess = () => {
        if (read.result) store.put({ ...read.result, endpoints: next });
      };
      return () => {
        if (!read.result) throw new Error(`No connection ${id}`);
      };
    },
  });
}
