/**
 * The "original FileFlow" comparison (issue 7): the rows the original Flask app was measured on,
 * for FileFlow on each database, with 1,000,000 nodes in the database over 100 users (10,000 files
 * each; --quick: 10 users, 101,000 nodes). One request at a time over a kept-alive connection,
 * rotating over the users; medians (p50) and p99.
 *
 *   npx tsx bench/compare.ts [--db pglite|postgres|both] [--quick] [--users N] [--json results.jsonl]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from './lib/args.js';
import { authHeader, folderId, SEARCH_QUERIES } from './lib/datasets.js';
import { KeepAliveClient, type Timing } from './lib/http.js';
import { log, printTable, Results, type Cell } from './lib/report.js';
import { forEachDb, machineLine, main, withServer } from './lib/run.js';
import { summarize } from './lib/stats.js';
import { standardDatabase } from './search.js';

/** The original's medians (ms). */
const ORIGINAL = {
  list: 4.3,
  upload: 64,
  firstByte: 2.8,
  download: 7.6,
  breadcrumb: 6.2,
  search: 7.8,
};

main(async () => {
  const args = parseArgs();
  const users = Number(args.extra.get('users') ?? (args.quick ? 10 : 100));
  const runs = args.quick ? 100 : 300;
  const fileRuns = args.quick ? 20 : 50;
  const results = new Results('compare', args.json);
  log(machineLine());
  const table = new Map<string, Cell[]>();
  const row = (name: string, original: number) => {
    if (!table.has(name)) {
      table.set(name, [name, original]);
    }
    return table.get(name)!;
  };
  await forEachDb(args, async (kind) => {
    const database = await standardDatabase(kind, users, args.fresh);
    try {
      await withServer(database, async (server) => {
        const clients = Array.from({ length: users }, (_, i) => new KeepAliveClient(server.url, authHeader(i + 1)));
        const rotate = async (n: number, make: (u: number, i: number) => { path: string }) => {
          const timings: Timing[] = [];
          for (let i = 0; i < n + 20; i++) {
            const u = (i % users) + 1;
            const timing = await clients[u - 1]!.request(make(u, i));
            if (timing.status !== 200) {
              throw new Error(`${make(u, i).path} answered ${timing.status}`);
            }
            if (i >= 20) {
              timings.push(timing);
            }
          }
          return timings;
        };
        const list = await rotate(runs, (u) => ({ path: `/api/folders/${folderId(u, 50)}/children` }));
        const crumbs = await rotate(runs, (u) => ({ path: `/api/nodes/${folderId(u, 14)}/breadcrumbs` }));
        const search = await rotate(runs, (_u, i) => ({
          path: `/api/search?q=${encodeURIComponent(SEARCH_QUERIES[i % SEARCH_QUERIES.length]!.q)}`,
        }));

        const client = clients[0]!;
        const body = randomBytes(10 * 1024 * 1024);
        const uploads = await client.timeMany(
          fileRuns,
          3,
          (i) => {
            randomBytes(16).copy(body, 0);
            return {
              method: 'PUT',
              path: `/api/files/content?name=compare-${i}-${randomBytes(4).toString('hex')}.bin`,
              body,
              keepBody: true,
            };
          },
          201,
        );
        const ids = uploads.map((t) => (JSON.parse(t.body!.toString()) as { id: string }).id);
        const downloads = await client.timeMany(fileRuns, 3, (i) => ({ path: `/api/files/${ids[i % ids.length]}/content` }));
        for (const c of clients) {
          c.close();
        }

        const add = (name: string, original: number, timings: number[]) => {
          const s = summarize(timings);
          row(name, original).push(s.p50, s.p99, `${(s.p50 / original).toFixed(2)}×`);
          results.add(kind, name, s.p50, 'ms', { p99: s.p99, original, ratio: s.p50 / original, users });
        };
        add(
          'folder listing, 100 items',
          ORIGINAL.list,
          list.map((t) => t.totalMs),
        );
        add(
          '10 MB upload',
          ORIGINAL.upload,
          uploads.map((t) => t.totalMs),
        );
        add(
          '10 MB download, first byte',
          ORIGINAL.firstByte,
          downloads.map((t) => t.headersMs),
        );
        add(
          '10 MB download, in all',
          ORIGINAL.download,
          downloads.map((t) => t.totalMs),
        );
        add(
          'breadcrumb, 15 deep',
          ORIGINAL.breadcrumb,
          crumbs.map((t) => t.totalMs),
        );
        add(
          'name search, 10,000 files/user',
          ORIGINAL.search,
          search.map((t) => t.totalMs),
        );
      });
    } finally {
      await database.dispose();
    }
  });
  const headers = ['operation', 'original p50'];
  for (const kind of args.dbs) {
    headers.push(`${kind} p50`, `${kind} p99`, `${kind} / original`);
  }
  printTable(
    `FileFlow vs the original (ms; ${(users * 10_100).toLocaleString('en')} nodes over ${users} users; keep-alive client, one request at a time; ratio < 1 is faster)`,
    headers,
    [...table.values()],
  );
  await results.flush();
});
