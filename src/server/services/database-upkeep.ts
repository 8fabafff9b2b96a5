import type { TableState, DatabaseUpkeepRepository } from '../repositories/database-upkeep.repository.js';

/** A table is measured afresh when its size moved by this share of what was last recorded... */
const CHANGED_SHARE = 0.1;
/** ...and by at least this many pages (8 kB each), so that small tables are not redone for every row. */
const CHANGED_PAGES_MIN = 16;
/**
 * Transactions after which the whole database is vacuumed with FREEZE, the system catalogs with
 * it: row ids are 32 bits and wrap around after about 2 billion, when rows still carrying old
 * ones would seem to be in the future. 150 million is when a server's VACUUM starts freezing
 * (vacuum_freeze_table_age); once per 150 million transactions, every row is rewritten once.
 */
export const FREEZE_AGE = 150_000_000;
/**
 * Write-ahead log after which a checkpoint is made. A PostgreSQL server's checkpointer makes one
 * every five minutes or 1 GB of log; PGlite, PostgreSQL in single-user mode, makes none until it
 * is closed, so its log grew without end (1.7 GB after four updates of every row at 101,000 nodes)
 * and a restart after a crash replayed all of it (5.8 s for 1.1 GB). A checkpoint took 46–115 ms.
 */
export const CHECKPOINT_AFTER_BYTES = 64 * 1024 * 1024;

/** What a run that found nothing to do says. */
export const NOTHING_TO_DO = 'nothing to do';

/** Why a table needs VACUUM (ANALYZE) now, or null if it does not. */
export function upkeepReason(table: TableState): string | null {
  if (table.recordedRows < 0) {
    return 'never measured';
  }
  if (Math.abs(table.pages - table.recordedPages) >= Math.max(CHANGED_PAGES_MIN, table.recordedPages * CHANGED_SHARE)) {
    return `${table.recordedPages} → ${table.pages} pages`;
  }
  return null;
}

/**
 * What a PostgreSQL server's autovacuum and checkpointer do, for the embedded database, which has
 * neither: without it the planner never learns how large the tables have grown and chose plans
 * for empty ones (a search of 10,000 files read the user's every row: 25 ms instead of under 1),
 * dead rows were never reclaimed, row ids would never be frozen, and the write-ahead log grew
 * until the process stopped. Run periodically by the job scheduler: a table is vacuumed and
 * analyzed when first seen and when its size has moved by a tenth since, the whole database is
 * vacuumed when its row ids need freezing, and a checkpoint is made after 64 MiB of log. The
 * embedded database serves one statement at a time, so requests wait while each is done (the
 * first run took half a second at 100,000 nodes, 1.4 s at a million; docs/PERFORMANCE.md).
 *
 * PGlite's template databases are never vacuumed (nothing connects to them), and a PostgreSQL
 * server would stop taking writes when their age neared the limit; PGlite runs PostgreSQL in
 * single-user mode, which only warns, and their rows were all frozen when they were made.
 */
export class DatabaseUpkeep {
  private readonly freezeAge: number;
  private readonly checkpointAfterBytes: number;

  constructor(
    private readonly database: DatabaseUpkeepRepository,
    options: { freezeAge?: number; checkpointAfterBytes?: number } = {},
  ) {
    this.freezeAge = options.freezeAge ?? FREEZE_AGE;
    this.checkpointAfterBytes = options.checkpointAfterBytes ?? CHECKPOINT_AFTER_BYTES;
  }

  async run(): Promise<string> {
    const done: string[] = [];
    const measured: string[] = [];
    for (const table of await this.database.tables()) {
      const reason = upkeepReason(table);
      if (reason !== null) {
        await this.database.vacuumAnalyze(table.name);
        measured.push(`${table.name} (${reason})`);
      }
    }
    if (measured.length > 0) {
      done.push(`vacuumed and analyzed ${measured.join(', ')}`);
    }
    // After the tables: a plain VACUUM records every table's size, which would hide from the
    // loop above a table that has grown and needs its statistics taken afresh.
    const age = await this.database.transactionAge();
    if (age >= this.freezeAge) {
      await this.database.vacuumDatabase();
      done.push(`vacuumed the whole database (${age} transactions old)`);
    }
    const log = await this.database.logSinceCheckpoint();
    if (log >= this.checkpointAfterBytes) {
      await this.database.checkpoint();
      done.push(`checkpoint after ${(log / 1024 ** 2).toFixed(1)} MiB of log`);
    }
    return done.length === 0 ? NOTHING_TO_DO : done.join('; ');
  }
}
