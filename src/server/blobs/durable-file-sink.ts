import { close, fdatasync, fsync, open, writev } from 'node:fs';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';

const openFile = promisify(open);
const closeFile = promisify(close);
const fsyncFile = promisify(fsync);
const fdatasyncFile = promisify(fdatasync);
const writevFile = promisify(writev);

/**
 * How much may be written between two background flushes. Measured with 1 GiB written through
 * SHA-256 to the data disk: one fsync at the end gave 270–360 MB/s, flushing every 32 MiB while
 * writing on 690–840 MB/s (docs/PERFORMANCE.md), because the disk works while the bytes arrive
 * instead of all at the end. Every 4 MiB instead of 32 lets a 10 MB upload's disk work start
 * while it arrives too: 41.5 → 37.2 ms and 55.3 → 51.5 ms (p50 of 40 alternating curl uploads,
 * twice), with 1 GiB uploads no slower (220–552 against 344–592 MB/s, alternating).
 */
export const FLUSH_EVERY_BYTES = 4 * 1024 * 1024;

/**
 * A write stream to a new file that is durable when the stream finishes: the final fsync happens
 * before 'finish', so a caller that awaited the pipeline may rename the file into place.
 *
 * While bytes arrive it starts an `fdatasync` every {@link FLUSH_EVERY_BYTES} (one at a time, in
 * the background), so the disk writes alongside the upload and the final fsync has little left
 * to do. A failed background flush fails the stream. The file is created with `wx`: never
 * overwritten.
 */
export class DurableFileSink extends Writable {
  private fd: number | undefined;
  private unflushedBytes = 0;
  private flushing: Promise<void> | undefined;
  private flushError: Error | undefined;

  constructor(private readonly file: string) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    openFile(this.file, 'wx').then(
      (fd) => {
        this.fd = fd;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.writeAll(chunks.map(({ chunk }) => chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finishDurably().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const fd = this.fd;
    this.fd = undefined;
    // Let a background flush settle before the descriptor goes away.
    (this.flushing ?? Promise.resolve())
      .then(() => (fd === undefined ? undefined : closeFile(fd)))
      .then(
        () => callback(error),
        (closeError: Error) => callback(error ?? closeError),
      );
  }

  private descriptor(): number {
    if (this.fd === undefined) {
      throw new Error('the file is not open');
    }
    return this.fd;
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    if (this.flushError) {
      throw this.flushError;
    }
    const fd = this.descriptor();
    let pending = buffers;
    let total = pending.reduce((sum, buffer) => sum + buffer.length, 0);
    // writev may write less than asked (a signal, a nearly full disk): go on from where it stopped.
    while (total > 0) {
      const { bytesWritten: written } = await writevFile(fd, pending);
      this.unflushedBytes += written;
      total -= written;
      pending = skipBytes(pending, written);
    }
    if (this.unflushedBytes >= FLUSH_EVERY_BYTES && !this.flushing) {
      this.unflushedBytes = 0;
      this.flushing = fdatasyncFile(fd)
        .catch((error: Error) => {
          this.flushError = error;
        })
        .finally(() => {
          this.flushing = undefined;
        });
    }
  }

  private async finishDurably(): Promise<void> {
    await this.flushing;
    if (this.flushError) {
      throw this.flushError;
    }
    const fd = this.descriptor();
    await fsyncFile(fd);
    this.fd = undefined;
    await closeFile(fd);
  }
}

/** The buffers that remain after the first `count` bytes. */
function skipBytes(buffers: Buffer[], count: number): Buffer[] {
  let remaining = count;
  const rest: Buffer[] = [];
  for (const buffer of buffers) {
    if (remaining >= buffer.length) {
      remaining -= buffer.length;
      continue;
    }
    rest.push(remaining > 0 ? buffer.subarray(remaining) : buffer);
    remaining = 0;
  }
  return rest;
}
