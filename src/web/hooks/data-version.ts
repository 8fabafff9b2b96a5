import { useSyncExternalStore } from 'react';

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
