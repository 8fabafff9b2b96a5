import { apiRequest } from './http';
import type { AccessToken, NewAccessToken } from './types';

export async function listTokens(signal?: AbortSignal): Promise<AccessToken[]> {
  return (await apiRequest<{ items: AccessToken[] }>('GET', '/api/tokens', undefined, { signal })).items;
}

/** The secret is in this answer only. */
export function createToken(name: string): Promise<NewAccessToken> {
  return apiRequest('POST', '/api/tokens', { name });
}

export function revokeToken(id: string): Promise<void> {
  return apiRequest('DELETE', `/api/tokens/${encodeURIComponent(id)}`);
}
