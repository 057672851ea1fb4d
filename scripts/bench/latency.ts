// Section 2: how fast the worker answers, in Chromium with the built extension and a real authorization
// server. Requests go from an extension page in @webext-core/messaging's wire format, timed in the page.
import { DEMO_CLIENT_ID, startAuthServer } from '../../test/support/auth-server';
import { launchExtension, stopServiceWorkers } from '../../test/support/chromium';
import {
  addConnection,
  connectWithConsent,
  openOptions,
} from '../../test/support/extension-driver';
import { timeMessages } from './page-messages';
import { median, percentile } from './stats';

/** The latency figures (ms). */
export interface LatencyResult {
  /** `getAccessToken` round trips while the token is fresh (no token request). */
  fresh: { samples: number; median: number; p99: number; max: number };
  /** The first `getAccessToken` after Chromium stopped the worker (worker start + reconcile + answer). */
  coldStart: { samples: number; median: number; max: number };
  /** `refreshNow` round trips, the server's own time for the token request, and the difference. */
  refreshNow: {
    samples: number;
    totalMedian: number;
    serverMedian: number;
    overheadMedian: number;
    overheadP99: number;
  };
}

/** How many fresh-token calls, cold starts and manual refreshes to time. */
export interface LatencyOptions {
  freshCalls: number;
  coldStarts: number;
  refreshes: number;
}

/** Times `getAccessToken` and `refreshNow` against the build at `extensionDir`. */
export async function measureLatency(
  extensionDir: string,
  options: LatencyOptions,
): Promise<LatencyResult> {
  const server = await startAuthServer({ port: 0, accessTokenTtlSec: 3600 });
  const browser = await launchExtension({ extensionDir, headless: true });
  try {
    const page = await openOptions(browser, {
      label: 'Latency',
      issuer: server.issuer,
      clientId: DEMO_CLIENT_ID,
      scopes: 'openid email offline_access',
    });
    const connectionId = await addConnection(page, 'Latency');
    await connectWithConsent(browser, page, connectionId);

    // Warm up (first messages compile code paths), then time the real run.
    await timeMessages(page, 'getAccessToken', { connectionId, minValiditySeconds: 60 }, 20);
    const fresh = await timeMessages(
      page,
      'getAccessToken',
      { connectionId, minValiditySeconds: 60 },
      options.freshCalls,
    );

    const cold: number[] = [];
    for (let i = 0; i < options.coldStarts; i += 1) {
      await stopServiceWorkers(browser);
      cold.push(
        ...(await timeMessages(
          page,
          'getAccessToken',
          { connectionId, minValiditySeconds: 60 },
          1,
        )),
      );
    }

    const before = server.records.tokenEndpointMs.length;
    const totals = await timeMessages(page, 'refreshNow', { connectionId }, options.refreshes);
    const serverTimes = server.records.tokenEndpointMs.slice(before);
    if (serverTimes.length !== totals.length) {
      throw new Error(
        `Expected ${totals.length} token requests, the server saw ${serverTimes.length}.`,
      );
    }
    const overheads = totals.map((total, i) => total - serverTimes[i]!);
    return {
      fresh: {
        samples: fresh.length,
        median: median(fresh),
        p99: percentile(fresh, 99),
        max: Math.max(...fresh),
      },
      coldStart: { samples: cold.length, median: median(cold), max: Math.max(...cold) },
      refreshNow: {
        samples: totals.length,
        totalMedian: median(totals),
        serverMedian: median(serverTimes),
        overheadMedian: median(overheads),
        overheadP99: percentile(overheads, 99),
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
