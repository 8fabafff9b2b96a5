import { Readable } from 'node:stream';
import { contentKey, type BlobStore, type ByteRange } from '../blobs/blob-store.js';
import type { Executor } from '../db/client.js';
import type { FileNodeRow } from '../db/schema/index.js';
import { notFound } from '../errors.js';
import type { NodesRepository } from '../repositories/nodes.repository.js';
import { createZipStream, MAX_ZIP_PATH_BYTES, type ArchiveEntry } from './archive.js';
import type { ContentService } from './content.service.js';
import type { TreeService } from './tree.service.js';
import { TreeMemo } from './tree-memo.js';
import type { TreeVersions } from './tree-versions.js';

// File nodes kept for downloads per process (a few hundred bytes each).
const DOWNLOADABLE_NODES_KEPT = 20_000;

/** Reading stored content: single files (whole or a byte range) and folders as zip archives. */
export class FilesService {
  // Downloads of a file again (a player's range requests, a sync client) skip reading its node while the tree is unchanged.
  private readonly downloadable: TreeMemo<FileNodeRow>;

  constructor(
    private readonly nodes: NodesRepository,
    private readonly tree: TreeService,
    private readonly store: BlobStore,
    private readonly content: ContentService,
    versions: TreeVersions,
  ) {
    this.downloadable = new TreeMemo(DOWNLOADABLE_NODES_KEPT, versions);
  }

  /**
   * A live file of the user; 404 for folders, trashed nodes and other users' nodes.
   * `versionReadAlready`: see TreeVersions.current.
   */
  async getFile(userId: string, id: string, versionReadAlready?: Promise<number | undefined>): Promise<FileNodeRow> {
    const node = await this.downloadable.read(
      userId,
      id,
      async () => {
        const { node, treeVersion } = await this.nodes.findLiveWithVersion(userId, id);
        return { value: node, treeVersion };
      },
      versionReadAlready,
    );
    if (node?.type !== 'file') {
      throw notFound('That file');
    }
    return node;
  }

  /** The content of a file node, or one inclusive byte range of it. */
  async open(node: FileNodeRow, range?: ByteRange): Promise<Readable> {
    if (!node.sha256 || node.size === 0) {
      return Readable.from([]);
    }
    return this.store.read(contentKey(node.sha256), range);
  }

  /** A folder (null: the root) as a streamed zip, named after it. */
  async archive(userId: string, folderId: string | null): Promise<{ name: string; stream: Readable; size: number | null }> {
    const folder = await this.tree.requireFolder(userId, folderId);
    const { stream, size } = await this.zip(async (tx) => ({
      value: undefined,
      entries: folder ? await this.nodes.subtreeWithPaths(folder.id, MAX_ZIP_PATH_BYTES, tx) : await this.rootEntries(userId, tx),
    }));
    return { name: `${folder?.name ?? 'FileFlow'}.zip`, stream, size };
  }

  /**
   * Several live nodes of the user (a selection, possibly from several folders) as one streamed
   * zip, each at the top of the archive; 404 if any of them is not a live node of the user. Two
   * with the same name (from different folders) become "name" and "name (2)". The archive is
   * named after the one item, else after the folder they are all in (as a folder's zip is), else
   * "FileFlow.zip".
   */
  async archiveSelection(userId: string, ids: readonly string[]): Promise<{ name: string; stream: Readable; size: number | null }> {
    const { value: name, stream, size } = await this.zip(async (tx) => {
      const nodes: FileNodeRow[] = [];
      for (const id of ids) {
        const node = await this.nodes.findLive(userId, id, tx);
        if (!node) {
          throw notFound();
        }
        nodes.push(node);
      }
      const items: ArchiveTop[] = [];
      const taken = new Set<string>();
      for (const node of nodes) {
        let name = node.name;
        for (let n = 2; taken.has(name); n += 1) {
          name = `${node.name} (${n})`;
        }
        taken.add(name);
        items.push({ ...node, name, modifiedAt: node.modifiedAt.toISOString() });
      }
      return { value: `${await this.selectionName(userId, nodes, tx)}.zip`, entries: await this.entriesUnder(items, tx) };
    });
    return { name, stream, size };
  }

  /**
   * A streamed zip of the entries `read` finds, whose content is leased until the archive closes
   * (finished, failed or abandoned by its client): a file deleted for good while the archive
   * runs keeps its content until the archive has read it (ContentService.leased).
   */
  private async zip<T>(
    read: (tx: Executor) => Promise<{ value: T; entries: ArchiveEntry[] }>,
  ): Promise<{ value: T; stream: Readable; size: number | null }> {
    const { value, lease } = await this.content.leased(read, ({ entries }) =>
      entries.flatMap((entry) => (entry.type === 'file' && entry.size > 0 && entry.sha256 !== null ? [entry.sha256] : [])),
    );
    try {
      const { stream, size } = await createZipStream(value.entries, this.store);
      stream.once('close', () => void lease.end());
      return { value: value.value, stream, size };
    } catch (error) {
      await lease.end();
      throw error;
    }
  }

  /** The one node's name, else that of the folder all of them are in, else "FileFlow". */
  private async selectionName(userId: string, nodes: readonly FileNodeRow[], tx: Executor): Promise<string> {
    const [first] = nodes;
    if (nodes.length === 1 && first) {
      return first.name;
    }
    const parentId = first?.parentId ?? null;
    const shared = parentId !== null && nodes.every((node) => node.parentId === parentId);
    // A live node's folder is live: a trashed folder takes everything beneath it along.
    const folder = shared ? await this.nodes.findLive(userId, parentId, tx) : undefined;
    return folder?.name ?? 'FileFlow';
  }

  private async rootEntries(userId: string, tx: Executor) {
    const { items } = await this.nodes.listChildren(userId, null, { sort: 'name', order: 'asc', offset: 0, limit: 100_000 }, tx);
    return this.entriesUnder(items, tx);
  }

  /** The archive entries of these nodes at the top of an archive, with everything below the folders (one statement at a time: `tx` may be a transaction). */
  private async entriesUnder(items: readonly ArchiveTop[], tx: Executor): Promise<ArchiveEntry[]> {
    const entries: ArchiveEntry[] = [];
    for (const item of items) {
      entries.push({ path: item.name, type: item.type, sha256: item.sha256, size: item.size, modifiedAt: new Date(item.modifiedAt) });
      if (item.type === 'folder') {
        const below = await this.nodes.subtreeWithPaths(item.id, MAX_ZIP_PATH_BYTES, tx);
        entries.push(...below.map((entry) => ({ ...entry, path: `${item.name}/${entry.path}` })));
      }
    }
    return entries;
  }
}

/** What an archive needs of a node at its top level. */
type ArchiveTop = Pick<FileNodeRow, 'id' | 'name' | 'type' | 'sha256' | 'size'> & { modifiedAt: string };
