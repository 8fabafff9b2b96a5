import { randomBytes } from 'node:crypto';
import { open as openCallback } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { DurableFileSink } from './durable-file-sink.js';
import { FileSliceStream } from './file-slice-stream.js';
import { isProcessAlive } from '../processes.js';
import { syncPath } from '../sync-path.js';
import { sha256OfKey, type BlobStore, type ByteRange, type ListedObject, type StagedBlob } from './blob-store.js';

const STAGING_DIR = '.staging';
const openFd = promisify(openCallback);
// Tells this process's staging files from those of an earlier process that had the same pid
// (after a restart in a container, the server is often pid 1 again).
const BOOT_ID = randomBytes(4).toString('hex');

/**
 * Content on local disk under `<root>/blobs/aa/bb/<sha256>`. Uploads are written to
 * `<root>/.staging/<pid>-<random>`, fsynced, and renamed into place, so a crash never leaves a
 * partial file under a content key; staging files of dead processes are swept.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  private readonly stagingDir: string;
  /** Content folders ("aa/bb") known to be on disk with their parents: synced once per process. */
  private readonly durableFolders = new Set<string>();

  constructor(private readonly root: string) {
    this.stagingDir = path.join(root, STAGING_DIR);
  }

  /** Creates the directories; call once before use. */
  async init(): Promise<void> {
    await mkdir(this.stagingDir, { recursive: true });
    await mkdir(path.join(this.root, 'blobs'), { recursive: true });
    // Their entries, before any content is promoted under "blobs/".
    await syncPath(this.root);
  }

  /** The file for a content key; refuses anything that is not one (no path is built from other input). */
  private pathOf(key: string): string {
    const sha = sha256OfKey(key);
    if (!sha) {
      throw new Error(`invalid content key: ${key}`);
    }
    return path.join(this.root, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
  }

  private stagingPathOf(staged: StagedBlob): string {
    if (!/^\d+-[0-9a-f]{8}-[0-9a-f]{24}$/.test(staged.id)) {
      throw new Error(`invalid staging id: ${staged.id}`);
    }
    return path.join(this.stagingDir, staged.id);
  }

  async stage(source: Readable): Promise<StagedBlob> {
    const staged = { id: `${process.pid}-${BOOT_ID}-${randomBytes(12).toString('hex')}` };
    const file = this.stagingPathOf(staged);
    // Never overwrites (the name is fresh); fsynced before it finishes, so a staged file is durable.
    const sink = new DurableFileSink(file);
    try {
      await pipeline(source, sink);
    } catch (error) {
      // pipeline() may settle before the sink's open has: wait for the sink to close, else the file
      // could be created after the rm below and be left behind.
      if (!sink.closed) {
        // (A late error of the sink adds nothing to the one rethrown below.)
        await new Promise<void>((resolve) => sink.on('error', () => undefined).once('close', () => resolve()));
      }
      await rm(file, { force: true });
      throw error;
    }
    return staged;
  }

  async promote(staged: StagedBlob, key: string): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true });
    if (!this.durableFolders.has(dir)) {
      // "aa/bb/" and "aa/" may be new, made just now or by an upload beside this one that has not
      // synced them yet: a file is found after a power cut only if every folder on its way is.
      await syncPath(path.dirname(dir));
      await syncPath(path.dirname(path.dirname(dir)));
      this.durableFolders.add(dir);
    }
    await rename(this.stagingPathOf(staged), target);
    // Make the rename itself durable.
    await syncPath(dir);
  }

  async discard(staged: StagedBlob): Promise<void> {
    await rm(this.stagingPathOf(staged), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    // Open first so that a missing file fails here, not midway through a response.
    // A plain descriptor, not a FileHandle: the callback-based read path is the fast one, and the
    // stream closes the descriptor when it ends or is destroyed (a client that goes away).
    const fd = await openFd(file, 'r');
    return new FileSliceStream(fd, range);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<ListedObject> {
    const base = path.join(this.root, 'blobs');
    for (const first of await readdir(base).catch(() => [])) {
      for (const second of await readdir(path.join(base, first)).catch(() => [])) {
        for (const name of await readdir(path.join(base, first, second)).catch(() => [])) {
          const key = `blobs/${first}/${second}/${name}`;
          if (sha256OfKey(key)) {
            const file = path.join(base, first, second, name);
            yield { key, modifiedAt: () => stat(file).then((info) => info.mtime, () => null) };
          }
        }
      }
    }
  }

  async sweepStaging(olderThanMs: number): Promise<number> {
    let removed = 0;
    const now = Date.now();
    for (const name of await readdir(this.stagingDir).catch(() => [])) {
      const [pidText, bootId] = name.split('-');
      const pid = Number(pidText);
      const file = path.join(this.stagingDir, name);
      const info = await stat(file).catch(() => null);
      if (!info) {
        continue;
      }
      const mine = pid === process.pid && bootId === BOOT_ID;
      const orphaned = !mine && (pid === process.pid || !isProcessAlive(pid));
      if (orphaned || (!mine && now - info.mtimeMs > olderThanMs)) {
        await unlink(file).catch(() => undefined);
        removed += 1;
      }
    }
    return removed;
  }

  async ping(): Promise<void> {
    await stat(this.stagingDir);
  }
}
