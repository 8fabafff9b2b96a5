import { ApiError } from '../api/http';
import { createFolder, listChildren } from '../api/tree';
import type { DroppedTree } from './dropped-files';
import type { UploadRequestItem } from './upload-queue';

/** The id of an existing child folder by name, paging through the parent's children. */
async function findFolder(parentId: string | null, name: string): Promise<string | null> {
  for (let offset = 0; ; offset += 1000) {
    const page = await listChildren(parentId, { sort: 'name', order: 'asc', offset, limit: 1000 });
    const match = page.items.find((item) => item.name === name);
    if (match) {
      return match.type === 'folder' ? match.id : null;
    }
    if (offset + page.items.length >= page.total || page.items.length === 0) {
      return null;
    }
  }
}

/**
 * Recreates the dropped folder structure under `targetId` (reusing folders that already exist)
 * and returns the upload requests for the files, each pointed at its folder.
 */
export async function prepareTreeUpload(targetId: string | null, tree: DroppedTree): Promise<UploadRequestItem[]> {
  const folderIds = new Map<string, string | null>([['', targetId]]);
  const ensure = async (dirs: string[]): Promise<string | null> => {
    const key = dirs.join('/');
    const known = folderIds.get(key);
    if (known !== undefined) {
      return known;
    }
    const parentId = await ensure(dirs.slice(0, -1));
    const name = dirs[dirs.length - 1] ?? '';
    let id: string | null;
    try {
      id = (await createFolder(name, parentId)).id;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) {
        throw error;
      }
      id = await findFolder(parentId, name);
      if (id === null) {
        throw new ApiError(409, 'name_taken', `A file named “${name}” is in the way of the folder being uploaded.`);
      }
    }
    folderIds.set(key, id);
    return id;
  };
  for (const dirs of tree.folders) {
    await ensure(dirs);
  }
  const requests: UploadRequestItem[] = [];
  for (const { file, dirs } of tree.files) {
    requests.push({ file, parentId: await ensure(dirs), destination: dirs.join('/') });
  }
  return requests;
}
