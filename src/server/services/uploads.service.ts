import type { Readable } from 'node:stream';
import { finished } from 'node:stream';
import type { BlobStore, StagedBlob } from '../blobs/blob-store.js';
import type { Database, Transaction } from '../db/client.js';
import type { FileNodeRow } from '../db/schema/index.js';
import { aboveUploadLimit, nameTaken, notFound, quotaExceeded, type AppError } from '../errors.js';
import type { NodesRepository } from '../repositories/nodes.repository.js';
import type { UsersRepository } from '../repositories/users.repository.js';
import type { ContentService } from './content.service.js';
import { HashingMeter } from './hashing-meter.js';
import { mimeTypeOf } from './mime.js';
import { firstFreeName, numberingPrefix, validateName } from './names.js';
import { mapNameClash, type TreeService } from './tree.service.js';

export type ConflictPolicy = 'fail' | 'rename' | 'replace';

export interface UploadInput {
  userId: string;
  parentId: string | null;
  name: string;
  conflict: ConflictPolicy;
  /** The content's modification time (sync clients send it); defaults to now. */
  modifiedAt?: Date;
  /** The declared size, when the client sent one: checked before any byte is read. */
  declaredSize?: number;
  body: Readable;
  /**
   * More work for the committing transaction, run first in it (after the tree lock): it may refuse
   * (throw, and nothing is committed) and may name content references to drop in the same commit
   * (a resumable upload's chunks). The stored file's hash and size are passed in.
   */
  alsoInCommit?: (tx: Transaction, file: { sha256: string; size: number }) => Promise<{ release: string[] }>;
}


/**
 * Streaming uploads: one pass hashes the bytes and writes them to staging; one short transaction
 * then checks the name, charges the quota atomically, references the content (stored once per
 * SHA-256) and creates or replaces the node. Nothing is half-visible: a failure at any point
 * leaves no node, no charge and no staging file.
 */
export class UploadsService {
  constructor(
    private readonly db: Database,
    private readonly nodes: NodesRepository,
    private readonly users: UsersRepository,
    private readonly tree: TreeService,
    private readonly content: ContentService,
    private readonly store: BlobStore,
    private readonly maxUpload: number | undefined,
  ) {}

  async upload(input: UploadInput): Promise<FileNodeRow> {
    const name = validateName(input.name);
    // Two independent reads: on a PostgreSQL server their round trips overlap.
    const [user, { folderFound, existing }] = await Promise.all([
      this.users.findById(input.userId),
      this.nodes.placeOf(input.userId, input.parentId, name),
    ]);
    if (!user) {
      throw notFound('That user');
    }
    if (!folderFound) {
      throw notFound('That folder');
    }
    if (existing && (input.conflict === 'fail' || (input.conflict === 'replace' && existing.type === 'folder'))) {
      throw nameTaken(name);
    }
    // Replacing frees the old content's bytes, so it may use them.
    const credit = input.conflict === 'replace' && existing?.type === 'file' ? existing.size : 0;
    const quotaRoom = Math.max(0, user.storageQuota - user.storageUsed + credit);
    const maxUpload = this.maxUpload ?? Number.MAX_SAFE_INTEGER;
    if (input.declaredSize !== undefined) {
      if (input.declaredSize > maxUpload) {
        throw aboveUploadLimit(maxUpload);
      }
      if (input.declaredSize > quotaRoom) {
        throw quotaExceeded();
      }
    }

    const meter: HashingMeter = new HashingMeter(Math.min(maxUpload, quotaRoom), (): AppError =>
      meter.bytes > maxUpload ? aboveUploadLimit(maxUpload) : quotaExceeded(),
    );
    // pipe() does not forward the source's errors (a client that went away): finished() does.
    input.body.pipe(meter);
    finished(input.body, (error) => {
      if (error) {
        meter.destroy(error);
      }
    });
    let staged: StagedBlob;
    try {
      staged = await this.store.stage(meter);
    } catch (error) {
      // Leave the source drainable (multipart goes on with its next part) and report the cause.
      input.body.unpipe(meter);
      throw error;
    }
    let promoted = false;
    try {
      const sha256 = meter.digest();
      const size = meter.bytes;
      const result = await this.commit(input, name, staged, sha256, size);
      promoted = result.promoted;
      if (result.orphaned.length > 0) {
        await this.content.collect(result.orphaned);
      }
      return result.node;
    } finally {
      if (!promoted) {
        await this.content.discard(staged);
      }
    }
  }

  private commit(
    input: UploadInput,
    name: string,
    staged: StagedBlob,
    sha256: string,
    size: number,
  ): Promise<{ node: FileNodeRow; promoted: boolean; orphaned: string[] }> {
    const { userId, parentId } = input;
    return mapNameClash(name, () =>
      this.db.transaction(async (tx) => {
        await this.nodes.lockTree(userId, tx);
        const also = input.alsoInCommit ? await input.alsoInCommit(tx, { sha256, size }) : { release: [] };
        let finalName = name;
        const existing = await this.tree.requireFolderChild(userId, parentId, name, tx);
        let replaced: FileNodeRow | undefined;
        if (existing) {
          if (input.conflict === 'rename') {
            const taken = new Set(await this.nodes.childNamesStartingWith(userId, parentId, numberingPrefix(name), tx));
            finalName = firstFreeName(name, taken);
          } else if (input.conflict === 'replace' && existing.type === 'file') {
            replaced = existing;
          } else {
            throw nameTaken(name);
          }
        }
        const delta = size - (replaced?.size ?? 0);
        if (delta > 0 && !(await this.users.tryCharge(userId, delta, tx))) {
          throw quotaExceeded();
        }
        if (delta < 0) {
          await this.users.release(userId, -delta, tx);
        }
        // A replacement drops the old content's reference (and a resumable upload its chunks')
        // and adds the new one's. Blob rows are locked in hash order, as in copies and purges, so
        // that two replacements swapping contents (A -> B here, B -> A elsewhere) cannot deadlock;
        // content equal to the new one is released after it is referenced, never reaching zero.
        const releases = [...also.release, ...(replaced?.sha256 ? [replaced.sha256] : [])];
        const orphaned = await this.content.release(
          releases.filter((hash) => hash < sha256),
          tx,
        );
        const { promoted } = await this.content.commitStaged(staged, sha256, size, tx);
        orphaned.push(
          ...(await this.content.release(
            releases.filter((hash) => hash >= sha256),
            tx,
          )),
        );
        const modifiedAt = input.modifiedAt ?? new Date();
        const mimeType = mimeTypeOf(finalName);
        let node: FileNodeRow;
        // The folder and those above it get new etags in the same statement.
        if (replaced) {
          node = await this.nodes.update(replaced.id, { size, sha256, mimeType, modifiedAt }, tx, [parentId]);
        } else {
          node = await this.nodes.insert({ userId, parentId, name: finalName, type: 'file', size, sha256, mimeType, modifiedAt }, tx, [parentId]);
        }
        return { node, promoted, orphaned };
      }),
    );
  }
}
