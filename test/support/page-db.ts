// The one way tests and scripts reach the extension's IndexedDB from one of its pages (Chromium through
// Playwright, Firefox through Marionette): open `token-keeper`, run some work on one transaction, close.
import type { Page } from 'playwright-core';

/**
 * Work on one transaction, run inside the page: it starts its requests and returns how to read the result
 * once the transaction has completed. It is sent as source text, so it may use only its arguments (and no
 * named inner functions: tsx would wrap them in a helper the page does not have).
 */
export type PageDbWork<A, R> = (tx: IDBTransaction, arg: A) => () => R;

/** Which stores, how, what to do, with what, and what a database without those stores yet gives. */
export interface PageDbRequest<A, R> {
  stores: string[];
  mode?: IDBTransactionMode;
  work: PageDbWork<A, R>;
  arg?: A;
  /** The result when a store does not exist yet (the worker has not created them); else that rejects. */
  ifMissing?: R;
}

/** The request as one script expression: `page.evaluate(script)`, or Marionette's `return ${script}`. */
export function pageDbScript<A, R>(request: PageDbRequest<A, R>): string {
  const args = [
    JSON.stringify(request.stores),
    JSON.stringify(request.mode ?? 'readonly'),
    request.work.toString(),
    JSON.stringify(request.arg ?? null),
    JSON.stringify(request.ifMissing === undefined ? null : { value: request.ifMissing }),
  ];
  return `(${runInPageDb.toString()})(${args.join(', ')})`;
}

/** Runs the request in an extension page and resolves with its result. */
export function inPageDb<A, R>(page: Page, request: PageDbRequest<A, R>): Promise<R> {
  return page.evaluate(pageDbScript(request)) as Promise<R>;
}

/**
 * Opens the database at `version` from the page and closes it: a version newer than the build's leaves a
 * database the worker cannot open. Resolves with 'opened' or the error's text; 'timed out' after
 * `timeoutMs` (an open connection that does not step aside holds the upgrade).
 */
export function upgradePageDb(page: Page, version: number, timeoutMs = 5_000): Promise<string> {
  return page.evaluate(
    ([to, limit]) =>
      new Promise<string>((resolve) => {
        setTimeout(() => resolve('timed out'), limit);
        const request = indexedDB.open('token-keeper', to);
        request.onsuccess = () => {
          request.result.close();
          resolve('opened');
        };
        request.onerror = () => resolve(String(request.error));
      }),
    [version, timeoutMs] as const,
  );
}

/** Deletes the database from the page: 'deleted', 'blocked' (a connection is still open) or the error. */
export function deletePageDb(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('token-keeper');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(String(request.error));
        request.onblocked = () => resolve('blocked');
      }),
  );
}

/** Runs in the page. */
function runInPageDb(
  stores: string[],
  mode: IDBTransactionMode,
  work: PageDbWork<unknown, unknown>,
  arg: unknown,
  ifMissing: { value: unknown } | null,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('token-keeper');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      if (!stores.every((store) => db.objectStoreNames.contains(store))) {
        db.close();
        if (ifMissing) resolve(ifMissing.value);
        else reject(new Error(`The database has no ${stores.join(', ')} store yet.`));
        return;
      }
      const tx = db.transaction(stores, mode);
      const result = work(tx, arg);
      tx.oncomplete = () => {
        db.close();
        try {
          resolve(result());
        } catch (error) {
          reject(error);
        }
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}
