// Makes Node a deterministic, observable runtime for the month: the simulation must know when the engine has
// nothing left to do but wait for virtual time, and the same seed must give the same month.
// - fake-indexeddb schedules all its work with setImmediate: those tasks are counted (`settle`).
// - WebCrypto's AES-GCM and SHA-256 finish on a thread pool in no fixed order: they are replaced by the same
//   operations done synchronously with node:crypto (same IV, additional data and tag; the vault's code is
//   unchanged).
// - `setTimeout` (the services' 50 ms status broadcast) runs on the virtual clock while a month runs.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { VirtualClock } from './virtual-clock';

const realSetImmediate = globalThis.setImmediate;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
let pendingTasks = 0;
let installed = false;
let cryptoFault: ((operation: 'encrypt' | 'decrypt') => boolean) | undefined;

/** Sets (or removes) the hook that makes an AES-GCM operation fail with `OperationError` (fault injection). */
export function setCryptoFaultHook(hook?: (operation: 'encrypt' | 'decrypt') => boolean): void {
  cryptoFault = hook;
}

/** Opens a sealed secret with the simulation's key, outside the engine (for invariant checks). */
export function openSealedWith(
  key: unknown,
  sealed: { connectionId: string; iv: Uint8Array; data: ArrayBuffer },
): unknown {
  const { benchAesGcmKey } = key as BenchAesKey;
  const all = Buffer.from(sealed.data);
  const decipher = createDecipheriv('aes-256-gcm', benchAesGcmKey, Buffer.from(sealed.iv));
  decipher.setAAD(Buffer.from(sealed.connectionId));
  decipher.setAuthTag(all.subarray(all.length - 16));
  const plain = Buffer.concat([
    decipher.update(all.subarray(0, all.length - 16)),
    decipher.final(),
  ]);
  return JSON.parse(plain.toString('utf8'));
}

const injected = () => Promise.reject(new DOMException('Injected fault', 'OperationError'));

/** A stand-in for a non-extractable AES-GCM `CryptoKey` (structured-cloneable, so IndexedDB keeps it). */
interface BenchAesKey {
  benchAesGcmKey: Uint8Array;
}

/** Counts setImmediate tasks and makes AES-GCM synchronous (once per process). */
export function installSimRuntime(): void {
  if (installed) return;
  installed = true;
  const counted = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    pendingTasks += 1;
    return realSetImmediate(() => {
      try {
        callback(...args);
      } finally {
        pendingTasks -= 1;
      }
    });
  }) as typeof setImmediate;
  globalThis.setImmediate = Object.assign(counted, realSetImmediate);
  installSyncAesGcm();
}

/** Resolves once no counted task has been pending for two turns of the event loop in a row. */
export async function settle(): Promise<void> {
  let quietTurns = 0;
  while (quietTurns < 2) {
    await new Promise<void>((resolve) => realSetImmediate(resolve));
    quietTurns = pendingTasks === 0 ? quietTurns + 1 : 0;
  }
}

/** Resolves after `ms` of real time, whatever timers the simulation has routed to its clock. */
export function realDelay(ms: number): { done: Promise<void>; cancel: () => void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => {
    id = realSetTimeout(resolve, ms);
  });
  return { done, cancel: () => realClearTimeout(id) };
}

/** Routes `setTimeout`/`clearTimeout` to `clock` until the returned function is called. */
export function useVirtualTimeouts(
  clock: VirtualClock,
  /** Wraps each callback when it is set (the chaos simulator ties it to the worker that set it). */
  wrap: (callback: () => void) => () => void = (callback) => callback,
): () => void {
  const virtualSetTimeout = ((
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) =>
    clock.setTimer(
      wrap(() => callback(...args)),
      ms ?? 0,
    )) as unknown as typeof setTimeout;
  const virtualClearTimeout = ((id: unknown) => {
    if (typeof id === 'number') clock.clearTimer(id);
  }) as typeof clearTimeout;
  globalThis.setTimeout = virtualSetTimeout;
  globalThis.clearTimeout = virtualClearTimeout;
  return () => {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
  };
}

function installSyncAesGcm(): void {
  const subtle = globalThis.crypto.subtle;
  const isBenchKey = (key: unknown): key is BenchAesKey =>
    typeof key === 'object' && key !== null && 'benchAesGcmKey' in key;
  const bytes = (data: BufferSource) =>
    ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);
  const toArrayBuffer = (buffer: Buffer) =>
    buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  const realGenerateKey = subtle.generateKey.bind(subtle);
  const realEncrypt = subtle.encrypt.bind(subtle);
  const realDecrypt = subtle.decrypt.bind(subtle);
  const define = (name: string, value: unknown) =>
    Object.defineProperty(subtle, name, { configurable: true, value });

  define('generateKey', (algorithm: { name?: string }, ...rest: unknown[]) =>
    algorithm.name === 'AES-GCM'
      ? Promise.resolve({ benchAesGcmKey: new Uint8Array(randomBytes(32)) })
      : (realGenerateKey as (...args: unknown[]) => Promise<unknown>)(algorithm, ...rest),
  );
  // PKCE's SHA-256 too: WebCrypto's digest also finishes on the thread pool, in no fixed order.
  define('digest', (algorithm: AlgorithmIdentifier, data: BufferSource) => {
    const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
    const hash = name.toUpperCase().replace('-', '');
    return Promise.resolve(
      toArrayBuffer(createHash(hash.toLowerCase()).update(bytes(data)).digest()),
    );
  });
  define('encrypt', (params: AesGcmParams, key: unknown, data: BufferSource) => {
    if (!isBenchKey(key)) return realEncrypt(params, key as CryptoKey, data);
    if (cryptoFault?.('encrypt')) return injected();
    const cipher = createCipheriv('aes-256-gcm', key.benchAesGcmKey, bytes(params.iv));
    if (params.additionalData) cipher.setAAD(bytes(params.additionalData));
    const sealed = Buffer.concat([cipher.update(bytes(data)), cipher.final(), cipher.getAuthTag()]);
    return Promise.resolve(toArrayBuffer(sealed));
  });
  define('decrypt', (params: AesGcmParams, key: unknown, data: BufferSource) => {
    if (!isBenchKey(key)) return realDecrypt(params, key as CryptoKey, data);
    if (cryptoFault?.('decrypt')) return injected();
    const all = bytes(data);
    const decipher = createDecipheriv('aes-256-gcm', key.benchAesGcmKey, bytes(params.iv));
    if (params.additionalData) decipher.setAAD(bytes(params.additionalData));
    decipher.setAuthTag(all.subarray(all.length - 16));
    const plain = Buffer.concat([
      decipher.update(all.subarray(0, all.length - 16)),
      decipher.final(),
    ]);
    return Promise.resolve(toArrayBuffer(plain));
  });
}
