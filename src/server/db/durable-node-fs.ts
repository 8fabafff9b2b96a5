import type { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import fs from 'node:fs';
import path from 'node:path';
import { syncPathSync } from '../sync-path.js';

/** The Emscripten module options NodeFS.init works with (PGlite does not export their type by name). */
type ModuleOptions = Awaited<ReturnType<NodeFS['init']>>['emscriptenOpts'];
type PostgresMod = Parameters<NonNullable<ModuleOptions['preRun']>[number]>[0];

/**
 * The part of Emscripten's NODEFS (the file system that maps PGlite's files onto the real disk)
 * this module extends: its operations on open files, and its wrapper that turns Node's errors
 * into the errno the WebAssembly Postgres expects.
 */
interface NodeFsInternals {
  stream_ops: Record<string, unknown>;
  tryFSOperation<T>(operation: () => T): T;
}

/**
 * PGlite's file system on the real disk, with fsync that reaches the disk.
 *
 * Out of the box the embedded database never makes a write durable: PGlite starts PostgreSQL
 * with `-F` (fsync off), and even with fsync on, Emscripten's NODEFS has no fsync of its own, so
 * PostgreSQL's fsync calls return at once having done nothing. A killed process loses nothing
 * (its writes are in the operating system's cache), but after a power cut or an operating
 * system crash a commit that was acknowledged could be missing, and without the ordering that
 * fsync gives the write-ahead log, the whole database could be unreadable. This gives NODEFS
 * the fsync it lacks (`fs.fsyncSync` on the open file), and `durableStartParams` turns
 * PostgreSQL's fsync back on. Each commit then waits for one fsync of the log, as on a
 * PostgreSQL server (docs/DECISIONS.md has what it cost).
 */
export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, options: ModuleOptions): Promise<{ emscriptenOpts: ModuleOptions }> {
    const result = await super.init(pg, options);
    const giveFsync = (mod: PostgresMod) => {
      const nodefs = mod.NODEFS as unknown as NodeFsInternals;
      // Every open file shares this one object of operations; Emscripten's fsync (fd_sync) calls it.
      nodefs.stream_ops.fsync = (stream: { nfd: number }) => {
        try {
          fs.fsyncSync(stream.nfd);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if ((code === 'EINVAL' || code === 'EBADF') && fs.fstatSync(stream.nfd).isDirectory()) {
            // Some file systems cannot sync a folder: PostgreSQL expects that and goes on.
            return nodefs.tryFSOperation(() => {
              throw error;
            });
          }
          stopOnFailedSync(error);
        }
        return 0;
      };
    };
    result.emscriptenOpts.preRun = [giveFsync, ...(result.emscriptenOpts.preRun ?? [])];
    return result;
  }
}

/**
 * What a failed fsync leaves: the kernel may have dropped the unwritten pages, so what the
 * database believes is on disk may not be. PostgreSQL's answer is to stop at once (PANIC) and,
 * at the next start, replay its log; a PGlite that has PANICked never answers again (a measured
 * review: the next query hung with the event loop blocked). So the process stops here, saying
 * why, and the next start recovers.
 */
function stopOnFailedSync(error: unknown): never {
  const cause = error instanceof Error ? error.message : String(error);
  process.stderr.write(`FileFlow stops: the embedded database could not sync a file to disk (${cause}); the next start recovers from its log\n`);
  process.exit(1);
}

/**
 * Syncs every file and folder under `dir`, then `dir` itself in its parent: what PGlite unpacks
 * into a new data directory (the catalogs of a new database, or a dump it starts from), which
 * PostgreSQL never syncs, since to it they were there before it started. Once, at the first
 * start, so synchronous.
 */
export function syncTree(dir: string): void {
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const child = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(child);
      } else if (entry.isFile()) {
        syncPathSync(child);
      }
    }
    syncPathSync(folder);
  };
  walk(dir);
  syncPathSync(path.dirname(dir));
}

/**
 * PGlite's own start-up parameters with fsync on, and the log synced by fsync: Emscripten makes
 * fdatasync (PostgreSQL's default for the log on Linux) a no-op, while fsync reaches
 * DurableNodeFS.
 */
export function durableStartParams(defaults: readonly string[]): string[] {
  return [...defaults.filter((param) => param !== '-F'), '-c', 'fsync=on', '-c', 'wal_sync_method=fsync'];
}
