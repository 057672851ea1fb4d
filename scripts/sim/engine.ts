// The real engine in a simulated worker, the same for the benchmark's month and the fault simulator:
// `createServices` with what no simulation has (pages to tell, a person to consent, navigator.locks),
// and what entrypoints/background.ts does when a worker starts and when an alarm fires.
import { createServices, type Platform, type Services } from '../../utils/background/services';
import { createMemoryLocks } from '../../utils/engine/deps';

/** A simulation's platform: without `authorize` no consent is possible; the rest is the simulation's own. */
export type SimulatedPlatform = Omit<Platform, 'authorize' | 'redirectUri' | 'changed' | 'locks'> &
  Partial<Pick<Platform, 'authorize'>>;

/** Where the simulated consent windows send the person back. */
export const SIM_REDIRECT_URI = 'https://tk-sim.chromiumapp.org/';

/** Builds one worker start's services. */
export function createSimulatedServices(platform: SimulatedPlatform): Promise<Services> {
  return createServices({
    authorize: async () => {
      throw new Error('No consent in this simulation.');
    },
    redirectUri: SIM_REDIRECT_URI,
    // No page is open in a simulation.
    changed: () => undefined,
    // navigator.locks dies with the worker that held them: every start gets its own.
    locks: createMemoryLocks(),
    ...platform,
  });
}

/**
 * What the background does at the top level of every worker start (R1: reconcile, then tell the pages);
 * `reconciled` runs once the reconcile has ended, whether or not it failed.
 */
export async function atWorkerStart(services: Services, reconciled?: () => void): Promise<void> {
  try {
    await services.scheduler.reconcile();
  } finally {
    reconciled?.();
  }
  services.changed();
}

/** What the background's alarm listener does. */
export async function deliverAlarm(services: Services, alarm: { name: string }): Promise<void> {
  await services.scheduler.onAlarm(alarm);
  services.changed();
}
