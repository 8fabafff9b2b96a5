import type { Listing } from '../api/types';

/** How many folders' first pages are kept. */
const KEPT = 20;

// Oldest first (a Map keeps insertion order).
const kept = new Map<string, Listing>();

/**
 * Keeps the first page of a folder just listed (in this tab's memory only), to show again when the
 * way back to it (Back, a breadcrumb) cannot reach the server, instead of an error.
 */
export function keepListing(key: string, listing: Listing): void {
  kept.delete(key);
  kept.set(key, listing);
  const oldest = kept.keys().next();
  if (kept.size > KEPT && !oldest.done) {
    kept.delete(oldest.value);
  }
}

/** The first page kept for this folder and order, if any. */
export function keptListing(key: string): Listing | undefined {
  return kept.get(key);
}

/** Forgets every page kept: whoever signs in next in this tab must not see them. */
export function forgetKeptListings(): void {
  kept.clear();
}
