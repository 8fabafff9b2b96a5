/**
 * Load: requests per second (autocannon, in this process) for listing a 100-item folder and for
 * 4 KB uploads (PUT raw, each request new content under a new name) at 1, 16 and 64 concurrent
 * connections, spread over 10 users, with the server's RSS sampled every 50 ms; then listing with
 * FILEFLOW_WORKERS=2 on PostgreSQL. The client shares the machine's cores with the server.
 *
 *   npx tsx bench/load.ts [--db pglite|postgres|both] [--quick] [--duration 10] [--json results.jsonl]
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { parseArgs } from './lib/args.js';
import { authHeader, folderId } from './lib/datasets.js';
import { log, printTable, Results, type Cell } from './lib/report.js';
import { RssSampler } from './lib/rss.js';
import { forEachDb, machineLine, main, withServer } from './lib/run.js';
import { mb } from './lib/stats.js';
import { standardDatabase } from './search.js';

const USERS = 10;
const BODY = `${'x'.repeat(4096 - 6)}[<id>]`;

async function cannon(
  url: string,
  connections: number,
  duration: number,
  request: (u: number) => AutocannonRequest,
  idReplacement = false,
): Promise<AutocannonResult> {
  let next = 0;
  return autocannon({
    url,
    connections,
    duration,
    timeout: 30,
    idReplacement,
    setupClient: (client) => {
      const u = (next++ % USERS) + 1;
      client.setRequests([request(u)]);
    },
  });
}

main(async () => {
  const args = parseArgs();
  const duration = Number(args.extra.get('duration') ?? (args.quick ? 4 : 10));
  const results = new Results('load', args.json);
  log(machineLine());
  const rows: Cell[][] = [];
  const listing = (u: number): AutocannonRequest => ({
    method: 'GET',
    path: `/api/folders/${folderId(u, 50)}/children`,
    headers: authHeader(u),
  });
  const upload = (u: number): AutocannonRequest => ({
    method: 'PUT',
    path: `/api/files/content?name=load-[<id>].txt`,
    headers: { ...authHeader(u), 'content-type': 'text/plain' },
    body: BODY,
  });

  const measure = async (
    kind: string,
    label: string,
    server: { url: string; pid: number },
    connections: number,
    request: (u: number) => AutocannonRequest,
    ids: boolean,
    workers: number,
  ) => {
    const sampler = new RssSampler(server.pid, 50, workers > 1);
    await sampler.start();
    const result = await cannon(server.url, connections, duration, request, ids);
    const rss = await sampler.stop();
    const bad = result.errors + result.timeouts + result.non2xx;
    rows.push([
      kind,
      workers,
      label,
      connections,
      result.requests.average,
      result.latency.p50,
      result.latency.p99,
      bad,
      mb(rss.start),
      mb(rss.peak),
    ]);
    results.add(kind, `${label} rps, ${connections} connections, ${workers} worker(s)`, result.requests.average, 'req/s', {
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: bad,
      rssPeakMiB: rss.peak / 1024 ** 2,
    });
    log(
      `${kind} ${label} c=${connections} w=${workers}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms, ${bad} errors`,
    );
  };

  await forEachDb(args, async (kind) => {
    const database = await standardDatabase(kind, USERS, args.fresh);
    try {
      await withServer(database, async (server) => {
        // Warm-up: JIT, database connections.
        await cannon(server.url, 4, 2, listing);
        for (const c of [1, 16, 64]) {
          await measure(kind, 'list 100 items', server, c, listing, false, 1);
        }
        for (const c of [1, 16, 64]) {
          await measure(kind, 'upload 4 KB', server, c, upload, true, 1);
        }
      });
      if (kind === 'postgres') {
        await withServer(
          database,
          async (server) => {
            await cannon(server.url, 4, 2, listing);
            for (const c of [16, 64]) {
              await measure(kind, 'list 100 items', server, c, listing, false, 2);
            }
          },
          { FILEFLOW_WORKERS: '2' },
        );
      }
    } finally {
      await database.dispose();
    }
  });
  printTable(
    `Load (autocannon ${duration} s per row, keep-alive connections spread over ${USERS} users; latency ms; RSS MiB of the server (primary + workers))`,
    ['db', 'workers', 'request', 'connections', 'req/s', 'p50', 'p99', 'errors', 'RSS before', 'RSS peak'],
    rows,
  );
  await results.flush();
});
