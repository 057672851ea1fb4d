// Decides, at every await point the engine reaches (a storage request, an AES-GCM operation, a token or
// revocation request), whether it fails and how — or whether the worker dies right there. Seeded, so a
// seed replays the same faults for the same steps.
import type { IdbFault, IdbOperation } from './idb-faults';
import type { Random } from './prng';

/** How a request to the authorization server goes wrong. */
export type NetworkFault =
  /** Never leaves the browser (DNS, offline, connection refused). */
  | 'refused'
  /** The server processed it (and may have rotated), the answer is lost (connection reset). */
  | 'lost'
  /** The server processed it; the answer comes later than the client's timeout. */
  | 'slow'
  /** The worker dies while the processed request's answer is on its way. */
  | 'killed-in-flight'
  /** Answered without processing: 503, 429 with Retry-After, an HTML 500 page. */
  | 'http-503'
  | 'http-429'
  | 'html-500'
  /** Processed and rotated, but the 200 body is unusable in some way (it still carries the refresh token). */
  | 'odd-200';

const NETWORK_FAULTS: NetworkFault[] = [
  'refused',
  'lost',
  'slow',
  'killed-in-flight',
  'http-503',
  'http-429',
  'html-500',
  'odd-200',
];

/** How often faults happen in one seed. */
export interface FaultRates {
  /** Chance that a storage request or AES-GCM operation fails. */
  storage: number;
  /** Chance that a request to the authorization server fails. */
  network: number;
  /** Chance that the worker dies at an await point. */
  kill: number;
}

/** The decisions and the tally. */
export interface FaultInjector {
  /** Faults are off during set-up and the final settling. */
  enabled: boolean;
  storage(operation: IdbOperation): IdbFault | 'kill' | undefined;
  crypto(): 'fail' | 'kill' | undefined;
  network(): NetworkFault | undefined;
  /** Faults injected so far, by kind. */
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
}

/** Builds an injector drawing from `random` at `rates`. */
export function createFaultInjector(random: Random, rates: FaultRates): FaultInjector {
  const counts: Record<string, number> = {};
  let total = 0;
  const count = <T extends string>(kind: T): T => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    total += 1;
    return kind;
  };
  const injector: FaultInjector = {
    enabled: false,
    storage(operation) {
      if (!injector.enabled) return undefined;
      if (random.chance(rates.kill)) return count('kill');
      if (!random.chance(rates.storage)) return undefined;
      if (operation.method === 'transaction') return count(random.chance(0.5) ? 'closed' : 'abort');
      if (operation.write) return count(random.chance(0.6) ? 'quota' : 'abort');
      return count(random.chance(0.5) ? 'unknown' : 'abort');
    },
    crypto() {
      if (!injector.enabled) return undefined;
      if (random.chance(rates.kill)) return count('kill');
      return random.chance(rates.storage) ? count('fail') : undefined;
    },
    network() {
      if (!injector.enabled || !random.chance(rates.network)) return undefined;
      return count(NETWORK_FAULTS[random.int(0, NETWORK_FAULTS.length - 1)]!);
    },
    get counts() {
      return counts;
    },
    get total() {
      return total;
    },
  };
  return injector;
}
