import { setImmediate } from 'node:timers/promises';
import type { Database } from '../db/client.js';
import type { FileNodeRow } from '../db/schema/index.js';
import { AppError, notFound } from '../errors.js';
import type { NodesRepository } from '../repositories/nodes.repository.js';
import type { UsersRepository } from '../repositories/users.repository.js';
import type { ContentService } from './content.service.js';
import { firstFreeName, numberingPrefix } from './names.js';

/** Rows deleted per transaction when deleting for good: big trees never hold one giant transaction. */
const PURGE_BATCH = 1000;

/**
 * The trash: restore to the original folder (or the root), deletion for good in batches that
 * give back quota and blob references as they go, and the retention purge.
 */
export class TrashService {
  constructor(
    private readonly db: Database,
    private readonly nodes: NodesRepository,
    private readonly users: UsersRepository,
    private readonly content: ContentService,
  ) {}

  list(userId: string): Promise<Array<FileNodeRow & { originalFolderName: string | null }>> {
    return this.nodes.listTrash(userId);
  }

  /** Restores a trashed subtree where it was if that folder is live, else at the root; renames "x (1)" on a clash. */
  async restore(userId: string, id: string): Promise<FileNodeRow> {
    return this.db.transaction(async (tx) => {
      await this.nodes.lockTree(userId, tx);
      const top = await this.nodes.findTrashTop(userId, id, tx);
      if (!top) {
        throw notFound('That item in the trash');
      }
      let parentId: string | null = null;
      if (top.originalParentId) {
        const original = await this.nodes.findLive(userId, top.originalParentId, tx);
        parentId = original?.type === 'folder' ? original.id : null;
      }
      const taken = new Set(await this.nodes.childNamesStartingWith(userId, parentId, numberingPrefix(top.name, top.type), tx));
      const name = firstFreeName(top.name, taken, top.type);
      await this.nodes.restoreSubtree(top.id, parentId, name, tx);
      await this.nodes.touchWithAncestors([parentId], tx);
      const restored = await this.nodes.findLive(userId, top.id, tx);
      if (!restored) {
        throw new Error('the restored node vanished inside its own transaction');
      }
      return restored;
    });
  }

  /** Deletes one trashed subtree for good. */
  async deleteForGood(userId: string, id: string): Promise<void> {
    const claimed = await this.db.transaction(async (tx) => {
      await this.nodes.lockTree(userId, tx);
      const top = await this.nodes.findTrashTop(userId, id, tx);
      if (!top) {
        return false;
      }
      await this.nodes.markPurging(top.id, tx);
      return true;
    });
    if (!claimed) {
      throw notFound('That item in the trash');
    }
    await this.purge(id);
  }

  /** Empties the user's trash. */
  async empty(userId: string): Promise<void> {
    for (const top of await this.nodes.listTrash(userId)) {
      await this.deleteForGood(userId, top.id).catch((error: unknown) => {
        // Another request emptied it first.
        if (!(error instanceof AppError && error.code === 'not_found')) {
          throw error;
        }
      });
    }
  }

  /**
   * Deletes every node of the user for good, live or trashed, when the account is deleted: its
   * live items go to the trash and every trashed subtree is marked for deletion in one
   * transaction, then each is purged as a deletion for good is (resumable; content that other
   * nodes use stays).
   */
  async purgeAllOf(userId: string): Promise<void> {
    const tops = await this.db.transaction(async (tx) => {
      await this.nodes.lockTree(userId, tx);
      for (const id of await this.nodes.liveRootIds(userId, tx)) {
        await this.nodes.trashSubtree(id, tx);
      }
      const ids = await this.nodes.trashTopIds(userId, tx);
      for (const id of ids) {
        await this.nodes.markPurging(id, tx);
      }
      return ids;
    });
    for (const top of tops) {
      await this.purge(top);
    }
  }

  /** Deletes for good every subtree trashed longer ago than the retention; returns how many. */
  async purgeExpired(retentionMs: number): Promise<number> {
    const before = new Date(Date.now() - retentionMs);
    let purged = await this.finishInterruptedPurges();
    for (;;) {
      const tops = await this.nodes.expiredTrashTops(before, 100);
      if (tops.length === 0) {
        return purged;
      }
      for (const top of tops) {
        // Under the tree lock, and only if it is still in the trash since before the cut-off: it
        // may have been restored (and even trashed again) since the list was read.
        const claimed = await this.db.transaction(async (tx) => {
          await this.nodes.lockTree(top.userId, tx);
          return this.nodes.markPurging(top.id, tx, before);
        });
        if (claimed) {
          await this.purge(top.id);
          purged += 1;
        }
      }
    }
  }

  /**
   * Finishes deletions for good that a crash or an error cut off (their items are already hidden
   * from the trash and their bytes still charged). Purges are safe to run twice at once, so the
   * only wait is a minute, to leave a purge that is running right now to its own process.
   */
  private async finishInterruptedPurges(): Promise<number> {
    const seen = new Set<string>();
    for (;;) {
      // Another process may hold some rows of a top (SKIP LOCKED): never go round the same top twice.
      const tops = (await this.nodes.interruptedPurges(new Date(Date.now() - 60_000), 100)).filter((top) => !seen.has(top));
      for (const top of tops) {
        seen.add(top);
        await this.purge(top);
      }
      if (tops.length === 0) {
        return seen.size;
      }
    }
  }

  /**
   * Deletes a subtree already marked for purging, in batches: files first (each batch gives back
   * its bytes and blob references in the same transaction, so storageUsed stays exact), then the
   * folders, children before parents (NodesRepository.deleteTrashedFolders). Safe to resume after
   * a crash and to run in several processes at once. Between batches it lets the event loop turn:
   * on the embedded database a batch's promises settle without any I/O, so requests waiting on
   * their sockets were not even read until the whole purge was over.
   */
  private async purge(topId: string): Promise<void> {
    for (;;) {
      const orphaned = await this.db.transaction(async (tx) => {
        const files = await this.nodes.deleteTrashedFiles(topId, PURGE_BATCH, tx);
        const bytesByUser = new Map<string, number>();
        for (const file of files) {
          bytesByUser.set(file.userId, (bytesByUser.get(file.userId) ?? 0) + file.size);
        }
        for (const [userId, bytes] of bytesByUser) {
          await this.users.release(userId, bytes, tx);
        }
        const hashes = files.flatMap((file) => (file.sha256 ? [file.sha256] : []));
        return { count: files.length, orphaned: hashes.length > 0 ? await this.content.release(hashes, tx) : [] };
      });
      await this.content.collect(orphaned.orphaned);
      if (orphaned.count < PURGE_BATCH) {
        break;
      }
      await setImmediate();
    }
    // Each batch starts from the folders the previous one stopped under (now childless unless
    // they hold other subtrees); when none of them is, from any childless folder of the subtree.
    let from: string[] = [];
    for (;;) {
      const deleted = await this.db.transaction((tx) => this.nodes.deleteTrashedFolders(topId, from, PURGE_BATCH, tx));
      if (deleted.length === 0 && from.length === 0) {
        return;
      }
      const gone = new Set(deleted.map((folder) => folder.id));
      from = [...new Set(deleted.flatMap((folder) => (folder.parentId && !gone.has(folder.parentId) ? [folder.parentId] : [])))];
      await setImmediate();
    }
  }
}
