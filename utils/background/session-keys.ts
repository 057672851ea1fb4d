import * as v from 'valibot';
import type { SessionKeyStore } from '../store/vault';

/** The part of `chrome.storage.session` the lock uses. */
export interface SessionStorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

/** The one item: the unwrapped data key of this browser session. */
const ITEM = 'unlockedDataKey';

const SessionKeySchema = v.object({ keyId: v.string(), raw: v.string() });

/**
 * The unlocked key kept in `chrome.storage.session`: held in memory by the browser, never written to
 * disk, gone when the browser exits, and — at its default access level, TRUSTED_CONTEXTS — out of reach
 * of content scripts (https://developer.chrome.com/docs/extensions/reference/api/storage#property-session).
 */
export function sessionKeyStore(area: SessionStorageArea): SessionKeyStore {
  return {
    async get() {
      const parsed = v.safeParse(SessionKeySchema, (await area.get(ITEM))[ITEM]);
      return parsed.success ? parsed.output : undefined;
    },
    set: (value) => area.set({ [ITEM]: value }),
    clear: () => area.remove(ITEM),
  };
}
