import fs from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Forces a file's data, or a folder's entries, to disk: open, fsync, close. What the local blob
 * store does after a rename into a folder, and the embedded database after unpacking a new one.
 */
export async function syncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** syncPath, blocking: for start-up work that runs before anything else could (durable-node-fs.ts's syncTree). */
export function syncPathSync(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
