import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from '../processes.js';

/** The lock file, in FileFlow's data directory beside the database's own directory. */
const LOCK_FILE = 'db.lock';

/** Data directories whose database this process has open. */
const lockedHere = new Set<string>();

const inUse = (dir: string, by: string) =>
  new Error(`FILEFLOW_DATA_DIR: the database in ${dir} is in use by ${by}; stop it first (two processes writing one database corrupt it)`);

/**
 * Claims the embedded database in `dataDir` for this process until the returned release is
 * called. PGlite lets any number of processes open the same files (the postmaster.pid it writes
 * holds no real process id), and two PostgreSQL instances writing one directory corrupt it: a
 * second `npm start` on the same data directory would, or the storage migration run beside the
 * server. As PostgreSQL does with postmaster.pid: a file created exclusively holds the process
 * id; a file whose process is gone, or names this process or its parent (after a restart in a
 * container the server often gets the dead holder's id again), is stale and is replaced. Two
 * processes replacing the same stale file at the same moment could both go on, as with
 * PostgreSQL's own file.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = path.resolve(dataDir);
  if (lockedHere.has(dir)) {
    throw inUse(dir, 'this process already');
  }
  const file = path.join(dir, LOCK_FILE);
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(mine);
        await handle.sync();
      } finally {
        await handle.close();
      }
      lockedHere.add(dir);
      return async () => {
        lockedHere.delete(dir);
        if ((await readFile(file, 'utf8').catch(() => '')) === mine) {
          await unlink(file).catch(() => undefined);
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
    // An empty or unreadable file (a process killed while writing it) is stale too.
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && holder !== process.ppid && isProcessAlive(holder)) {
      throw inUse(dir, `process ${holder}`);
    }
    await unlink(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') {
        throw error;
      }
    });
  }
  throw inUse(dir, 'another process that keeps claiming it');
}
