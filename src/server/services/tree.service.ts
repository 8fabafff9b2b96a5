import { invalidMove, invalidRequest, nameTaken, nameTakenAt, notFound, quotaExceeded } from '../errors.js';
import type { Database, Executor } from '../db/client.js';
import { pgErrorOf, UNIQUE_VIOLATION } from '../db/errors.js';
import type { FileNodeRow } from '../db/schema/index.js';
import type { ListedNode, ListSort, NodesRepository, SortOrder } from '../repositories/nodes.repository.js';
import type { UsersRepository } from '../repositories/users.repository.js';
import type { BlobReferences } from './blob-references.js';
import { mimeTypeOf } from './mime.js';
import type { TreeVersions } from './tree-versions.js';
import { validateName } from './names.js';

export interface Listing {
  folder: ListedNode | null;
  breadcrumbs: Array<{ id: string; name: string }>;
  items: ListedNode[];
  total: number;
}

/**
 * A listing and the user's tree version it shows (db/schema/tree-versions.ts); `oneSnapshot` is
 * false when its total had to be counted apart and the tree moved in between.
 */
export type VersionedListing = Listing & { treeVersion: number; oneSnapshot: boolean };

/** Runs `work`, turning a violation of the per-folder name uniqueness into 409 name_taken. */
export async function mapNameClash<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const pg = pgErrorOf(error);
    if (pg?.code === UNIQUE_VIOLATION && pg.constraint === 'file_nodes_live_name_unique') {
      throw nameTaken(name);
    }
    throw error;
  }
}

/** The file tree's rules: folders, listing, breadcrumbs, rename, move, copy, favourites, trash. */
export class TreeService {
  constructor(
    private readonly db: Database,
    private readonly nodes: NodesRepository,
    private readonly users: UsersRepository,
    private readonly blobRefs: BlobReferences,
    private readonly versions: TreeVersions,
  ) {}

  /** A live node of the user; 404 otherwise (also for another user's). */
  async get(userId: string, id: string, tx?: Executor): Promise<FileNodeRow> {
    const node = await this.nodes.findLive(userId, id, tx);
    if (!node) {
      throw notFound();
    }
    return node;
  }

  /** A live folder of the user, or the root for null; 404 for anything else. */
  async requireFolder(userId: string, folderId: string | null, tx?: Executor): Promise<FileNodeRow | null> {
    if (folderId === null) {
      return null;
    }
    const folder = await this.nodes.findLive(userId, folderId, tx);
    if (folder?.type !== 'folder') {
      throw notFound('That folder');
    }
    return folder;
  }

  /**
   * The live node named `name` in the user's folder `folderId` (null: the root), if any, once the
   * folder is known to be one of the user's live folders (404 otherwise): one statement where
   * requireFolder and a look-up of the name would be two.
   */
  async requireFolderChild(userId: string, folderId: string | null, name: string, tx?: Executor): Promise<FileNodeRow | undefined> {
    const { folderFound, existing } = await this.nodes.placeOf(userId, folderId, name, tx);
    if (!folderFound) {
      throw notFound('That folder');
    }
    return existing;
  }

  /**
   * One page of a folder's children, with the folder itself and its breadcrumbs, and the user's
   * tree version it was read at.
   */
  async list(
    userId: string,
    folderId: string | null,
    page: { sort: ListSort; order: SortOrder; offset: number; limit: number },
  ): Promise<VersionedListing> {
    if (folderId === null) {
      return { folder: null, breadcrumbs: [], ...(await this.nodes.listChildren(userId, null, page)) };
    }
    const { folder, ...rest } = await this.nodes.folderPage(userId, folderId, page);
    if (!folder) {
      throw notFound('That folder');
    }
    return { folder, ...rest };
  }

  /**
   * As list, unless the user's tree is still at `knownVersion` (the caller keeps what it was
   * answered at that version): then only the version is read (or taken from
   * `versionReadAlready`, see TreeVersions.current), and no listing is returned.
   */
  async listIfChanged(
    userId: string,
    folderId: string | null,
    page: { sort: ListSort; order: SortOrder; offset: number; limit: number },
    knownVersion: number | undefined,
    versionReadAlready?: Promise<number | undefined>,
  ): Promise<{ treeVersion: number; listing?: VersionedListing }> {
    if (await this.versions.isAt(userId, knownVersion, versionReadAlready)) {
      return { treeVersion: knownVersion! };
    }
    const listing = await this.list(userId, folderId, page);
    return { treeVersion: listing.treeVersion, listing };
  }

  /**
   * The path to a live node, outermost folder first, the node itself last; unless the tree is
   * still at `knownVersion` (see listIfChanged).
   */
  async breadcrumbsIfChanged(
    userId: string,
    id: string,
    knownVersion: number | undefined,
    versionReadAlready?: Promise<number | undefined>,
  ): Promise<{ treeVersion: number; breadcrumbs?: Array<{ id: string; name: string }> }> {
    if (await this.versions.isAt(userId, knownVersion, versionReadAlready)) {
      return { treeVersion: knownVersion! };
    }
    const { breadcrumbs, treeVersion } = await this.nodes.breadcrumbsWithVersion(userId, id);
    if (breadcrumbs.length === 0) {
      throw notFound();
    }
    return { treeVersion, breadcrumbs };
  }

  /** The refusal of a move or copy into `folderId` whose `name` is taken there, naming that folder. */
  private async nameTakenIn(userId: string, folderId: string | null, name: string, tx: Executor) {
    return nameTakenAt(name, (await this.requireFolder(userId, folderId, tx))?.name ?? null);
  }

