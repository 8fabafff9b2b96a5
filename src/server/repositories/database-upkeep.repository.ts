import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';

/** One of the application's tables as the planner last measured it, and as it is now. */
export interface TableState {
  name: string;
  /** Pages when last vacuumed or analyzed (0 if never). */
  recordedPages: number;
  /** Rows estimated then; negative if never vacuumed or analyzed. */
  recordedRows: number;
  /** Pages now. */
  pages: number;
}

/** SQL for the upkeep that a PostgreSQL server's background processes do: VACUUM, ANALYZE and checkpoints. */
export class DatabaseUpkeepRepository {
  constructor(private readonly db: Executor) {}

  /** Every ordinary table in the application's schema (the catalog's names, never a caller's). */
  async tables(): Promise<TableState[]> {
    const rows = await queryRows<{ name: string; relpages: number; reltuples: number; pages: string | number }>(
      this.db,
      sql`
      select c.relname as name, c.relpages, c.reltuples,
        pg_relation_size(c.oid) / current_setting('block_size')::int as pages
      from pg_class c
      where c.relnamespace = (select oid from pg_namespace where nspname = current_schema()) and c.relkind = 'r'
      order by c.relname`,
    );
    return rows.map((row) => ({
      name: row.name,
      recordedPages: Number(row.relpages),
      recordedRows: Number(row.reltuples),
      pages: Number(row.pages),
    }));
  }

  /** Transactions since the database's oldest unfrozen row id (PostgreSQL's "preventing transaction ID wraparound"). */
  async transactionAge(): Promise<number> {
    const [row] = await queryRows<{ age: number }>(this.db, sql`select age(datfrozenxid) as age from pg_database where datname = current_database()`);
    return Number(row?.age ?? 0);
  }

  /**
   * VACUUM (ANALYZE) of one table: dead rows made reusable, and the planner's statistics (row
   * count, value distributions) taken afresh. Not in a transaction.
   */
  async vacuumAnalyze(table: string): Promise<void> {
    await this.db.execute(sql`vacuum (analyze) ${sql.identifier(table)}`);
  }

  /** Bytes of write-ahead log written since the last checkpoint: what a restart after a crash would replay. */
  async logSinceCheckpoint(): Promise<number> {
    const [row] = await queryRows<{ bytes: string | number }>(this.db, sql`select pg_current_wal_lsn() - redo_lsn as bytes from pg_control_checkpoint()`);
    return Number(row?.bytes ?? 0);
  }

  /** CHECKPOINT: every changed page written to the tables' files, so that the log before it can be recycled. */
  async checkpoint(): Promise<void> {
    await this.db.execute(sql`checkpoint`);
  }

  /**
   * VACUUM (FREEZE) of the whole database, the system catalogs included: every row's id frozen,
   * so the database's age starts again from now. Not in a transaction.
   */
  async vacuumDatabase(): Promise<void> {
    await this.db.execute(sql`vacuum (freeze)`);
  }
}
