import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { AppError } from '../errors.js';

/**
 * Passes bytes through while hashing (SHA-256) and counting them, in the same single pass that
 * writes them to storage. Fails the stream with `overLimit()` as soon as more than `limit` bytes
 * arrive, so an oversized upload stops early instead of filling the disk.
 */
export class HashingMeter extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(
    private readonly limit: number,
    private readonly overLimit: () => AppError,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(this.overLimit());
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** The hex digest; call once, after the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