  async favorites(userId: string): Promise<FileNodeRow[]> {
    return this.nodes.listFavorites(userId);
  }

  async createFolder(userId: string, rawName: string, parentId: string | null): Promise<FileNodeRow> {
    const name = validateName(rawName);
    return mapNameClash(name, () =>
      this.db.transaction(async (tx) => {
        await this.nodes.lockTree(userId, tx);
        if (await this.requireFolderChild(userId, parentId, name, tx)) {
          throw nameTaken(name);
        }
        return this.nodes.insert({ userId, parentId, name, type: 'folder' }, tx, [parentId]);
      }),
    );
  }

  /** Renames, moves and/or (un)favourites a node in one transaction. */
  async update(userId: string, id: string, changes: { name?: string; parentId?: string | null; favorite?: boolean }): Promise<FileNodeRow> {
    const name = changes.name === undefined ? undefined : validateName(changes.name);
    return mapNameClash(name ?? '', () =>
      this.db.transaction(async (tx) => {
        await this.nodes.lockTree(userId, tx);
        const node = await this.get(userId, id, tx);
        const targetParent = changes.parentId === undefined ? node.parentId : changes.parentId;
        const targetName = name ?? node.name;
        const moving = targetParent !== node.parentId;
        let clash: FileNodeRow | undefined;
        if (moving) {
          clash = await this.requireFolderChild(userId, targetParent, targetName, tx);
          if (targetParent !== null && node.type === 'folder' && (await this.nodes.isSelfOrDescendant(node.id, targetParent, tx))) {
            throw invalidMove();
          }
        }
        // Nothing to change (a rename to the same name, a move to the same folder): no write, so
        // the etags, the tree version and every client's kept answers stay valid.
        if (!moving && targetName === node.name && (changes.favorite === undefined || changes.favorite === node.favorite)) {
          return node;
        }
        if (!moving && targetName !== node.name) {
          clash = await this.nodes.findChildByName(userId, targetParent, targetName, tx);
        }
        if (clash && clash.id !== node.id) {
          throw moving ? await this.nameTakenIn(userId, targetParent, targetName, tx) : nameTaken(targetName);
        }
        const updated = await this.nodes.update(
          node.id,
          {
            name: targetName,
            parentId: targetParent,
            // A file's type follows its name: report.txt renamed to report.pdf is served as PDF.
            ...(node.type === 'file' && targetName !== node.name ? { mimeType: mimeTypeOf(targetName) } : {}),
            ...(changes.favorite === undefined ? {} : { favorite: changes.favorite }),
          },
          tx,
          // The old folder chain lost a child and the new one gained it: both get new etags (a
          // folder is never moved under itself, so neither chain holds the node).
          moving ? [node.parentId, targetParent] : [node.parentId],
        );
        return (await this.nodes.findLive(userId, updated.id, tx)) ?? updated;
      }),
    );
  }

  /**
   * Copies a node (folders recursively) into a folder. The copy's files share the originals' stored
   * content (reference counts go up) and are charged to the quota.
   */
  async copy(userId: string, id: string, parentId: string | null, rawName?: string): Promise<FileNodeRow> {
    const requestedName = rawName === undefined ? undefined : validateName(rawName);
    return mapNameClash(requestedName ?? '', () =>
      this.db.transaction(async (tx) => {
        await this.nodes.lockTree(userId, tx);
        const source = await this.get(userId, id, tx);
        const name = requestedName ?? source.name;
        const clash = await this.requireFolderChild(userId, parentId, name, tx);
        if (parentId !== null && source.type === 'folder' && (await this.nodes.isSelfOrDescendant(source.id, parentId, tx))) {
          throw invalidMove('A folder cannot be copied into itself or one of its subfolders.');
        }
        if (clash) {
          throw await this.nameTakenIn(userId, parentId, name, tx);
        }
        const files = await this.nodes.subtreeFiles(source.id, tx);
        const bytes = files.reduce((sum, file) => sum + file.size, 0);
        if (bytes > 0 && !(await this.users.tryCharge(userId, bytes, tx))) {
          throw quotaExceeded();
        }
        await this.blobRefs.add(
          files.flatMap((file) => (file.sha256 ? [file.sha256] : [])),
          tx,
        );
        const copyId = await this.nodes.copySubtree(source.id, parentId, name, tx);
        if (source.type === 'file' && name !== source.name) {
          await this.nodes.update(copyId, { mimeType: mimeTypeOf(name) }, tx);
        }
        await this.nodes.touchWithAncestors([parentId], tx);
        const copy = await this.nodes.findLive(userId, copyId, tx);
        if (!copy) {
          throw new Error('the copy vanished inside its own transaction');
        }
        return copy;
      }),
    );
  }

  /** Moves a node and everything beneath it to the trash. */
  async trash(userId: string, id: string): Promise<FileNodeRow> {
    return this.db.transaction(async (tx) => {
      await this.nodes.lockTree(userId, tx);
      const node = await this.get(userId, id, tx);
      const trashed = await this.nodes.trashSubtree(node.id, tx);
      await this.nodes.touchWithAncestors([node.parentId], tx);
      return trashed;
    });
  }

  /** Refuses an empty update, so a PATCH without fields is a clear 400. */
  static assertSomeChange(changes: Record<string, unknown>): void {
    if (Object.values(changes).every((value) => value === undefined)) {
      throw invalidRequest('body: give at least one of name, parentId, favorite');
    }
  }
}
