import { markHotStatement } from './statement-cache.js';

/**
 * A prepared statement built the first time it is used and kept for the life of the repository.
 *
 * Hot read paths (the session lookup every request makes, a node by id, a folder page) use these:
 * Drizzle then builds the SQL once instead of on every call; on PostgreSQL the statement is
 * parsed once per pooled connection (a named statement), and on the embedded database the
 * statement cache does the same (statement-cache.ts). Measured on the session lookup against
 * PostgreSQL: 0.90 ms per call built each time, 0.38 ms prepared (docs/PERFORMANCE.md).
 * Only statements without a transaction use this: a prepared statement is bound to its executor.
 */
export function preparedOnce<T extends PreparedStatement>(build: () => T): () => T {
  let statement: T | undefined;
  return () => {
    if (!statement) {
      statement = build();
      // The embedded database makes it a named statement too (statement-cache.ts).
      markHotStatement(statement.getQuery().sql);
    }
    return statement;
  };
}

interface PreparedStatement {
  getQuery(): { sql: string };
}
