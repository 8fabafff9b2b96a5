import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';

/** The PostgreSQL server the suite runs against, when DATABASE_URL is set; else PGlite. */
export const POSTGRES_URL = process.env.DATABASE_URL || undefined;

export interface TestDatabase extends DatabaseHandle {
  /** The URL of this test's own database (PostgreSQL only), for a second process or a restart. */
  url: string | undefined;
  /** Closes and drops everything this test database held. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test app: an in-memory PGlite (or one under `dataDir`), or a
 * new database created on the PostgreSQL server named by DATABASE_URL and dropped afterwards.
 */
export async function createTestDatabase(options: { dataDir?: string; url?: string } = {}): Promise<TestDatabase> {
  if (options.url || POSTGRES_URL) {
    const url = options.url ?? (await createPostgresDatabase());
    const handle = await openDatabase({ databaseUrl: url });
    await migrate(handle.db);
    return { ...handle, url, destroy: () => handle.close() };
  }
  // A database directory that exists already is a restart: it keeps what it holds.
  const fresh = !options.dataDir || !existsSync(path.join(options.dataDir, 'db'));
  const startFrom = fresh ? await migratedTemplate() : undefined;
  const handle = await openDatabase(options.dataDir ? { dataDir: options.dataDir, startFrom } : { inMemory: true, startFrom });
  await migrate(handle.db);
  return { ...handle, url: undefined, destroy: () => handle.close() };
}

let template: Promise<Blob | undefined> | undefined;

/** The run's dump of a migrated embedded database (test/helpers/pglite-template.ts), read once per process. */
function migratedTemplate(): Promise<Blob | undefined> {
  const file = inject('pgliteTemplate');
  template ??= file ? readFile(file).then((bytes) => new Blob([bytes])) : Promise.resolve(undefined);
  return template;
}

/** Creates an empty database on the test server and returns its URL. */
export async function createPostgresDatabase(): Promise<string> {
  if (!POSTGRES_URL) {
    throw new Error('DATABASE_URL is not set');
  }
  const name = `fileflow_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createPostgresDatabase. */
export async function dropPostgresDatabase(url: string): Promise<void> {
  if (!POSTGRES_URL) {
    return;
  }
  const name = new URL(url).pathname.slice(1);
  if (!/^fileflow_test_[0-9a-f]+$/.test(name)) {
    return;
  }
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
