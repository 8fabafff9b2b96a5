import type { TableState, TableUpkeepRepository } from '../repositories/table-upkeep.repository.js';

/** A table is measured afresh when its size moved by this share of what was last recorded... */
const CHANGED_SHARE = 0.1;
/** ...and by at least this many pages (8 kB each), so that small tables are not redone for every row. */
const CHANGED_PAGES_MIN = 16;
/**
 * Transactions after which a table is vacuumed whatever its size, so that its old row ids get
 * frozen long before the 2 billion at which PostgreSQL stops accepting writes; at this age a
 * VACUUM freezes them (vacuum_freeze_table_age is 150 million).
 */
const FREEZE_AGE = 150_000_000;

/** What a run that found every table measured says. */
export const NOTHING_TO_DO = 'every table measured';

/** Why a table needs VACUUM (ANALYZE) now, or null if it does not. */
export function upkeepReason(table: TableState): string | null {
  if (table.recordedRows < 0) {
    return 'never measured';
  }
  if (Math.abs(table.pages - table.recordedPages) >= Math.max(CHANGED_PAGES_MIN, table.recordedPages * CHANGED_SHARE)) {
    return `${table.recordedPages} → ${table.pages} pages`;
  }
  if (table.transactionAge >= FREEZE_AGE) {
    return `${table.transactionAge} transactions old`;
  }
  return null;
}

/**
 * What autovacuum does on a PostgreSQL server, for the embedded database, which has none: without
 * it the planner never learns how large the tables have grown and chose plans for empty ones (a
 * search of 10,000 files read the user's every row: 25 ms instead of under 1), dead rows were
 * never reclaimed, and row ids would never be frozen. Run periodically by the job scheduler; a
 * table is vacuumed and analyzed when first seen, when its size has moved by a tenth since, or
 * when its row ids need freezing. The embedded database serves one statement at a time, so
 * requests wait while a table is done (under a second at 100,000 files; docs/PERFORMANCE.md).
 */
export class DatabaseUpkeep {
  constructor(private readonly tables: TableUpkeepRepository) {}

  async run(): Promise<string> {
    const done: string[] = [];
    for (const table of await this.tables.tables()) {
      const reason = upkeepReason(table);
      if (reason !== null) {
        await this.tables.vacuumAnalyze(table.name);
        done.push(`${table.name} (${reason})`);
      }
    }
    return done.length === 0 ? NOTHING_TO_DO : `vacuumed and analyzed ${done.join(', ')}`;
  }
}
