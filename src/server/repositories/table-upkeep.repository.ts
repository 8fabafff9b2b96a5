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
  /** Transactions since the table's oldest unfrozen row id (see PostgreSQL's "preventing wraparound"). */
  transactionAge: number;
}

/** SQL for the upkeep that autovacuum does on a PostgreSQL server: VACUUM and ANALYZE of the application's tables. */
export class TableUpkeepRepository {
  constructor(private readonly db: Executor) {}

  /** Every ordinary table in the application's schema (the catalog's names, never a caller's). */
  async tables(): Promise<TableState[]> {
    const rows = await queryRows<{ name: string; relpages: number; reltuples: number; pages: string | number; age: number }>(
      this.db,
      sql`
      select c.relname as name, c.relpages, c.reltuples,
        pg_relation_size(c.oid) / current_setting('block_size')::int as pages,
        age(c.relfrozenxid) as age
      from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'
      order by c.relname`,
    );
    return rows.map((row) => ({
      name: row.name,
      recordedPages: Number(row.relpages),
      recordedRows: Number(row.reltuples),
      pages: Number(row.pages),
      transactionAge: Number(row.age),
    }));
  }

  /**
   * VACUUM (ANALYZE) of one table: dead rows made reusable, old row ids frozen when due, and the
   * planner's statistics (row count, value distributions) taken afresh. Not in a transaction.
   */
  async vacuumAnalyze(table: string): Promise<void> {
    await this.db.execute(sql`vacuum (analyze) ${sql.identifier(table)}`);
  }
}
