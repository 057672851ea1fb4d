import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { StatusSnapshot } from '@/utils/model';
import { clockOffset, offsetClock, type Clock } from './clock';
import { describeSendError, isUnreachable, type WorkerClient } from './workerClient';

/**
 * Waits (ms) before asking again when no worker answered at all: a page opened while Chrome stops or
 * starts the worker can meet "Receiving end does not exist" once; the person sees it only if it lasts.
 */
export const UNREACHABLE_RETRY_MS = [200, 500, 1_000];

/** What {@link useStatus} returns. */
export interface StatusState {
  /** The newest snapshot, or null until the first one arrives. */
  snapshot: StatusSnapshot | null;
  /** Why the snapshot could not be loaded, if it could not. */
  error: string | null;
  /** "Now" on the worker's clock, for countdowns against worker-computed expiries. */
  clock: Clock;
  /** Asks for a fresh snapshot (after an error, or after an action). */
  reload: () => void;
}

/**
 * Loads `getStatus` and follows `statusChanged` broadcasts; the newest snapshot wins. `initial` (the
 * worker's mirrored last snapshot) is shown until a newer one arrives; it sets no clock offset, as its
 * `now` is when it was taken.
 */
export function useStatus(
  client: Pick<WorkerClient, 'getStatus' | 'subscribeToStatus'>,
  initial: StatusSnapshot | null = null,
): StatusState {
  const [snapshot, setSnapshot] = useState<StatusSnapshot | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  // A broadcast can overtake the getStatus reply; keep whichever the worker took last.
  const newest = useRef(initial?.now ?? -Infinity);
  const mounted = useRef(true);

  const accept = useCallback((next: StatusSnapshot) => {
    if (!mounted.current || next.now < newest.current) return;
    newest.current = next.now;
    setSnapshot(next);
    setError(null);
    setOffset(clockOffset(next.now, Date.now()));
  }, []);

  const reload = useCallback(() => {
    const ask = (attempt: number) => {
      client.getStatus().then(accept, (reason: unknown) => {
        if (!mounted.current) return;
        const wait = isUnreachable(reason) ? UNREACHABLE_RETRY_MS[attempt] : undefined;
        if (wait === undefined) setError(describeSendError(reason));
        else setTimeout(() => mounted.current && ask(attempt + 1), wait);
      });
    };
    ask(0);
  }, [client, accept]);

  // A layout effect runs as the first render is committed; a plain effect waits for the next frame,
  // which delays both the request and the handling of a reply that is already there (~15-20 ms).
  useLayoutEffect(() => {
    mounted.current = true;
    const unsubscribe = client.subscribeToStatus(accept);
    reload();
    return () => {
      mounted.current = false;
      unsubscribe();
    };
  }, [client, accept, reload]);

  const clock = useMemo(() => offsetClock(offset), [offset]);
  return { snapshot, error, clock, reload };
}
