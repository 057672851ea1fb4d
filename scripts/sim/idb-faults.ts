// Fault injection for fake-indexeddb: every transaction and store request is a point where the simulator (or
// a unit test) may make storage fail the way browsers do — a write that succeeds but whose transaction
// then aborts on a full disk, a request aborted mid-way, a read error, a connection that refuses new
// transactions. Installed once per process by patching fake-indexeddb's prototypes; inert without a hook.
import 'fake-indexeddb/auto';
import { forceCloseDatabase } from 'fake-indexeddb';

/** One storage operation about to run. */
export interface IdbOperation {
  /** `transaction` when one is being opened, else the request method (`put`, `get`, `openCursor` …). */
  method: string;
  /** The object stores involved. */
  stores: string[];
  /** Whether it changes data. */
  write: boolean;
}

/**
 * What happens to an operation:
 * - `quota`: a write lands, then its transaction aborts with `QuotaExceededError` (Chrome on a full disk);
 * - `abort`: the transaction aborts at once, the request fails with `AbortError`;
 * - `unknown`: a read fails (`UnknownError`), aborting its transaction;
 * - `closed`: the call throws `InvalidStateError`, as on a closed or dying connection.
 */
export type IdbFault = 'quota' | 'abort' | 'unknown' | 'closed';

/** Decides, per operation, whether it fails; `undefined` lets it run. */
export type IdbFaultHook = (operation: IdbOperation, db: IDBDatabase) => IdbFault | undefined;

const WRITES = new Set(['add', 'put', 'delete', 'clear', 'update']);
const STORE_METHODS = ['add', 'put', 'delete', 'clear', 'get', 'getAll', 'getAllKeys', 'getKey'];
const INDEX_METHODS = ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor'];
const STORE_CURSORS = ['count', 'openCursor', 'openKeyCursor'];

let hook: IdbFaultHook | undefined;
let installed = false;

/** Sets (or with no argument removes) the hook that decides which operations fail. */
export function setIdbFaultHook(next?: IdbFaultHook): void {
  install();
  hook = next;
}

/** Closes a connection the way a dying worker's is closed: its unfinished transactions abort (roll back). */
export function forceClose(db: IDBDatabase): void {
  for (const tx of unfinished.get(db) ?? []) {
    if (tx._state !== 'finished') tx._abort('AbortError');
  }
  unfinished.delete(db);
  forceCloseDatabase(db as never);
}

// Transactions still running, per connection (so a kill can roll them back).
const unfinished = new Map<IDBDatabase, Set<FakeTransaction>>();

interface FakeTransaction extends IDBTransaction {
  _abort(errorName: string | null): void;
  _state: string;
}

function install(): void {
  if (installed) return;
  installed = true;
  const dbProto = globalThis.IDBDatabase.prototype;
  const openTransaction = dbProto.transaction;
  dbProto.transaction = function (this: IDBDatabase, ...args: unknown[]) {
    const names = args[0] as string | string[];
    const mode = (args[1] as IDBTransactionMode | undefined) ?? 'readonly';
    const stores = typeof names === 'string' ? [names] : [...names];
    // An upgrade's own transaction is opened by fake-indexeddb itself, not by the code under test.
    const fault =
      mode === 'versionchange'
        ? undefined
        : hook?.({ method: 'transaction', stores, write: mode !== 'readonly' }, this);
    if (fault !== undefined) throw new DOMException('Injected fault', nameOf(fault));
    const tx = (openTransaction as (...a: unknown[]) => FakeTransaction).apply(this, args);
    if (hook) {
      const set = unfinished.get(this) ?? new Set<FakeTransaction>();
      unfinished.set(this, set);
      set.add(tx);
      const done = () => set.delete(tx);
      tx.addEventListener('complete', done);
      tx.addEventListener('abort', done);
    }
    return tx;
  } as typeof dbProto.transaction;

  patchRequests(
    globalThis.IDBObjectStore.prototype,
    [...STORE_METHODS, ...STORE_CURSORS],
    (self) => {
      const store = self as IDBObjectStore;
      return { transaction: store.transaction, stores: [store.name] };
    },
  );
  patchRequests(globalThis.IDBIndex.prototype, INDEX_METHODS, (self) => {
    const index = self as IDBIndex;
    return { transaction: index.objectStore.transaction, stores: [index.objectStore.name] };
  });
  patchRequests(globalThis.IDBCursor.prototype, ['update', 'delete'], (self) => {
    const cursor = self as IDBCursor;
    const source = cursor.source as IDBObjectStore | IDBIndex;
    const store = 'objectStore' in source ? source.objectStore : source;
    return { transaction: store.transaction, stores: [store.name] };
  });
}

function patchRequests(
  proto: object,
  methods: string[],
  context: (self: object) => { transaction: IDBTransaction; stores: string[] },
): void {
  const table = proto as Record<string, (...args: unknown[]) => IDBRequest>;
  for (const method of methods) {
    const original = table[method];
    if (typeof original !== 'function') continue;
    table[method] = function (this: object, ...args: unknown[]) {
      if (!hook) return original.apply(this, args);
      const { transaction, stores } = context(this);
      const write = WRITES.has(method);
      const fault = hook({ method, stores, write }, transaction.db);
      if (fault === 'closed') throw new DOMException('Injected fault', 'InvalidStateError');
      const request = original.apply(this, args);
      const tx = transaction as FakeTransaction;
      if (fault === 'quota' && write) {
        // The write itself succeeds; the commit then fails, rolling the whole transaction back.
        request.addEventListener('success', () => {
          if (tx._state !== 'finished') tx._abort('QuotaExceededError');
        });
      } else if (fault !== undefined) {
        tx._abort(fault === 'quota' || fault === 'abort' ? 'AbortError' : 'UnknownError');
      }
      return request;
    };
  }
}

function nameOf(fault: IdbFault): string {
  if (fault === 'quota') return 'QuotaExceededError';
  if (fault === 'abort') return 'AbortError';
  if (fault === 'unknown') return 'UnknownError';
  return 'InvalidStateError';
}
