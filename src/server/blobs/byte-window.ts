import { Readable } from 'node:stream';

/**
 * `length` bytes of `source` after its first `skip`, as a stream; the source is destroyed as soon
 * as the window is complete (or the window's reader goes away). Fails when the source ends first.
 */
export function byteWindow(source: Readable, skip: number, length: number): Readable {
  async function* window(): AsyncGenerator<Buffer> {
    let toSkip = skip;
    let left = length;
    try {
      for await (const chunk of source) {
        let part = chunk as Buffer;
        if (toSkip > 0) {
          const skipped = Math.min(toSkip, part.length);
          toSkip -= skipped;
          part = part.subarray(skipped);
        }
        if (part.length > left) {
          part = part.subarray(0, left);
        }
        left -= part.length;
        if (part.length > 0) {
          yield part;
        }
        if (left === 0) {
          return;
        }
      }
    } finally {
      source.destroy();
    }
    if (left > 0) {
      throw new Error(`the stored content ended ${left} bytes before the end of the range`);
    }
  }
  return Readable.from(window(), { objectMode: false });
}
