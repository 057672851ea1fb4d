// A stand-in for an extension that integrates with Token Keeper (see docs/integration.md).
// The end-to-end test calls askTokenKeeper() inside this worker.
globalThis.askTokenKeeper = (tokenKeeperId, message) =>
  chrome.runtime.sendMessage(tokenKeeperId, message);
// Disabling and re-enabling Token Keeper fires neither onInstalled nor onStartup in it (DESIGN R2).
globalThis.setTokenKeeperEnabled = (tokenKeeperId, enabled) =>
  chrome.management.setEnabled(tokenKeeperId, enabled);
