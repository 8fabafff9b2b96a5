import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

/**
 * Named statements for the embedded database's hot queries.
 *
 * PGlite's `query()` sends every statement through Parse, Describe, Bind, Describe, Execute and
 * Sync, six trips into the WebAssembly Postgres, and parses and plans it each time. For the
 * statements marked here (the ones repositories prepare: the session lookup of every request, a
 * node by id, a folder page, breadcrumbs), the first call parses the statement once under a name
 * and learns its parameter types; later calls send Bind, Describe, Execute and Sync in one trip.
 * Measured on the session lookup: 0.58–0.85 ms through `query()`, 0.25–0.37 ms named
 * (docs/PERFORMANCE.md). On a PostgreSQL server Drizzle already makes prepared statements named
 * ones, so both databases now run the hot paths the same way.
 *
 * Only marked texts are cached: they are few and fixed, and their plans do not depend much on the
 * values (a name search only when its pattern has a trigram: search.repository.ts). Statements are
 * known by their text alone, so one that must be planned for its values must never render the
 * text of a marked one (compileQuery sees to that). Postgres's default plan cache mode applies; forcing a fresh plan per run
 * was measured slower on every listing benchmark (breadcrumbs 1.8–2.6 → 3.1 ms, a deep page of a
 * 100,000-item folder 116 → 160 ms).
 */
const hotTexts = new Set<string>();

/** Marks an SQL text as worth a named statement on the embedded database. */
export function markHotStatement(text: string): void {
  hotTexts.add(text);
}

/** Whether an SQL text was marked hot (and so runs as a named statement on the embedded database). */
export function isHotStatement(text: string): boolean {
  return hotTexts.has(text);
}

interface NamedStatement {
  name: string;
  paramTypes: number[];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Routes the client's top-level `query()` calls for marked texts through named statements.
 * Transactions keep PGlite's own path (their queries do not go through `client.query`).
 */
export function installStatementCache(client: PGlite): void {
  const standardQuery = client.query.bind(client);
  const statements = new Map<string, NamedStatement>();
  const serialize = protocol.serialize;

  const prepare = async (text: string): Promise<NamedStatement> => {
    const name = `ff_hot_${statements.size + 1}`;
    const { messages } = await client.execProtocol(
      concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      {
        syncToFs: false,
      },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(text, statement);
    return statement;
  };

  const run = async <T>(text: string, params: unknown[], options: QueryOptions | undefined): Promise<Results<T>> => {
    const statement = statements.get(text) ?? (await prepare(text));
    const values = params.map((value, index) => {
      if (value === null || value === undefined) {
        return null;
      }
      const type = statement.paramTypes[index] ?? 0;
      const serializer = options?.serializers?.[type] ?? client.serializers[type];
      if (serializer) {
        return serializer(value);
      }
      // Types without a serializer (uuid, say): text as PGlite's own query() would send it.
      if (value instanceof Date) {
        return value.toISOString();
      }
      if (typeof value === 'string') {
        return value;
      }
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
        return value.toString();
      }
      return JSON.stringify(value);
    });
    const { messages } = await client.execProtocol(
      concat([
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const [results] = parse.parseResults(messages, client.parsers, options);
    return (results ?? { rows: [], fields: [], affectedRows: 0 }) as Results<T>;
  };

  client.query = async <T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> => {
    if (!hotTexts.has(text) || options?.blob) {
      return standardQuery<T>(text, params, options);
    }
    await client._checkReady();
    // The same locks as PGlite's query(): never inside another caller's transaction.
    const results = await client._runExclusiveTransaction(() => client._runExclusiveQuery(() => run<T>(text, params ?? [], options)));
    await client.syncToFs();
    return results;
  };
}
