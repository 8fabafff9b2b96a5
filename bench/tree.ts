/**
 * Tree: listing a folder of 100 items, a 15-deep breadcrumb, and the first page of a folder of
 * 100,000 items, on each database. One request at a time over a kept-alive connection.
 *
 *   npx tsx bench/tree.ts [--db pglite|postgres|both] [--quick] [--json results.jsonl]
 */
import { parseArgs } from './lib/args.js';
import { authHeader, folderId, seedBigFolder, seedStandardTree, seedUsers, md5Uuid } from './lib/datasets.js';
import { prepareDatabase } from './lib/db.js';
import { KeepAliveClient } from './lib/http.js';
import { log, printTable, Results } from './lib/report.js';
import { forEachDb, machineLine, main, verdict, withServer } from './lib/run.js';
import { summarize } from './lib/stats.js';

const HUGE = 100_000;

main(async () => {
  const args = parseArgs();
  const runs = args.quick ? 200 : 1000;
  const hugeRuns = args.quick ? 50 : 200;
  const results = new Results('tree', args.json);
  log(machineLine());
  await forEachDb(args, async (kind) => {
    const database = await prepareDatabase(kind, {
      name: 'tree',
      cacheName: 'tree',
      fresh: args.fresh,
      seed: async (h) => {
        await seedUsers(h, 1);
        await seedStandardTree(h, { first: 1, n: 1, filesPerUser: 10_000 });
        await seedBigFolder(h, 1, 'Huge', HUGE);
      },
    });
    try {
      // Twice: as served (a repeated request is a kept answer: http/tree-answers.ts), and with
      // nothing kept (FILEFLOW_ANSWER_CACHE=0), what every request costs right after a change.
      for (const kept of [true, false]) {
        await withServer(
          database,
          async (server) => {
            const client = new KeepAliveClient(server.url, authHeader(1));
            const huge = md5Uuid(`big:1:Huge`);
            // Sanity: the shapes are what the figures claim.
            const listing = await client.json<{ items: unknown[]; total: number; breadcrumbs: unknown[] }>(
              `/api/folders/${folderId(1, 50)}/children`,
            );
            const crumbs = await client.json<unknown[]>(`/api/nodes/${folderId(1, 14)}/breadcrumbs`);
            const hugePage = await client.json<{ items: unknown[]; total: number }>(`/api/folders/${huge}/children`);
            if (listing.total !== 100 || crumbs.length !== 15 || hugePage.total !== HUGE) {
              throw new Error(`unexpected data: listing ${listing.total}, breadcrumbs ${crumbs.length}, huge ${hugePage.total}`);
            }
            // Rows without a target are context for the targeted ones.
            const cases: Array<{ name: string; path: string; runs: number; target?: number; goal?: number }> = [
              { name: 'list folder of 100 items', path: `/api/folders/${folderId(1, 50)}/children`, runs, target: 5, goal: 1.5 },
              { name: 'list 100 items, 15 deep (with breadcrumbs)', path: `/api/folders/${folderId(1, 14)}/children`, runs },
              { name: 'breadcrumbs, 15 deep', path: `/api/nodes/${folderId(1, 14)}/breadcrumbs`, runs, target: 5, goal: 1 },
              { name: 'list root (86 items)', path: '/api/folders/root/children', runs },
              { name: '100,000-item folder, first page (200)', path: `/api/folders/${huge}/children`, runs: hugeRuns, target: 50 },
              {
                name: '100,000-item folder, first 50, by size',
                path: `/api/folders/${huge}/children?limit=50&sort=size&order=desc`,
                runs: hugeRuns,
              },
              {
                name: '100,000-item folder, page at offset 50,000',
                path: `/api/folders/${huge}/children?offset=50000&limit=200`,
                runs: hugeRuns,
              },
            ];
            const rows = [];
            for (const c of cases) {
              const timings = await client.timeMany(c.runs, Math.min(50, c.runs / 4), () => ({ path: c.path }));
              const s = summarize(timings.map((t) => t.totalMs));
              results.add(kind, kept ? c.name : `${c.name} (nothing kept)`, s.p50, 'ms', {
                p99: s.p99,
                n: s.n,
                target: c.target,
                goal: c.goal,
              });
              const target = c.target === undefined ? '–' : `< ${c.target}${c.goal ? ` (goal ${c.goal})` : ''}`;
              const met =
                c.target === undefined
                  ? '–'
                  : verdict(s.p50, c.target) + (c.goal ? `, goal ${verdict(s.p50, c.goal) === 'met' ? 'met' : 'missed'}` : '');
              rows.push([c.name, s.n, s.p50, s.p90, s.p99, s.max, target, met]);
            }
            client.close();
            printTable(
              `Tree on ${kind}, ${kept ? 'answers kept while the tree is unchanged' : 'nothing kept'} (ms, keep-alive client, one request at a time)`,
              ['request', 'n', 'p50', 'p90', 'p99', 'max', 'target p50', 'verdict'],
              rows,
            );
          },
          kept ? {} : { FILEFLOW_ANSWER_CACHE: '0' },
        );
      }
    } finally {
      await database.dispose();
    }
  });
  await results.flush();
});
