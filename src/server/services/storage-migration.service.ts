import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { BlobStore } from '../blobs/blob-store.js';
import type { BlobsRepository } from '../repositories/blobs.repository.js';
import { HashingMeter } from './hashing-meter.js';
import { AppError } from '../errors.js';

export interface MigrationReport {
  copied: number;
  alreadyThere: number;
  failed: Array<{ sha256: string; reason: string }>;
  bytesCopied: number;
}

export interface MigrationProgress {
  (event: { sha256: string; outcome: 'copied' | 'present' | 'failed'; reason?: string }): void;
}

/** SHA-256 of everything a stream yields, or null when it cannot be read. */
async function hashOf(store: BlobStore, key: string): Promise<string | null> {
  try {
    const hash = createHash('sha256');
    await pipeline(
      await store.read(key),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback();
        },
      }),
    );
    return hash.digest('hex');
  } catch {
    return null;
  }
}

/**
 * Copies every blob the database knows from one store to another under the same keys, checking
 * the SHA-256 of each object in the target. Resumable and idempotent: an object already in the
 * target with the right hash is left alone, so running it again finishes what a stopped run began.
 * The metadata never changes; afterwards the server runs on the target store.
 */
export class StorageMigrationService {
  constructor(private readonly blobs: BlobsRepository) {}

  async migrate(source: BlobStore, target: BlobStore, onProgress: MigrationProgress = () => undefined): Promise<MigrationReport> {
    const report: MigrationReport = { copied: 0, alreadyThere: 0, failed: [], bytesCopied: 0 };
    let after = '';
    for (;;) {
      const page = await this.blobs.page(after, 200);
      if (page.length === 0) {
        return report;
      }
      for (const blob of page) {
        after = blob.sha256;
        const outcome = await this.copyOne(source, target, blob);
        if (outcome === 'copied') {
          report.copied += 1;
          report.bytesCopied += blob.size;
        } else if (outcome === 'present') {
          report.alreadyThere += 1;
        } else {
          report.failed.push({ sha256: blob.sha256, reason: outcome.reason });
        }
        onProgress({ sha256: blob.sha256, outcome: typeof outcome === 'string' ? outcome : 'failed', reason: typeof outcome === 'string' ? undefined : outcome.reason });
      }
    }
  }

  private async copyOne(
    source: BlobStore,
    target: BlobStore,
    blob: { sha256: string; size: number; storageKey: string },
  ): Promise<'copied' | 'present' | { reason: string }> {
    if ((await target.exists(blob.storageKey)) && (await hashOf(target, blob.storageKey)) === blob.sha256) {
      return 'present';
    }
    let input;
    try {
      input = await source.read(blob.storageKey);
    } catch (error) {
      return { reason: `not readable in the source store: ${error instanceof Error ? error.message : String(error)}` };
    }
    const meter = new HashingMeter(Number.MAX_SAFE_INTEGER, () => new AppError(500, 'too_large', 'unreachable'));
    input.pipe(meter);
    input.once('error', (error) => meter.destroy(error));
    const staged = await target.stage(meter);
    if (meter.digest() !== blob.sha256 || meter.bytes !== blob.size) {
      await target.discard(staged);
      return { reason: 'the source object does not match its SHA-256 (corrupt in the source store)' };
    }
    await target.promote(staged, blob.storageKey);
    if ((await hashOf(target, blob.storageKey)) !== blob.sha256) {
      return { reason: 'the copy in the target store does not match its SHA-256' };
    }
    return 'copied';
  }
}
