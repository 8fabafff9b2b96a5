import { apiRequest } from './http';
import type { NewShare, ShareChanges, ShareLink } from './types';

export function createShare(input: NewShare): Promise<ShareLink> {
  return apiRequest('POST', '/api/shares', input);
}

export async function listShares(signal?: AbortSignal): Promise<ShareLink[]> {
  return (await apiRequest<{ items: ShareLink[] }>('GET', '/api/shares', undefined, { signal })).items;
}

/** Changes expiry, password or limit; the link's address stays the same. */
export function updateShare(id: string, changes: ShareChanges): Promise<ShareLink> {
  return apiRequest('PATCH', `/api/shares/${encodeURIComponent(id)}`, changes);
}

/** Revoked at once: the link answers 404 afterwards. */
export function revokeShare(id: string): Promise<void> {
  return apiRequest('DELETE', `/api/shares/${encodeURIComponent(id)}`);
}

/** The link to hand out (the server's URL, or this origin's /s/:token); null once it is no longer known. */
export function shareUrl(share: ShareLink): string | null {
  if (share.url) {
    return share.url;
  }
  return share.token ? `${window.location.origin}/s/${share.token}` : null;
}
