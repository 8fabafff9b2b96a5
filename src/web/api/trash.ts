import { apiRequest } from './http';
import type { FileNode } from './types';

/** The tops of the trashed subtrees, and how long the server keeps them (seconds; older servers omit it). */
export function listTrash(signal?: AbortSignal): Promise<{ items: FileNode[]; retentionSeconds?: number }> {
  return apiRequest('GET', '/api/trash', undefined, { signal });
}

/** Back to the original folder (or the root), renamed if the name is taken. */
export function restoreFromTrash(id: string): Promise<FileNode> {
  return apiRequest('POST', `/api/trash/${encodeURIComponent(id)}/restore`);
}

export function deleteForever(id: string): Promise<void> {
  return apiRequest('DELETE', `/api/trash/${encodeURIComponent(id)}`);
}

export function emptyTrash(): Promise<void> {
  return apiRequest('DELETE', '/api/trash');
}
