import { finished, PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { contentKey, type BlobStore } from '../blobs/blob-store.js';
import { invalidRequest } from '../errors.js';

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
 * A top-level name that begins like a Windows drive ("A: notes.txt", "d:") with its colon made
 * "_": extractors would read the entry as an absolute path, and yazl refuses it (the whole zip
 * was a 500). Deeper in the archive such a name is an ordinary segment.
 */
function withoutDrive(name: string, topLevel: boolean): string {
  return topLevel && /^[a-zA-Z]:/.test(name) ? `${name[0]}_${name.slice(2)}` : name;
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
    const prefix = parentPath === '' ? '' : `${parentPath}/`;
    const safe = withoutDrive(zipPath(entry.path.slice(slash + 1)), prefix === '');
    let path = `${prefix}${safe}`;
    for (let n = 2; taken.has(path); n += 1) {
      path = `${prefix}${numbered(safe, entry.type, n)}`;
    }
    taken.add(path);
    finalOf.set(entry.path, path);
    return path;
  });
}

/** The longest entry path a zip can hold: its length is a 16-bit field (a folder's counts its trailing "/"). */
export const MAX_ZIP_PATH_BYTES = 0xffff;

/**
 * The most a central directory record can take beside its path: the fixed 46 bytes, yazl's
 * universal timestamp extra field (9) and a zip64 extra field (28).
 */
const CENTRAL_RECORD_BOUND = 46 + 9 + 28;

/**
 * Whether the archive's end records must be zip64 for yazl to count them right. yazl 3.3.1's
 * calculateFinalSize counts the zip64 end records once the central directory reaches 64 KiB,
 * but writes them only past 4 GiB (or 65,535 entries): between the two, the size it reports (our
 * Content-Length) was 76 bytes over the archive, and a client waited for bytes that never came.
 * Forced, both agree. This bound is over the central directory's size, so an archive that is not
 * forced stays below where the two part; small archives keep the classic end record.
 */
function needsZip64End(pathBytes: readonly number[]): boolean {
  let bound = 0;
  for (const bytes of pathBytes) {
    bound += CENTRAL_RECORD_BOUND + bytes;
  }
  return bound >= 0xffff;
}

/**
 * A zip of the entries, streamed: each file's content is opened only when the archive reaches it
 * (one open file at a time), stored without compression (most stored content is already
 * compressed, and storing keeps the archive's size known up front). Returns the stream and, when
 * it can be computed, the exact archive size for Content-Length.
 */
export async function createZipStream(entries: readonly ArchiveEntry[], store: BlobStore): Promise<{ stream: Readable; size: number | null }> {
  const paths = uniqueZipPaths(entries);
  const pathBytes = paths.map((path, i) => Buffer.byteLength(path) + (entries[i]!.type === 'folder' ? 1 : 0));
  const tooLong = pathBytes.findIndex((bytes) => bytes > MAX_ZIP_PATH_BYTES);
  if (tooLong >= 0) {
    throw invalidRequest(
      `A path in this archive is ${pathBytes[tooLong]} bytes long; a zip holds paths of up to ${MAX_ZIP_PATH_BYTES} bytes (folders nested this deep download one by one).`,
    );
  }
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
  try {
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
  } catch (error) {
    // An entry yazl refuses: the first content is open already, and nothing else would close it.
    opened?.destroy();
    (zip.outputStream as Readable).destroy();
    throw error;
  }
  // @types/yazl omits the total size that yazl passes to this callback (-1 when unknown).
  const end = zip.end.bind(zip) as (options: { forceZip64Format: boolean }, onSize: (size: number) => void) => void;
  return new Promise((resolve) => {
    end({ forceZip64Format: needsZip64End(pathBytes) }, (size) => resolve({ stream: zip.outputStream as Readable, size: size >= 0 ? size : null }));
  });
}
