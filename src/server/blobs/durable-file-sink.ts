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
 * instead of all at the end.
 *
 * Each background fdatasync costs a journal commit and a cache flush of the disk, so a file under
 * the interval gets exactly one fsync, as the plain durable upload does. Every 4 MiB (the eighth
 * pass's choice, 41.5 → 37.2 ms for 10 MB uploads on that VM) measured worse on the tenth-pass
 * VM, servers alternating upload by upload with curl, p50 of 20 per run: 10 MB uploads 47–48 ms
 * against 30–35 with 32 MiB (the bare baseline 26–27), and 55–77 against 53–57 while the disk was
 * slow (baseline 47–51); 1 GiB uploads 226–334 MB/s against 281–635.
 */
export const FLUSH_EVERY_BYTES = 32 * 1024 * 1024;

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
