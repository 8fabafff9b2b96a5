/** The fields of a PostgreSQL error that FileFlow acts on (same on node-postgres and PGlite). */
export interface PgErrorInfo {
  code: string;
  constraint: string | undefined;
}

/**
 * Finds the PostgreSQL error inside whatever the driver or Drizzle threw (Drizzle wraps it as
 * `cause`), or undefined when the error did not come from the database.
 */
export function pgErrorOf(error: unknown): PgErrorInfo | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const candidate = current as Error & { code?: unknown; constraint?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return { code: candidate.code, constraint: typeof candidate.constraint === 'string' ? candidate.constraint : undefined };
    }
    current = candidate.cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
