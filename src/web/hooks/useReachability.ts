import { useSyncExternalStore } from 'react';
import { reachability, subscribeReachability, type Reachability } from '../api/reachability';

/** Whether the server can be reached, re-rendering when that changes. */
export function useReachability(): Reachability {
  return useSyncExternalStore(subscribeReachability, reachability);
}

/**
 * What the app calls a server out of reach, the same in the notice and in a load that failed:
 * the browser knows when its own network is down, and then that is what the user can fix.
 */
export function unreachableTitle(state: Reachability): string {
  return state === 'offline' ? 'You are offline' : 'Cannot reach the server';
}
