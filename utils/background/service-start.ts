import type { ExternalResponse } from '../engine/access';
import { WORKER_UNAVAILABLE, WorkerUnavailableError } from '../messaging';
import type { StartupProblem, StatusSnapshot } from '../model';
import { createHandlers, handlersOf, type Handlers } from './handlers';
import type { EventPort } from './push-hub';
import type { Services } from './services';
import { superviseStart, type Startup, type StartupDeps } from './startup';

/** What {@link superviseServices} needs besides the supervisor's own dependencies. */
export interface ServiceStartDeps extends Omit<StartupDeps<Services>, 'onProblem' | 'onReady'> {
  /** Tells open pages and the badge (the same path as every other status change). */
  changed: (snapshot: StatusSnapshot) => void;
}

/**
 * Starts the worker's services under supervision: every failed attempt goes to the pages as a snapshot with
 * its problem, and a success at once as the normal snapshot, which lifts the pages' banner and the badge.
 */
export function superviseServices(deps: ServiceStartDeps): Startup<Services> {
  const now = deps.now ?? Date.now;
  return superviseStart({
    ...deps,
    onProblem: (problem) => deps.changed(problemSnapshot(problem, now())),
    // Before reconcile, which may take a while refreshing what is overdue.
    onReady: (services) => services.changed(),
  });
}

/** The snapshot while the worker cannot start: the problem, and no claim about connections or settings. */
export function problemSnapshot(problem: StartupProblem, now: number): StatusSnapshot {
  return { now, enabled: true, connections: [], problem };
}

/** Page handlers while the start fails: `getStatus` shows the problem, every other request is refused with it. */
function unavailableHandlers(problem: StartupProblem, now: () => number): Handlers {
  const refuse = (): Promise<never> => Promise.reject(new WorkerUnavailableError(problem));
  return { ...handlersOf(() => refuse), getStatus: async () => problemSnapshot(problem, now()) };
}

/**
 * The page handlers for where the start stands, looked up per request: the engine's once it has
 * started (built once), the problem's while it fails — so a request neither hangs nor fails for good.
 */
export function handlersFor(
  startup: Startup<Services>,
  now: () => number,
  build: (services: Services) => Handlers = createHandlers,
): () => Promise<Handlers> {
  let engine: Handlers | undefined;
  return async () => {
    const state = await startup.settled();
    if (state.phase === 'failing') return unavailableHandlers(state.problem, now);
    engine ??= build(state.services);
    return engine;
  };
}

/** What another extension hears while the start fails: a clear refusal, none of this person's details. */
export const EXTERNAL_UNAVAILABLE: ExternalResponse = {
  ok: false,
  error: {
    code: WORKER_UNAVAILABLE,
    message: 'Token Keeper could not open its storage and is retrying; ask again later.',
  },
};

/** Answers another extension's request once the start's state is known (R7 still applies once started). */
export async function answerExternal(
  startup: Startup<Services>,
  message: unknown,
  callerId: string | undefined,
): Promise<ExternalResponse> {
  const state = await startup.settled();
  if (state.phase === 'failing') return EXTERNAL_UNAVAILABLE;
  return state.services.access.answerExternal(message, callerId);
}

/** Takes another extension's event port once the start's state is known; while it fails, closes it. */
export async function connectExternal(startup: Startup<Services>, port: EventPort): Promise<void> {
  const state = await startup.settled();
  // Closed without a word: the caller reconnects later, as after any worker restart.
  if (state.phase === 'failing') return port.disconnect();
  return state.services.push.attach(port);
}
