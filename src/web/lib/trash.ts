import type { FileNode } from '../api/types';

/** How long the server keeps trashed items by default (FILEFLOW_TRASH_RETENTION); the trash list says the actual one. */
export const TRASH_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Milliseconds until a trashed item is purged (0 when due), for the server's retention (`retentionMs`). */
export function timeLeftInTrash(node: Pick<FileNode, 'trashedAt' | 'updatedAt'>, now = Date.now(), retentionMs = TRASH_RETENTION_MS): number {
  const trashedAt = new Date(node.trashedAt ?? node.updatedAt).getTime();
  return Math.max(0, trashedAt + retentionMs - now);
}
