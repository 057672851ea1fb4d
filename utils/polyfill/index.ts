// `webextension-polyfill`, imported without copying its export. The bundler turns a default import of a
// CommonJS module into an ES namespace by reading every property's descriptor, and in Chromium that builds
// every extension API's binding (~5 ms of a page's start, and of every worker start) — here it copies one
// plain property instead (docs/architecture.md#page-start).
import holder from './holder.cjs';

export default holder.browser;
