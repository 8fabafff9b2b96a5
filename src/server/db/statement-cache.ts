import { parse, protocol, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

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
 * Outside transactions only marked texts are cached: they are few and fixed, and their plans do
 * not depend much on the values (a name search only when its pattern has a trigram:
 * search.repository.ts); the reads planned for their values (searches with filters) never run in
 * a transaction. Inside transactions, see installStatementCache. Statements are
 * known by their text alone, so one that must be planned for its values must never render the
 * text of a marked one (compileQuery sees to that). Postgres's default plan cache mode applies; forcing a fresh plan per run
 * was measured slower on every listing benchmark (breadcrumbs 1.8–2.6 → 3.1 ms, a deep page of a
 * 100,000-item folder 116 → 160 ms).
 */
const hotTexts = new Set<string>();

/**
 * Statements run inside transactions (the writes: uploads, moves, trash) become named statements
 * too, from their second run: up to this many texts, so that texts that differ every time (a list
 * of values spelt out) cannot grow the cache without bound. Their plans follow Postgres's default
 * plan cache, as a named statement's would on a server: made for each run's values for the first
 * five runs, then the generic plan unless its estimated cost is higher.
 */
const TRANSACTION_TEXTS_NAMED = 200;
/** How many texts seen once inside transactions are remembered (the set starts over when full). */
const TRANSACTION_TEXTS_SEEN = 2_000;

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
 * Routes the client's top-level `query()` calls for marked texts through named statements, and
 * the queries inside its transactions for texts they run again and again. A transaction's
 * statements took PGlite's six trips each and were parsed and planned every time: in an upload
 * the name check alone took 1.1–1.5 ms (docs/PERFORMANCE.md). A named statement created inside a
 * transaction outlives the transaction's rollback, like any prepared statement.
 */
export function installStatementCache(client: PGlite): void {
  const standardQuery = client.query.bind(client);
  const statements = new Map<string, NamedStatement>();
  const serialize = protocol.serialize;

  // Names are never reused: a statement forgotten below stays prepared in the session.
  let statementsNamed = 0;
  const prepare = async (text: string): Promise<NamedStatement> => {
    const name = `ff_hot_${++statementsNamed}`;
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
    let executed: Awaited<ReturnType<PGlite['execProtocol']>>;
    try {
      executed = await client.execProtocol(
        concat([
          serialize.bind({ statement: statement.name, values }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ]),
        { syncToFs: false },
      );
    } catch (error) {
      // A table changed under the statement so that its rows or parameters are of other types
      // (DDL after it was prepared): Postgres refuses the cached plan. Forget it, so that the
      // next run prepares the text afresh instead of failing until a restart.
      if ((error as { code?: unknown }).code === '0A000') {
        statements.delete(text);
      }
      throw error;
    }
    const [results] = parse.parseResults(executed.messages, client.parsers, options);
    return (results ?? { rows: [], fields: [], affectedRows: 0 }) as Results<T>;
  };

  const seenInTransactions = new Set<string>();
  /** Whether a text run inside a transaction takes the named path (learning it on its second run). */
  const namedInTransaction = (text: string): boolean => {
    if (statements.has(text) || hotTexts.has(text)) {
      return true;
    }
    // Only statements prepared count: a prepare that failed (in a transaction already aborted) takes no place.
    if (statements.size >= hotTexts.size + TRANSACTION_TEXTS_NAMED) {
      return false;
    }
    if (seenInTransactions.delete(text)) {
      return true;
    }
    if (seenInTransactions.size >= TRANSACTION_TEXTS_SEEN) {
      seenInTransactions.clear();
    }
    seenInTransactions.add(text);
    return false;
  };
  const standardTransaction = client.transaction.bind(client);
  client.transaction = async <T>(callback: (tx: Transaction) => Promise<T>): Promise<T> =>
    standardTransaction((tx) => {
      const standardTxQuery = tx.query.bind(tx);
      tx.query = async <R>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<R>> => {
        if (options?.blob || !namedInTransaction(text)) {
          return standardTxQuery<R>(text, params, options);
        }
        if (tx.closed) {
          throw new Error('Transaction is closed');
        }
        // The transaction holds PGlite's transaction lock already; take only the query lock, as
        // its own query() does. Nothing is synced to the file system before the commit.
        return client._runExclusiveQuery(() => run<R>(text, params ?? [], options));
      };
      return callback(tx);
    });

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
