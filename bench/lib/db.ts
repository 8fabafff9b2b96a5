import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, queryRows, type Database } from '../../src/server/db/client.js';
import { migrate, MIGRATIONS_DIR } from '../../src/server/db/migrate.js';
import { POSTGRES_ADMIN_URL } from './args.js';
import { log } from './report.js';
import { removeDir, tempDir } from './server.js';

export type DbKind = 'pglite' | 'postgres';

/** What seeding code gets: raw SQL on the freshly migrated database, through the server's own driver setup. */
export interface SeedHandle {
  kind: DbKind;
  db: Database;
  exec(text: string): Promise<void>;
  query<T>(text: string): Promise<T[]>;
}

function handleOf(kind: DbKind, db: Database): SeedHandle {
  return {
    kind,
    db,
    exec: async (text) => {
      await db.execute(sql.raw(text));
    },
    query: (text) => queryRows(db, sql.raw(text)),
  };
}

/** One benchmark database, ready for a server: FILEFLOW_DATA_DIR plus, for PostgreSQL, DATABASE_URL. */
export interface BenchDatabase {
  kind: DbKind;
  dataDir: string;
  /** PostgreSQL only. */
  url: string | undefined;
  /** Environment for startServer(). */
  env: Record<string, string>;
  /** Opens the database directly (PGlite: only while no server runs on it). */
  open(): Promise<{ handle: SeedHandle; close: () => Promise<void> }>;
  dispose(): Promise<void>;
}

const CACHE_ROOT = path.join(tmpdir(), 'fileflow-bench-cache');

function urlFor(database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Hash of the migrations and of the seeding code: a cached seed is reused only while both are unchanged. */
async function sourceHash(parts: string[]): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else {
        hash.update(entry.name).update(await readFile(full));
      }
    }
  };
  await walk(MIGRATIONS_DIR);
  hash.update(await readFile(new URL('./datasets.ts', import.meta.url)));
  for (const part of parts) {
    hash.update(part);
  }
  return hash.digest('hex').slice(0, 12);
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a seed on a migrated database, then VACUUM ANALYZE: what autovacuum does on a server, and
 * the server's own upkeep job on the embedded database (services/database-upkeep.ts) in its first
 * minute, done here so that no measurement waits for it. Not if `measure` is false (bench/upkeep.ts
 * times that first run).
 */
async function seedInto(
  kind: DbKind,
  options: { dataDir?: string; url?: string },
  seed: (h: SeedHandle) => Promise<void>,
  measure: boolean,
): Promise<void> {
  const database = await openDatabase(kind === 'postgres' ? { databaseUrl: options.url } : { dataDir: options.dataDir });
  try {
    await migrate(database.db);
    const handle = handleOf(kind, database.db);
    await seed(handle);
    if (measure) {
      await handle.exec('vacuum analyze');
    }
  } finally {
    await database.close();
  }
}

/**
 * A fresh benchmark database of the given kind, seeded by `seed`. With a `cacheName`, the seeded
 * database is kept (a PostgreSQL template database `bench_tpl_<hash>`, or a PGlite directory under
 * the temp dir) and copied for later runs while the migrations and datasets.ts are unchanged;
 * `fresh` rebuilds it.
 */
export async function prepareDatabase(
  kind: DbKind,
  options: { name: string; seed: (h: SeedHandle) => Promise<void>; cacheName?: string; fresh?: boolean; unmeasured?: boolean },
): Promise<BenchDatabase> {
  const dataDir = await tempDir(options.name);
  const started = Date.now();
  if (kind === 'postgres') {
    const database = `bench_${options.name.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
    if (options.cacheName) {
      const template = `bench_tpl_${options.cacheName.replace(/\W/g, '_')}_${await sourceHash([options.cacheName])}`;
      const have = await admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [template])).rowCount === 1);
      if (!have || options.fresh) {
        log(`seeding PostgreSQL template ${template} (cached for later runs)`);
        const building = `${template}_build_${randomBytes(3).toString('hex')}`;
        await admin((c) => c.query(`create database ${building}`));
        await seedInto(kind, { url: urlFor(building) }, options.seed, !options.unmeasured);
        await admin(async (c) => {
          await c.query(`drop database if exists ${template} with (force)`);
          await c.query(`alter database ${building} rename to ${template}`);
          // Templates of this dataset made from older migrations or seeding code are of no further use.
          const prefix = `bench_tpl_${options.cacheName!.replace(/\W/g, '_')}_`;
          const stale = await c.query<{ datname: string }>('select datname from pg_database where datname like $1 and datname <> $2', [
            `${prefix}%`,
            template,
          ]);
          for (const { datname } of stale.rows) {
            if (/^[0-9a-f]{12}$/.test(datname.slice(prefix.length))) {
              await c.query(`drop database if exists ${datname} with (force)`).catch(() => undefined);
            }
          }
        });
      }
      await admin((c) => c.query(`create database ${database} template ${template}`));
    } else {
      await admin((c) => c.query(`create database ${database}`));
      await seedInto(kind, { url: urlFor(database) }, options.seed, !options.unmeasured);
    }
    log(`PostgreSQL database ${database} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const url = urlFor(database);
    return {
      kind,
      dataDir,
      url,
      env: { DATABASE_URL: url },
      open: async () => {
        const handle = await openDatabase({ databaseUrl: url });
        return { handle: handleOf(kind, handle.db), close: () => handle.close() };
      },
      dispose: async () => {
        await admin((c) => c.query(`drop database if exists ${database} with (force)`));
        await removeDir(dataDir);
      },
    };
  }

  if (options.cacheName) {
    const cached = path.join(CACHE_ROOT, `pglite-${options.cacheName}-${await sourceHash([options.cacheName])}`);
    if (!(await exists(path.join(cached, 'db', 'PG_VERSION'))) || options.fresh) {
      log(`seeding PGlite cache ${cached}`);
      const building = `${cached}.build-${randomBytes(3).toString('hex')}`;
      await mkdir(building, { recursive: true });
      await seedInto(kind, { dataDir: building }, options.seed, !options.unmeasured);
      await rm(cached, { recursive: true, force: true });
      await rename(building, cached);
      // Copies made from older migrations or seeding code are of no further use.
      const prefix = `pglite-${options.cacheName}-`;
      for (const entry of await readdir(CACHE_ROOT)) {
        if (entry.startsWith(prefix) && /^[0-9a-f]{12}$/.test(entry.slice(prefix.length)) && path.join(CACHE_ROOT, entry) !== cached) {
          await rm(path.join(CACHE_ROOT, entry), { recursive: true, force: true });
        }
      }
    }
    await cp(path.join(cached, 'db'), path.join(dataDir, 'db'), { recursive: true });
  } else {
    await seedInto(kind, { dataDir }, options.seed, !options.unmeasured);
  }
  log(`PGlite database in ${dataDir} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    kind,
    dataDir,
    url: undefined,
    env: {},
    open: async () => {
      const handle = await openDatabase({ dataDir });
      return { handle: handleOf(kind, handle.db), close: () => handle.close() };
    },
    dispose: () => removeDir(dataDir),
  };
}

/** A direct connection to a benchmark PostgreSQL database, for watching it during a run. */
export async function connectPostgres(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
