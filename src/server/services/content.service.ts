import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database, Executor } from '../db/client.js';
import { contentKey, type BlobStore, type StagedBlob } from '../blobs/blob-store.js';
import type { BlobsRepository } from '../repositories/blobs.repository.js';

const COLLECT_BATCH = 200;
// A lease lasts this long unless renewed, and is renewed well before it would run out.
const LEASE_SECONDS = 600;
const LEASE_RENEWAL_MS = 120_000;

/** Content kept from collection while a download reads it (ContentService.leased). */
export interface ContentLease {
  /** Ends the lease (once; later calls wait for the first) and collects what it alone kept. Never throws. */
  end(): Promise<void>;
}
// Deletions in flight at once: enough to hide S3 latency, few enough to stay polite.
const DELETE_CONCURRENCY = 16;

/**
 * Content-addressed storage with reference counts. The invariants, on both databases and with any
 * number of processes:
 * - a blob row with references always has its object in the store;
 * - an object is deleted only while its row is locked with ref_count = 0, and the row goes with it.
 * An upload that references content takes the same row lock, so it either sees the row (and the
 * object) before collection or creates the row afresh and writes the object itself.
 */
export class ContentService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobsRepository,
    private readonly store: BlobStore,
    private readonly log: Pick<Logger, 'warn' | 'error'>,
  ) {}

  /**
   * References staged content in the caller's transaction, storing it under its content key when
   * the store may not have it yet. Returns whether the staged copy was used (else discard it after
   * the transaction).
   */
  async commitStaged(staged: StagedBlob, sha256: string, size: number, tx: Executor): Promise<{ promoted: boolean }> {
    const key = contentKey(sha256);
    const { wasUnreferenced } = await this.blobs.lockAndReference({ sha256, size, storageKey: key }, tx);
    if (wasUnreferenced && !(await this.store.exists(key))) {
      await this.store.promote(staged, key);
      return { promoted: true };
    }
    return { promoted: false };
  }

  /** Drops references (deleted or replaced files) in the caller's transaction; returns hashes left unreferenced. */
  release(sha256s: readonly string[], tx: Executor): Promise<string[]> {
    return this.blobs.release(sha256s, tx);
  }

  /**
   * Removes unreferenced content from the store and its rows, up to COLLECT_BATCH blobs per short
   * transaction. Safe to run concurrently with uploads and with other collectors. Returns how many went.
   */
  async collect(sha256s: readonly string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < sha256s.length; i += COLLECT_BATCH) {
      const batch = sha256s.slice(i, i + COLLECT_BATCH);
      try {
        removed += await this.db.transaction(async (tx) => {
          // Content a download in progress still reads is left until its lease ends (see leased).
          const unreferenced = await this.blobs.lockUnreferenced(batch, tx);
          if (unreferenced.length === 0) {
            // Nothing to delete: no need to hold up zips starting meanwhile (lockLeases).
            return 0;
          }
          await this.blobs.lockLeases(tx);
          const leased = await this.blobs.leasedAmong(
            unreferenced.map((blob) => blob.sha256),
            tx,
          );
          const locked = unreferenced.filter((blob) => !leased.has(blob.sha256));
          // Delete the objects while their rows are locked: an upload of the same content waits,
          // then finds no row and stores its own copy.
          for (let j = 0; j < locked.length; j += DELETE_CONCURRENCY) {
            await Promise.all(locked.slice(j, j + DELETE_CONCURRENCY).map((blob) => this.store.delete(blob.storageKey)));
          }
          await this.blobs.deleteRows(
            locked.map((blob) => blob.sha256),
            tx,
          );
          return locked.length;
        });
      } catch (error) {
        this.log.warn({ err: error, blobs: batch.length }, 'could not collect unreferenced content; will retry');
      }
    }
    return removed;
  }

  /**
   * Deletes an object that no row knows of (left by a crash between storing and committing),
   * under the content lock and after checking again, so a concurrent upload of the same content
   * is never robbed of its object. Returns whether it was deleted.
   */
  async deleteOrphanObject(sha256: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await this.blobs.lockContent(sha256, tx);
      if (await this.blobs.exists(sha256, tx)) {
        return false;
      }
      await this.store.delete(contentKey(sha256));
      return true;
    });
  }

  /** Collects every unreferenced blob, in batches. */
  async collectAll(batchSize = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.blobs.listUnreferenced(batchSize);
      if (batch.length === 0) {
        return total;
      }
      const removed = await this.collect(batch);
      total += removed;
      if (removed === 0) {
        return total;
      }
    }
  }

  /**
   * Reads what a download will read (`read`, in a transaction of its own) and keeps the content
   * of it (`hashesOf`) from being collected until the lease returned is ended: a zip reaches each
   * file's content only when it gets to it, possibly hours later, and a file deleted for good
   * meanwhile must still arrive. Content collected before the read is not in what it read. The
   * lease is renewed while it runs; if the process dies, it expires within LEASE_SECONDS and the
   * periodic collection takes the content.
   */
  async leased<T>(read: (tx: Executor) => Promise<T>, hashesOf: (value: T) => readonly string[]): Promise<{ value: T; lease: ContentLease }> {
    const leaseId = randomUUID();
    const { value, hashes } = await this.db.transaction(async (tx) => {
      await this.blobs.shareLeasesLock(tx);
      const value = await read(tx);
      const hashes = [...new Set(hashesOf(value))];
      if (hashes.length > 0) {
        await this.blobs.insertLease(leaseId, hashes, LEASE_SECONDS, tx);
      }
      return { value, hashes };
    });
    if (hashes.length === 0) {
      return { value, lease: { end: () => Promise.resolve() } };
    }
    let ended: Promise<void> | undefined;
    let renewing: Promise<void> = Promise.resolve();
    const renew = async () => {
      if ((await this.blobs.renewLease(leaseId, LEASE_SECONDS)) || ended) {
        return;
      }
      // Gone: renewals failed for longer than a lease lasts (the database out of reach) and it was
      // deleted as a dead process's. Lease again what the download has yet to read; content
      // collected meanwhile is lost to it, and its read fails rather than send a short file.
      await this.db.transaction(async (tx) => {
        await this.blobs.shareLeasesLock(tx);
        await this.blobs.insertLease(leaseId, hashes, LEASE_SECONDS, tx);
      });
      this.log.warn({ lease: leaseId }, 'a content lease had run out while its download went on; leased again');
    };
    const renewal = setInterval(() => {
      renewing = renew().catch((error: unknown) => this.log.warn({ err: error }, 'could not renew a content lease'));
    }, LEASE_RENEWAL_MS);
    renewal.unref();
    const end = () => {
      ended ??= (async () => {
        clearInterval(renewal);
        // A renewal under way could otherwise lease again after the end.
        await renewing;
        try {
          await this.collect(await this.endLeases((tx) => this.blobs.endLease(leaseId, tx)));
        } catch (error) {
          // Left to expire; the periodic collection takes what it held.
          this.log.warn({ err: error }, 'could not end a content lease');
        }
      })();
      return ended;
    };
    return { value, lease: { end } };
  }

  /** Deletes leases whose process died before ending them; returns how many. */
  deleteExpiredLeases(): Promise<number> {
    return this.endLeases((tx) => this.blobs.deleteLeases('expired', tx));
  }

  /**
   * Deletes every lease, for a process that alone opens its database (the embedded one) at start:
   * any lease in it is a dead process's, and what it kept is then collected by the first
   * collection instead of 10 minutes after. Returns how many.
   */
  releaseAllLeases(): Promise<number> {
    return this.endLeases((tx) => this.blobs.deleteLeases('all', tx));
  }

  /**
   * Deletes leases under the leases lock, shared, as leasing does. A collector that has locked
   * content and found it leased (collect) skips it, and holds the rows until it commits; a lease
   * ended meanwhile, without the lock, collected nothing either (its collect skipped the rows the
   * collector held), and the content stayed until the periodic collection. With the lock, the
   * lease ends either before the collector asks (which then collects the content), or after it
   * has committed (and its own collection finds the rows free).
   */
  private endLeases<T>(end: (tx: Executor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await this.blobs.shareLeasesLock(tx);
      return end(tx);
    });
  }

  /** Discards a staged copy, logging rather than failing (the staging sweep removes leftovers). */
  async discard(staged: StagedBlob): Promise<void> {
    await this.store.discard(staged).catch((error: unknown) => this.log.warn({ err: error }, 'could not discard staged upload'));
  }
}
