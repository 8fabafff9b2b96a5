import { useSyncExternalStore } from 'react';
import { onReachable } from '../api/reachability';

let version = 0;
const listeners = new Set<() => void>();

/** Marks everything fetched so far as stale: listings, the storage meter and views reload. */
export function invalidateData(): void {
  version += 1;
  listeners.forEach((listener) => listener());
}

/** A number that changes whenever data may have changed on the server. */
export function useDataVersion(): number {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => version,
  );
}

// The server answers again after it could not be reached: what failed to load meanwhile loads,
// and what changed meanwhile (from another device) shows.
onReachable(invalidateData);
