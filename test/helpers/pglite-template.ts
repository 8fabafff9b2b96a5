import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a freshly migrated embedded database, which each test's database starts from. */
    pgliteTemplate: string | undefined;
  }
}

/**
 * Global set-up: migrates one embedded database and dumps it to a file for the whole run. A new
 * PGlite runs initdb, seconds of WebAssembly per database (and some suites open dozens); loading
 * the dump takes a fraction of that. The migrations still run on each database at start-up, where
 * they find everything applied, as they would on any restart.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    project.provide('pgliteTemplate', undefined);
    return async () => {};
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'fileflow-template-'));
  const file = path.join(dir, 'pglite.tar');
  const handle = await openDatabase({ inMemory: true });
  try {
    await migrate(handle.db);
    const client = (handle.db as unknown as { $client: { exec(sql: string): Promise<unknown>; dumpDataDir(compression: 'none'): Promise<Blob> } }).$client;
    await client.exec('checkpoint');
    await writeFile(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await handle.close();
  }
  project.provide('pgliteTemplate', file);
  return () => rm(dir, { recursive: true, force: true });
}
