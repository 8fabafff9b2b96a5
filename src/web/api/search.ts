import { apiRequest } from './http';
import { queryString } from './query';
import type { SearchFilters, SearchProfile, SearchResults } from './types';

/** Name search with type, size and date filters; newest first. */
export function search(filters: SearchFilters, page: { offset: number; limit: number }, signal?: AbortSignal): Promise<SearchResults> {
  const query = queryString({
    q: filters.q,
    types: filters.types.join(','),
    sizeMin: filters.sizeMin,
    sizeMax: filters.sizeMax,
    from: filters.from,
    to: filters.to,
    offset: page.offset,
    limit: page.limit,
  });
  return apiRequest('GET', `/api/search${query}`, undefined, { signal });
}

/** Profiles as a list whether the server wraps them in `{items}` or not. */
export async function listSearchProfiles(signal?: AbortSignal): Promise<SearchProfile[]> {
  const body = await apiRequest<SearchProfile[] | { items: SearchProfile[] }>('GET', '/api/search-profiles', undefined, { signal });
  return Array.isArray(body) ? body : body.items;
}

export function getSearchProfile(id: string, signal?: AbortSignal): Promise<SearchProfile> {
  return apiRequest('GET', `/api/search-profiles/${encodeURIComponent(id)}`, undefined, { signal });
}

export function createSearchProfile(profile: Omit<SearchProfile, 'id'>): Promise<SearchProfile> {
  return apiRequest('POST', '/api/search-profiles', profile);
}

/** Changes a saved search (here: its name). */
export function updateSearchProfile(id: string, changes: { name: string }): Promise<SearchProfile> {
  return apiRequest('PATCH', `/api/search-profiles/${encodeURIComponent(id)}`, changes);
}

export function deleteSearchProfile(id: string): Promise<void> {
  return apiRequest('DELETE', `/api/search-profiles/${encodeURIComponent(id)}`);
}

export function profileResults(id: string, page: { offset: number; limit: number }, signal?: AbortSignal): Promise<SearchResults> {
  return apiRequest('GET', `/api/search-profiles/${encodeURIComponent(id)}/results${queryString(page)}`, undefined, { signal });
}
