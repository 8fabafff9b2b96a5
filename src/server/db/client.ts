import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';
import { lockDataDir } from './data-dir-lock.js';
import { skipRedundantParsers, textTypeParsers } from './pglite-parsers.js';
import { installStatementCache, isHotStatement, markHotStatement } from './statement-cache.js';

const dialect = new PgDialect();

export type Schema = typeof schema;
/** The database as services and repositories see it: the same API on PGlite and on PostgreSQL. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a repository method can run SQL on: the database, or a transaction of it. */
export type Executor = Database | Transaction;

/** Executors whose driver is node-postgres: there, hot raw SQL runs as a named statement. */
const serverExecutors = new WeakSet<object>();

/** The part of Drizzle's session that names a statement; `execute()` never names one. */
interface NamingSession {
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string | undefined,
    arrayMode: false,
  ): { execute(placeholderValues?: Record<string, unknown>): Promise<unknown> };
}

/**
 * Whether other processes may use the same database: always on a PostgreSQL server (workers,
 * hosts), never for the embedded database, which one process opens at a time.
 */
export function isSharedDatabase(db: Database): boolean {
  return serverExecutors.has(db);
}

/** A statement name derived from its text, so each pooled connection prepares it once. */
function statementName(text: string): string {
  return `ff_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

/** The part of an executor that runs a rendered statement (Drizzle's session). */
function sessionOf(executor: Executor): NamingSession {
  return (executor as unknown as { session: NamingSession }).session;
}

/**
 * Runs raw SQL (recursive CTEs and the like) and returns its rows. Both drivers answer with
 * `{ rows }`; Drizzle's shared type cannot say so, hence the one narrowing here. Statements of hot
 * read paths are compiled once instead (compileQuery), which also makes them named statements.
 */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await executor.execute(query);
  return (result as { rows: T[] }).rows;
}

/** A raw statement rendered once: its text, and its parameters with placeholders for the values of each run. */
export interface CompiledQuery {
  sql: string;
  params: unknown[];
  /** The statement's name on a PostgreSQL server, for hot statements. */
  name: string | undefined;
}

/**
 * Renders a raw statement whose values are `sql.placeholder(...)`s, once, for runCompiled.
 * Building and rendering a folder page's SQL with Drizzle on every request, and hashing its text
 * for a statement name, was about a tenth of a listing's busy CPU time on PostgreSQL
 * (docs/PERFORMANCE.md). `hot` makes it a named statement whose plan is cached: on a PostgreSQL
 * server per pooled connection, on the embedded database by statement-cache.ts. That cache knows
 * statements by their text, so a statement to be planned for its values whose text equals a hot
 * one's (a name search whose pattern has no trigram renders the cached name search's text) is
 * told apart by a leading comment; mark hot statements before compiling per-run ones.
 */
export function compileQuery(query: SQL, options: { hot?: boolean } = {}): CompiledQuery {
  const built = dialect.sqlToQuery(query);
  if (options.hot) {
    markHotStatement(built.sql);
    return { sql: built.sql, params: built.params, name: statementName(built.sql) };
  }
  const text = isHotStatement(built.sql) ? `/* planned for its values */ ${built.sql}` : built.sql;
  return { sql: text, params: built.params, name: undefined };
}

/** Runs a compiled statement with these placeholder values and returns its rows. */
export async function runCompiled<T>(executor: Executor, compiled: CompiledQuery, values: Record<string, unknown>): Promise<T[]> {
  // Only the server's pool runs it under its name; a transaction runs it unnamed.
  const name = serverExecutors.has(executor) ? compiled.name : undefined;
  const result: unknown = await sessionOf(executor).prepareQuery(compiled, undefined, name, false).execute(values);
  return (result as { rows: T[] }).rows;
}

/** How long start-up waits for the PostgreSQL server's first answer. */
const START_PROBE_MS = 15_000;

/**
 * A postgres:// URL as it may be shown in a message: its password, if it has one, left out, in the
 * user part or in the query string (node-postgres takes `?password=` and `?sslpassword=` too).
 */
function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    url.password = '';
    url.searchParams.delete('password');
    url.searchParams.delete('sslpassword');
    return url.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/**
 * Opens the database the configuration names: a PostgreSQL server when a URL is given, else the
 * embedded PGlite under `<dataDir>/db` (or in memory for `memory://`, which tests use).
 * Drivers are imported lazily so a deployment loads only the one it uses. `startFrom` gives a new
 * embedded database the contents of another's dump (`dumpDataDir`) instead of an empty cluster:
 * the tests start each database from one migrated copy, which spares initdb's seconds.
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir?: string; inMemory?: boolean; startFrom?: Blob }): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    // int8 (bigint) as a JS number: sizes stay far below 2^53.
    pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it. Queries report their own errors.
    });
    // A server that cannot be reached or used (no such host, database or role, a wrong password)
    // fails here, in a line naming the setting to change, rather than in the first query's words.
    // One that accepts the connection and never answers (a wrong port behind a firewall, a
    // server stopped with SIGSTOP) would otherwise hold start-up for ever: the pool has no time limit.
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${START_PROBE_MS / 1000} s`)), START_PROBE_MS);
    });
    try {
      await Promise.race([pool.query('select 1'), silence]);
    } catch (error) {
      // Not waited for: a connection that never answers is never given back.
      void pool.end().catch(() => undefined);
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(`DATABASE_URL: cannot use the PostgreSQL server at ${withoutPassword(options.databaseUrl)}: ${detail}`);
    } finally {
      clearTimeout(timer);
    }
    const db = drizzle(pool, { schema }) as unknown as Database;
    serverExecutors.add(db);
    return { db, kind: 'postgres', close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { DurableNodeFS, durableStartParams, syncTree } = await import('./durable-node-fs.js');
  let dataDir: string | undefined;
  let release = async () => {};
  if (!options.inMemory) {
    if (!options.dataDir) {
      throw new Error('openDatabase needs a dataDir for the embedded database');
    }
    dataDir = path.join(options.dataDir, 'db');
    await mkdir(dataDir, { recursive: true });
    release = await lockDataDir(options.dataDir);
  }
  // On disk, with fsync that reaches it (durable-node-fs.ts); in memory there is nothing to sync.
  const storage = dataDir === undefined ? {} : { fs: new DurableNodeFS(dataDir), startParams: durableStartParams(PGlite.defaultStartParams) };
  // A new database's files are unpacked, not written by PostgreSQL, which will never sync them.
  const fresh = dataDir !== undefined && !existsSync(path.join(dataDir, 'PG_VERSION'));
  const client = await PGlite.create({ ...storage, loadDataDir: options.startFrom, extensions: { pg_trgm, btree_gin }, parsers: textTypeParsers() }).catch(
    async (error: unknown) => {
      await release();
      throw error;
    },
  );
  if (fresh) {
    try {
      syncTree(dataDir!);
    } catch (error) {
      await client.close().catch(() => undefined);
      await release();
      throw error;
    }
  }
  installStatementCache(client);
  // Installed over the statement cache, so that its named statements get the lean options too.
  skipRedundantParsers(client);
  const db = drizzle(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    close: async () => {
      try {
        await client.close();
      } finally {
        await release();
      }
    },
  };
}
