import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http';
import type { FileNode } from '../api/types';

/** A tiny stand-in for the server's tree: names unique per folder among live nodes, moves refused on a taken name. */
const nodes = new Map<string, FileNode & { trashedFrom?: string | null; trashed?: boolean }>();
const live = () => [...nodes.values()].filter((node) => !node.trashed);

vi.mock('../api/tree', () => ({
  listChildren: async (folderId: string | null) => {
    const items = live().filter((node) => node.parentId === folderId);
    return { folder: folderId === null ? null : { name: nodes.get(folderId)?.name }, items, total: items.length };
  },
  getNode: async (id: string) => {
    const node = nodes.get(id);
    if (!node || node.trashed) {
      throw new ApiError(404, 'not_found', 'That item was not found.');
    }
    return { ...node };
  },
  updateNode: async (id: string, change: { name?: string; parentId?: string | null }) => {
    const node = nodes.get(id);
    if (!node || node.trashed) {
      throw new ApiError(404, 'not_found', 'That item was not found.');
    }
    const parentId = change.parentId === undefined ? node.parentId : change.parentId;
    const name = change.name ?? node.name;
    if (live().some((other) => other.id !== id && other.parentId === parentId && other.name === name)) {
      throw new ApiError(409, 'name_taken', `“${name}” is taken.`);
    }
    Object.assign(node, { parentId, name });
    return { ...node };
  },
  trashNode: async (id: string) => {
    const node = nodes.get(id)!;
    node.trashed = true;
    return { trashed: { ...node } };
  },
}));
vi.mock('../api/trash', () => ({
  restoreFromTrash: async (id: string) => {
    const node = nodes.get(id)!;
    node.trashed = false;
    return { ...node };
  },
}));

const { moveItems, undoMoves } = await import('./move-items');

function add(id: string, name: string, parentId: string | null, type: 'file' | 'folder' = 'file'): FileNode {
  const at = '2026-01-01T00:00:00.000Z';
  const node: FileNode = { id, name, type, parentId, size: 1, mimeType: null, sha256: null, favorite: true, etag: id, modifiedAt: at, createdAt: at, updatedAt: at };
  nodes.set(id, { ...node });
  return node;
}

beforeEach(() => nodes.clear());

describe('moveItems with two selected items of one name (from Favourites or search, in different folders)', () => {
  it('never offers to replace an item this same move has just put there, and Undo puts both back', async () => {
    add('dest', 'Dest', null, 'folder');
    add('x', 'X', null, 'folder');
    add('y', 'Y', null, 'folder');
    const first = add('n1', 'notes.txt', 'x');
    const second = add('n2', 'notes.txt', 'y');
    const asked: Array<{ canReplace: boolean; existing: string | undefined }> = [];
    const outcome = await moveItems([first, second], 'dest', async (clash) => {
      asked.push({ canReplace: clash.canReplace, existing: clash.existing?.id });
      // What a user who answered Replace for all would get, were it offered.
      return { choice: clash.canReplace ? 'replace' : 'keep-both', forAll: false };
    });
    expect(asked).toEqual([{ canReplace: false, existing: 'n1' }]);
    expect(outcome.failures).toEqual([]);
    expect(live().filter((node) => node.parentId === 'dest').map((node) => node.name).sort()).toEqual(['notes (1).txt', 'notes.txt']);

    const report = await undoMoves(outcome.moved);
    expect(report).toEqual({ message: 'Moved back 2 items.', kind: 'success' });
    expect(nodes.get('n1')).toMatchObject({ parentId: 'x', name: 'notes.txt' });
    expect(nodes.get('n1')?.trashed).toBeFalsy();
    expect(nodes.get('n2')).toMatchObject({ parentId: 'y', name: 'notes.txt' });
  });

  it('still offers Replace for a file that was there before the move', async () => {
    add('dest', 'Dest', null, 'folder');
    add('old', 'notes.txt', 'dest');
    const moving = add('n1', 'notes.txt', null);
    const asked: boolean[] = [];
    await moveItems([moving], 'dest', async (clash) => {
      asked.push(clash.canReplace);
      return { choice: 'skip', forAll: false };
    });
    expect(asked).toEqual([true]);
  });
});
