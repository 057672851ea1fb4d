import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { startEarlyMirrorRead, type MirrorArea } from '@/utils/status-mirror';

// Loaded by the popup's head (docs/architecture.md#status-mirror). The browser's own global, not
// wxt/browser: the polyfill would make this script ten times its size.
const api =
  (globalThis as { browser?: { storage: { session: MirrorArea } } }).browser ??
  (globalThis as unknown as { chrome: { storage: { session: MirrorArea } } }).chrome;

export default defineUnlistedScript(() => startEarlyMirrorRead(api.storage.session));
