import { types, type PGlite, type QueryOptions, type Transaction } from '@electric-sql/pglite';

/**
 * The types Drizzle asks PGlite to hand over as text (it converts them itself): timestamps, dates,
 * intervals and their arrays, numeric[] too. Drizzle passes these as `parsers` with every query,
 * and PGlite merges a query's parsers into a copy of all 318 of its own with an object spread:
 * about 0.1 ms per query on the measuring machine, more than a simple read costs in Postgres.
 */
const TEXT_TYPES = [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182];
const TEXT_TYPE_SET = new Set(TEXT_TYPES.map(String));

const asText = (value: string): string => value;

/** Client-wide parsers that already return Drizzle's text types as text. */
export function textTypeParsers(): NonNullable<QueryOptions['parsers']> {
  return Object.fromEntries(TEXT_TYPES.map((type) => [type, asText]));
}

/**
 * The options without their parsers when those only repeat the client-wide text parsers above (the
 * client then parses with its own table, no copy), else unchanged.
 */
function withoutRedundantParsers(options: QueryOptions | undefined): QueryOptions | undefined {
  if (!options?.parsers || !Object.keys(options.parsers).every((type) => TEXT_TYPE_SET.has(type))) {
    return options;
  }
  return { ...options, parsers: undefined };
}

/**
 * Drops Drizzle's redundant parsers from every query, top-level and in transactions. The client
 * must have been created with {@link textTypeParsers}, so that the results are the same.
 */
export function skipRedundantParsers(client: PGlite): void {
  const query = client.query.bind(client);
  client.query = <T>(text: string, params?: unknown[], options?: QueryOptions) => query<T>(text, params, withoutRedundantParsers(options));
  const transaction = client.transaction.bind(client);
  client.transaction = <T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      const lean = Object.create(tx) as Transaction;
      lean.query = <R>(text: string, params?: unknown[], options?: QueryOptions) => tx.query<R>(text, params, withoutRedundantParsers(options));
      return callback(lean);
    });
}
