import { ApiError, apiRequest } from './http';
import { queryString } from './query';
import type { PublicListing, PublicShare } from './types';

const base = (token: string) => `/api/public/shares/${encodeURIComponent(token)}`;

/** What the link points at; 404 unknown or revoked, 410 expired or exhausted. */
export function getPublicShare(token: string, signal?: AbortSignal): Promise<PublicShare> {
  return apiRequest('GET', base(token), undefined, { signal, quiet401: true });
}

/**
 * Why the link no longer opens (404 revoked or unknown, 410 expired or used up), or undefined
 * while it still does: a 404 inside a shared folder may be the link or only the folder asked for.
 * Rejects, as any call, when the question cannot be asked.
 */
export async function linkFailure(token: string, signal?: AbortSignal): Promise<ApiError | undefined> {
  try {
    await getPublicShare(token, signal);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
      return error;
    }
    throw error;
  }
}

/** Checks the password; the server remembers it in a cookie for this link. */
export function unlockShare(token: string, password: string): Promise<void> {
  return apiRequest('POST', `${base(token)}/unlock`, { password }, { quiet401: true });
}

/** A page of a folder inside a shared folder (the shared folder itself without folderId), folders first, by name. */
export function listSharedFolder(
  token: string,
  folderId: string | null,
  signal?: AbortSignal,
  page: { offset: number; limit: number } = { offset: 0, limit: 200 },
): Promise<PublicListing> {
  return apiRequest('GET', `${base(token)}/children${queryString({ folderId, offset: page.offset, limit: page.limit })}`, undefined, {
    signal,
    quiet401: true,
  });
}

/** Asks whether a file is still inside a shared folder (404 when not): a HEAD, which counts as no download. */
export function checkSharedFile(token: string, fileId: string, signal?: AbortSignal): Promise<void> {
  return apiRequest('HEAD', `${base(token)}/files/${encodeURIComponent(fileId)}/content`, undefined, { signal, quiet401: true });
}

/** The shared file itself, or a file inside a shared folder. */
export function publicContentUrl(token: string, fileId: string | null, options: { inline?: boolean } = {}): string {
  const path = fileId === null ? `${base(token)}/content` : `${base(token)}/files/${encodeURIComponent(fileId)}/content`;
  return `${path}${queryString({ inline: options.inline ? 1 : undefined })}`;
}

/** The shared folder (or a folder inside it) as a zip. */
export function publicZipUrl(token: string, folderId: string | null = null): string {
  return `${base(token)}/zip${queryString({ folderId: folderId ?? undefined })}`;
}
