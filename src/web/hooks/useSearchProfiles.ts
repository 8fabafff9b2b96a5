import { listSearchProfiles } from '../api/search';
import type { SearchProfile } from '../api/types';
import { useAsync } from './useAsync';

/** Saved search profiles for the sidebar; empty while the server has none (or no search yet). */
export function useSearchProfiles(): SearchProfile[] {
  const { data } = useAsync((signal) => listSearchProfiles(signal).catch(() => []), [], { revalidate: true });
  return data ?? [];
}
