import { apiRequest } from './http';
import type { SignedInSession } from './types';

/** The user's signed-in browsers, the most recently active first. */
export async function listSessions(signal?: AbortSignal): Promise<SignedInSession[]> {
  return (await apiRequest<{ items: SignedInSession[] }>('GET', '/api/sessions', undefined, { signal })).items;
}

/** Signs one session out at once. */
export function revokeSession(id: string): Promise<void> {
  return apiRequest('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
}

/** Signs out every session but this one. */
export function revokeOtherSessions(): Promise<void> {
  return apiRequest('DELETE', '/api/sessions');
}
