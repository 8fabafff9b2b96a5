import { finished, PassThrough, type Readable } from 'node:stream';
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

/** "name (2).ext" for a file, "name (2)" for a folder: a second entry whose safe name was taken. */
function numbered(name: string, type: 'file' | 'folder', n: number): string {
  const dot = type === 'file' ? name.lastIndexOf('.') : -1;
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * The entries' zip paths, made safe (zipPath) and then unique: two names that differ only in what
 * is made safe ("a\\b" and "a_b") would otherwise become one entry, and an extractor would keep
 * only one of them. A folder's new name carries over to everything in it. Parents come before
 * their children (the entries are sorted by path).
 */
export function uniqueZipPaths(entries: readonly Pick<ArchiveEntry, 'path' | 'type'>[]): string[] {
  const finalOf = new Map<string, string>();
  const taken = new Set<string>();
  return entries.map((entry) => {
    const slash = entry.path.lastIndexOf('/');
    const parent = slash < 0 ? '' : entry.path.slice(0, slash);
    const parentPath = parent === '' ? '' : (finalOf.get(parent) ?? zipPath(parent));
    const safe = zipPath(entry.path.slice(slash + 1));
    const prefix = parentPath === '' ? '' : `${parentPath}/`;
    let path = `${prefix}${safe}`;
    for (let n = 2; taken.has(path); n += 1) {
      path = `${prefix}${numbered(safe, entry.type, n)}`;
    }
    taken.add(path);
    finalOf.set(entry.path, path);
    return path;
  });
}

/**
 * A zip of the entries, streamed: each file's content is opened only when the archive reaches it
 * (one open file at a time), stored without compression (most stored content is already
 * compressed, and storing keeps the archive's size known up front). Returns the stream and, when
 * it can be computed, the exact archive size for Content-Length.
 */
export async function createZipStream(entries: readonly ArchiveEntry[], store: BlobStore): Promise<{ stream: Readable; size: number | null }> {
  // The first content is opened before anything is answered, so a store that does not answer
  // makes the request fail with its error (a 503) rather than a 200 cut off at once.
  const firstWithContent = entries.find((entry) => entry.type === 'file' && entry.size > 0 && entry.sha256);
  let opened: Readable | undefined = firstWithContent?.sha256 ? await store.read(contentKey(firstWithContent.sha256)) : undefined;
  const zip = new ZipFile();
  // A content that fails later (the store gone mid-archive) ends the archive with that error,
  // which cuts the answer off; unlistened, yazl's 'error' event would take the process down.
  zip.on('error', (error: Error) => {
    (zip.outputStream as Readable).destroy(error);
  });
  // The content the archive is reading. yazl watches only the files it opens itself, not the
  // streams it is given: one that fails (or is closed early) mid-read must end the archive here,
  // and an archive abandoned by its client must let its open content go (a file descriptor, or a
  // pooled connection to the store).
  let reading: Readable | undefined;
  const give = (stream: Readable, callback: (error: unknown, stream: Readable) => void) => {
    if ((zip.outputStream as Readable).destroyed) {
      stream.destroy();
      return;
    }
    reading = stream;
    finished(stream, (error) => {
      if (error && !(zip.outputStream as Readable).destroyed) {
        zip.emit('error', error);
      }
    });
    callback(null, stream);
  };
  zip.outputStream.on('close', () => {
    opened?.destroy();
    reading?.destroy();
  });
  const paths = uniqueZipPaths(entries);
  for (const [i, entry] of entries.entries()) {
    const path = paths[i]!;
    const options = { mtime: entry.modifiedAt, compress: false };
    if (entry.type === 'folder') {
      zip.addEmptyDirectory(path, { mtime: entry.modifiedAt });
    } else if (entry.size === 0 || !entry.sha256) {
      zip.addBuffer(Buffer.alloc(0), path, options);
    } else {
      const key = contentKey(entry.sha256);
      zip.addReadStreamLazy(path, { ...options, size: entry.size }, (callback) => {
        if (entry === firstWithContent && opened) {
          give(opened, callback);
          opened = undefined;
          return;
        }
        store.read(key).then(
          (stream) => give(stream, callback),
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
