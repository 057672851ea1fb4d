import { useEffect, useState } from 'preact/hooks';
import type { Clock } from './clock';

/** Re-renders the caller every `intervalMs` and returns the clock's current time. */
export function useNow(clock: Clock = Date.now, intervalMs = 1000): number {
  // The state is only a tick counter: reading the clock at render keeps the value exact
  // even when something else (a new snapshot) re-renders between ticks.
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((tick) => tick + 1), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return clock();
}
