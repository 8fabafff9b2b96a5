import type { FileNode } from '../api/types';

/** How long the server keeps trashed items (FILEFLOW_TRASH_RETENTION's default). */
export const TRASH_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Milliseconds until a trashed item is purged (0 when due). */
export function timeLeftInTrash(node: Pick<FileNode, 'trashedAt' | 'updatedAt'>, now = Date.now()): number {
  const trashedAt = new Date(node.trashedAt ?? node.updatedAt).getTime();
  return Math.max(0, trashedAt + TRASH_RETENTION_MS - now);
}
