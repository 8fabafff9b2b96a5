import { apiRequest } from './http';
import { queryString } from './query';
import type { Breadcrumb, FileNode, Listing, SortKey, SortOrder } from './types';

export interface PageRequest {
  sort: SortKey;
  order: SortOrder;
  offset: number;
  limit: number;
}

/** One page of a folder's children (null: the root), with the folder and its breadcrumbs. */
export function listChildren(folderId: string | null, page: PageRequest, signal?: AbortSignal): Promise<Listing> {
  return apiRequest('GET', `/api/folders/${encodeURIComponent(folderId ?? 'root')}/children${queryString({ ...page })}`, undefined, {
    signal,
  });
}

export function getNode(id: string, signal?: AbortSignal): Promise<FileNode> {
  return apiRequest('GET', `/api/nodes/${encodeURIComponent(id)}`, undefined, { signal });
}

/** Outermost folder first, the node itself last. */
export function getBreadcrumbs(id: string, signal?: AbortSignal): Promise<Breadcrumb[]> {
  return apiRequest('GET', `/api/nodes/${encodeURIComponent(id)}/breadcrumbs`, undefined, { signal });
}

export function createFolder(name: string, parentId: string | null): Promise<FileNode> {
  return apiRequest('POST', '/api/folders', { name, parentId });
}

/** Rename, move (parentId, null is the root) or (un)favourite. */
export function updateNode(id: string, change: { name?: string; parentId?: string | null; favorite?: boolean }): Promise<FileNode> {
  return apiRequest('PATCH', `/api/nodes/${encodeURIComponent(id)}`, change);
}

export function copyNode(id: string, parentId: string | null, name?: string): Promise<FileNode> {
  return apiRequest('POST', `/api/nodes/${encodeURIComponent(id)}/copy`, { parentId, name });
}

/** Moves the node (and everything under it) to the trash. */
export function trashNode(id: string): Promise<{ trashed: FileNode }> {
  return apiRequest('DELETE', `/api/nodes/${encodeURIComponent(id)}`);
}

export function listFavorites(signal?: AbortSignal): Promise<{ items: FileNode[] }> {
  return apiRequest('GET', '/api/favorites', undefined, { signal });
}
