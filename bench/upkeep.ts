/**
 * The embedded database's upkeep (services/database-upkeep.ts): how long each run holds the
 * database (PGlite serves one statement at a time, so requests wait that long), and what it does
 * for a search, on the standard dataset (--quick: 10 users, 101,000 nodes; else 100 users,
 * 1,010,000) seeded without the VACUUM ANALYZE that other benchmarks end their seeding with: as
 * every embedded database was before the upkeep job. Runs timed: the first, one after a tenth
 * more rows, one after updates that wrote 100 MiB of log or more (a checkpoint), and one with
 * nothing to do. PostgreSQL is left out (its autovacuum and checkpointer do this there).
 *
 *   npx tsx bench/upkeep.ts [--quick] [--users N] [--json results.jsonl]
 */
import { parseArgs } from './lib/args.js';
import { SEARCH_QUERIES, userId } from './lib/datasets.js';
import { log, printTable, Results, type Cell } from './lib/report.js';
import { forEachDb, machineLine, main } from './lib/run.js';
import { summarize } from './lib/stats.js';
import { standardDatabase } from './search.js';
import { SearchRepository } from '../src/server/repositories/search.repository.js';
import { DatabaseUpkeepRepository } from '../src/server/repositories/database-upkeep.repository.js';
import { DatabaseUpkeep } from '../src/server/services/database-upkeep.js';

/** Each search statement's time, p50 over `runs` runs of every query (the statement alone, as a search right after a change runs it). */
async function searchStatementP50(search: SearchRepository, user: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const { q } of SEARCH_QUERIES) {
      const started = performance.now();
      await search.search(user, { query: q, fileTypes: [] }, { limit: 50, offset: 0 }, null);
      times.push(performance.now() - started);
    }
  }
  return summarize(times).p50;
}

main(async () => {
  const args = parseArgs();
  const users = Number(args.extra.get('users') ?? (args.quick ? 10 : 100));
  const results = new Results('upkeep', args.json);
  log(machineLine());
  const rows: Cell[][] = [];
  await forEachDb(args, async (kind) => {
    if (kind !== 'pglite') {
      log('upkeep: PostgreSQL left out (its autovacuum does this)');
      return;
    }
    const database = await standardDatabase(kind, users, args.fresh, true);
    try {
      const { handle, close } = await database.open();
      try {
        const repository = new DatabaseUpkeepRepository(handle.db);
        const upkeep = new DatabaseUpkeep(repository);
        const search = new SearchRepository(handle.db);
        const user = userId(1);
        // A checkpoint first, so that the first run is timed without one.
        await handle.exec('checkpoint');
        const before = await searchStatementP50(search, user, 5);
        const timed = async (label: string) => {
          const started = performance.now();
          const summary = await upkeep.run();
          const ms = performance.now() - started;
          log(`${label}: ${summary} (${ms.toFixed(0)} ms)`);
          results.add(kind, `upkeep, ${label}`, ms, 'ms');
          return ms;
        };
        const first = await timed('first run');
        const after = await searchStatementP50(search, user, 5);
        // A tenth more rows, as a large upload would add: copies of user 2's files at user 2's root.
        const added = Math.ceil((users * 10_100) / 10);
        await handle.exec(`
          insert into file_nodes (user_id, parent_id, name, type, size, mime_type, sha256, etag)
          select user_id, null, 'copy ' || n.id || ' ' || n.name, type, size, mime_type, sha256, etag
          from file_nodes n where n.type = 'file' and n.trashed_at is null limit ${added}`);
        await handle.exec('checkpoint');
        const grown = await timed(`after ${added.toLocaleString('en')} new rows`);
        // Favourites toggled on every node of one user after another until 100 MiB of log is written.
        for (let u = 1; (await repository.logSinceCheckpoint()) < 100 * 1024 ** 2 && u <= users; u++) {
          await handle.exec(`update file_nodes set favorite = not favorite where user_id = '${userId(u)}'`);
        }
        const written = (await repository.logSinceCheckpoint()) / 1024 ** 2;
        const checkpointed = await timed(`after ${written.toFixed(0)} MiB of log`);
        const idle = await timed('nothing to do');
        rows.push([
          `${(users * 10_100).toLocaleString('en')} nodes`,
          first,
          grown,
          checkpointed,
          idle,
          before,
          after,
        ]);
        results.add(kind, 'search statement p50, never measured', before, 'ms');
        results.add(kind, 'search statement p50, after the upkeep', after, 'ms');
      } finally {
        await close();
      }
    } finally {
      await database.dispose();
    }
  });
  printTable(
    'Embedded database upkeep (ms): how long each run holds the database, and the search statement (12-query mix, user 1) before and after the first run',
    ['data', 'first run (never measured)', 'after a tenth more rows', "after one user's every node updated", 'nothing to do', 'search p50, never measured', 'search p50, measured'],
    rows,
  );
  await results.flush();
});
