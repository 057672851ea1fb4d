// The report's closing sections: what exactly is measured, and what is left out.
import { FIXED_INTERVAL, ON_REQUEST, POLLING } from './strategies';

/** How every figure is measured, and what the benchmark leaves out, as Markdown. */
export function method(): string {
  return [
    '## What is measured, exactly',
    '',
    '- **Simulation.** A discrete-event loop over virtual time. Every worker start builds new services on the ' +
      'same fake-indexeddb database and the same fake alarms and runs `scheduler.reconcile()`, as ' +
      "`entrypoints/background.ts` does; the event that woke it is handled alongside. Alarms get Chrome's 30 s " +
      'floor; a periodic alarm that fires late counts its period from when it fired. Events that arrive while ' +
      'earlier work waits on a token request run concurrently, as in a real worker. The quick-retry waits and ' +
      "the token endpoint's 80–400 ms latency are virtual timers; the loop moves the clock only once every " +
      "IndexedDB request in flight has finished. The services' 50 ms status broadcast runs on the virtual clock " +
      "and dies with the worker. For a reproducible month, WebCrypto's AES-GCM is replaced by the same cipher " +
      "done synchronously with node:crypto (the vault's code is unchanged) and the engine's jitter comes from " +
      'the seeded generator.',
    '- **Emulators.** One per connection, behind one token endpoint per provider (connections to one provider ' +
      'share its endpoint and its outages, as real ones do): Google-like tokens do not rotate; Atlassian-like ' +
      'ones rotate, accept the previous refresh token for 10 minutes and revoke the access tokens a rotation ' +
      'replaced 10 minutes after it; the 5-minute provider rotates with no leeway. Every other unexpired access ' +
      'token issued is accepted. A retired ' +
      'refresh token outside its leeway revokes the grant (a reuse error; the connection is lost). Each ' +
      "connection's requests draw from their own random stream, so the k-th request of a connection fails or not " +
      'whatever the strategy. Failures are what oauth4webapi and fetch throw (`TypeError: fetch failed`, an ' +
      '`OperationProcessingError` around an HTTP 503, a `ResponseBodyError` with `invalid_grant`) and go through ' +
      'the real classification.',
    '- **Clock skew.** A skewed provider checks expiry on a clock 2 min ahead of (or behind) the one it issued ' +
      'with: its tokens die 2 min before (after) the `expires_in` we count from the response.',
    '- **Availability** is the share of token calls that got a token the provider still accepted at the moment ' +
      'of the answer, without any virtual time passing between call and answer (no token request waited on, ' +
      'including one already in flight). Calls made during an outage that hits their connection are left out of ' +
      'the budget figure (the "forced outages") but counted in "outages included".',
    '- **Refreshes per token lifetime**: successful refreshes ÷ token lifetimes elapsed while the browser ran ' +
      '(asleep or closed, no token is needed or possible), summed over connections. **Token requests** count ' +
      'every attempt. **Worker wake-ups** are worker starts caused by an alarm; starts caused by a token call or ' +
      'by the browser starting are listed apart. **Time to recover**: for each connection whose token requests ' +
      "failed during an outage, from the outage's end to its next successful refresh; its **requests per outage " +
      'hour** are the most token requests one connection sent in an hour starting at any of its requests during ' +
      "the outage. The budget for token requests is a share over what R3 implies on plan for the month's " +
      'connections (lifetime ÷ (lifetime − lead − mean jitter), averaged over their lifetimes). Work the engine ' +
      'starts outside an event (a recovery after a success) keeps the simulated worker running, as its ' +
      '`keepAlive` (an extension API call every 20 s) does in Chrome.',
    '- **Competing strategies**, three hand-rolled timer designs, live in the same simulated browser and use the same emulators and month. They ' +
      'keep tokens in storage (they survive the worker), create their periodic alarm when the browser starts (the ' +
      'usual `runtime.onStartup` pattern: Chrome may lose alarms on restart), refresh one connection at a time ' +
      "with no retries and no lock, and, as a fallback, refresh on demand when a caller's token has less than a " +
      `minute left. ${FIXED_INTERVAL.name}: every connection every 12 h. ${POLLING.name}: every 5 min, the ` +
      `tokens expiring within 10 min. ${ON_REQUEST.name}: no background work at all.`,
    '- **Page budgets** are the time over an empty extension page (one static element, added to the ' +
      "benchmark's copy of the build) loaded before each popup and History load in the same browser: opening any " +
      'extension page costs a renderer, a navigation and a parse before a line of ours runs. For context only, ' +
      'the same page drawing its element from a module script is timed too. The page that seeds the database ' +
      'is moved to the empty page once the worker has created it (extension pages share one renderer thread, ' +
      'and an open options page re-renders its cards every second there); after seeding, the worker is ' +
      'restarted so that its mirrored status matches the database, as after any change it makes itself; the ' +
      'measured tab reports on its console when its element is there, so nothing is run in it before then.',
    "- **Latency** and **pages** run the production build in Debian's Chromium, headless, on a shared 2-core " +
      "machine; **scheduling passes** run the engine in Node on fake-indexeddb, which is slower than Chromium's " +
      'IndexedDB for single requests but has the same access pattern.',
    '- **Sizes.** "Serialized" is JSON of every stored value with binary fields (ciphertext, IV) counted by byte ' +
      "length — an estimate of the data, not of IndexedDB's files. Chromium's figure is its quota manager's " +
      'usage for the whole extension origin (IndexedDB on disk, LevelDB, before compaction).',
    '',
    '## Left out',
    '',
    '- A worker killed in the middle of a token request, and a refresh token lost with it, are not simulated ' +
      '(the browser restarts only when no request is in flight); the end-to-end tests cover that case.',
    '- `navigator.onLine` stays true in the month: the network outage is seen as failing requests, the worst case ' +
      'for the engine (an offline browser makes it wait without spending attempts).',
    '- Other extensions calling `getAccessToken` are not timed; their path is the same handler after the sender ' +
      'check.',
    '- Memory use of the worker and pages is not measured.',
    '',
  ].join('\n');
}
