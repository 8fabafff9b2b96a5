import { PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { contentKey, type BlobStore } from '../blobs/blob-store.js';

export interface ArchiveEntry {
  path: string;
  type: 'file' | 'folder';
  sha256: string | null;
  size: number;
  modifiedAt: Date;
}

/** A zip entry path that every extractor reads as intended: no backslashes, controls or leading dots-only segments. */
export function zipPath(path: string): string {
  return path
    .split('/')
    .map((segment) => segment.replace(/[\\\u0000-\u001f\u007f]/g, '_').replace(/^\.{1,2}$/, '_'))
    .join('/');
}

/**
 * A zip of the entries, streamed: each file's content is opened only when the archive reaches it
 * (one open file at a time), stored without compression (most stored content is already
 * compressed, and storing keeps the archive's size known up front). Returns the stream and, when
 * it can be computed, the exact archive size for Content-Length.
 */
export function createZipStream(entries: readonly ArchiveEntry[], store: BlobStore): Promise<{ stream: Readable; size: number | null }> {
  const zip = new ZipFile();
  for (const entry of entries) {
    const options = { mtime: entry.modifiedAt, compress: false };
    if (entry.type === 'folder') {
      zip.addEmptyDirectory(zipPath(entry.path), { mtime: entry.modifiedAt });
    } else if (entry.size === 0 || !entry.sha256) {
      zip.addBuffer(Buffer.alloc(0), zipPath(entry.path), options);
    } else {
      const key = contentKey(entry.sha256);
      zip.addReadStreamLazy(zipPath(entry.path), { ...options, size: entry.size }, (callback) => {
        store.read(key).then(
          (stream) => callback(null, stream),
          (error: unknown) => callback(error, new PassThrough()),
        );
      });
    }
  }
  // @types/yazl omits the total size that yazl passes to this callback (-1 when unknown).
  const end = zip.end.bind(zip) as (options: object, onSize: (size: number) => void) => void;
  return new Promise((resolve) => {
    end({}, (size) => resolve({ stream: zip.outputStream as Readable, size: size >= 0 ? size : null }));
  });
}
