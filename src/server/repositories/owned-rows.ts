import { and, eq } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';

/** A table whose rows each belong to one user. */
type OwnedTable = PgTable & { id: PgColumn; userId: PgColumn };

/**
 * Deletes the row `id` if it belongs to `userId`; false when the user has no such row (another
 * user's row is as absent as an unknown one: the route answers 404 either way).
 */
export async function deleteOwnedRow(db: Executor, table: OwnedTable, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(table)
    .where(and(eq(table.id, id), eq(table.userId, userId)))
    .returning({ id: table.id });
  return rows.length === 1;
}
