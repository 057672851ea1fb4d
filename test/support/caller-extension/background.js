// A stand-in for an extension that integrates with Token Keeper (see docs/integration.md). It uses the
// client module exactly as an integrator copies it: test/support/caller.ts compiles
// client/token-keeper-client.ts beside this file when it builds the extension.
import { tokenKeeper } from './token-keeper-client.js';

// The end-to-end tests call these inside this worker.
globalThis.tokenKeeperClient = (tokenKeeperId) => tokenKeeper(tokenKeeperId);

// Every event of the current subscription, in order.
globalThis.receivedEvents = [];
let unsubscribe;
globalThis.subscribeToTokenKeeper = (tokenKeeperId) => {
  unsubscribe?.();
  globalThis.receivedEvents = [];
  // Short waits: the tests restart Token Keeper's worker and expect the subscription back soon.
  unsubscribe = tokenKeeper(tokenKeeperId).subscribe(
    (event) => globalThis.receivedEvents.push(event),
    { firstMs: 200, maxMs: 2_000 },
  );
};

// A raw message, as an extension without the client module sends it (and to send malformed ones).
globalThis.askTokenKeeper = (tokenKeeperId, message) =>
  chrome.runtime.sendMessage(tokenKeeperId, message);
// Disabling and re-enabling Token Keeper fires neither onInstalled nor onStartup in it (DESIGN R2).
globalThis.setTokenKeeperEnabled = (tokenKeeperId, enabled) =>
  chrome.management.setEnabled(tokenKeeperId, enabled);
