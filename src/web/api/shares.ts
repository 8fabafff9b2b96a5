import { apiRequest } from './http';
import type { NewShare, ShareChanges, ShareLink } from './types';
import { forgetLink, rememberedLink, rememberLink } from '../lib/remembered-links';

export async function createShare(input: NewShare): Promise<ShareLink> {
  const share = await apiRequest<ShareLink>('POST', '/api/shares', input);
  const url = shareUrl(share);
  if (url) {
    rememberLink(share.id, url);
  }
  return share;
}

export async function listShares(signal?: AbortSignal): Promise<ShareLink[]> {
  return (await apiRequest<{ items: ShareLink[] }>('GET', '/api/shares', undefined, { signal })).items;
}

/** Changes expiry, password or limit; the link's address stays the same. */
export function updateShare(id: string, changes: ShareChanges): Promise<ShareLink> {
  return apiRequest('PATCH', `/api/shares/${encodeURIComponent(id)}`, changes);
}

/** Revoked at once: the link answers 404 afterwards. */
export async function revokeShare(id: string): Promise<void> {
  await apiRequest('DELETE', `/api/shares/${encodeURIComponent(id)}`);
  forgetLink(id);
}

/**
 * The link to hand out: the server's URL, or this origin's /s/:token, when the answer has them (every
 * answer does, but for a link the server cannot show: made before it sealed tokens, or under another
 * key), else as this browser remembered it; null when unknown.
 */
export function shareUrl(share: ShareLink): string | null {
  if (share.url) {
    return share.url;
  }
  return share.token ? `${window.location.origin}/s/${share.token}` : rememberedLink(share.id);
}
