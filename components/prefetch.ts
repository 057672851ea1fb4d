import type { StatusSnapshot } from '@/utils/model';
import type { WorkerClient } from './workerClient';

/**
 * A client whose first `getStatus` was sent when it was made, before the page's first render: the
 * worker's round trip overlaps the page start instead of waiting for the first effect to run.
 */
export function withPrefetchedStatus<C extends Pick<WorkerClient, 'getStatus'>>(client: C): C {
  let early: Promise<StatusSnapshot> | undefined = client.getStatus();
  // Nobody may be listening yet; a failure is reported when the page asks for it.
  early.catch(() => undefined);
  return {
    ...client,
    getStatus: () => {
      const first = early;
      early = undefined;
      return first ?? client.getStatus();
    },
  };
}
