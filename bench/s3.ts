/**
 * S3: 1 GiB upload and download throughput (curl) and the server's RSS (sampled every 50 ms) with
 * FILEFLOW_STORAGE=s3 against s3rver (in this process, on loopback). s3rver is a test double written
 * in Node, not a production object store: the figures bound FileFlow's S3 path from below.
 *
 *   npx tsx bench/s3.ts [--db pglite|postgres|both] [--quick] [--big-size BYTES] [--json results.jsonl]
 */
import { startS3 } from '../test/helpers/s3.js';
import { parseArgs } from './lib/args.js';
import { authHeader, seedUsers } from './lib/datasets.js';
import { prepareDatabase } from './lib/db.js';
import { KeepAliveClient } from './lib/http.js';
import { log, printTable, Results, type Cell } from './lib/report.js';
import { RssSampler } from './lib/rss.js';
import { forEachDb, machineLine, main, verdict, withServer } from './lib/run.js';
import { mb, mbPerSecond, summarize } from './lib/stats.js';
import { curl, randomFile } from './lib/tools.js';

main(async () => {
  const args = parseArgs(process.argv.slice(2), { dbs: ['pglite'] });
  const size = Number(args.extra.get('big-size') ?? 1024 ** 3);
  const runs = args.quick ? 1 : 3;
  const results = new Results('s3', args.json);
  log(machineLine());
  const file = await randomFile(size);
  const rows: Cell[][] = [];
  await forEachDb(args, async (kind) => {
    const s3 = await startS3('fileflow-bench');
    const database = await prepareDatabase(kind, { name: 's3', seed: (h) => seedUsers(h, 1) });
    try {
      await withServer(
        database,
        async (server) => {
          const auth = authHeader(1);
          // One 16 MiB upload first (four parts), not counted: a fresh server's first S3 upload
          // grew it by a one-time 20–40 MiB (the SDK's code and connections), later ones by
          // 0–8 MiB (process.memoryUsage() every 500 ms, three 1 GiB uploads in a row).
          const warmUp = await curl(`${server.url}/api/files/content?name=s3-warm-up.bin`, {
            upload: await randomFile(16 * 1024 ** 2),
            headers: { ...auth, 'content-type': 'application/octet-stream' },
          });
          if (warmUp.status !== 201) {
            throw new Error(`the warm-up upload answered ${warmUp.status}: ${server.output().slice(-500)}`);
          }
          const up: Array<{ mbps: number; growth: number; peak: number }> = [];
          const down: Array<{ mbps: number; growth: number; peak: number }> = [];
          for (let i = 0; i < runs; i++) {
            const sampler = new RssSampler(server.pid, 50);
            await sampler.start();
            const put = await curl(`${server.url}/api/files/content?name=s3-${i}.bin`, {
              upload: file,
              headers: { ...auth, 'content-type': 'application/octet-stream' },
            });
            const upRss = await sampler.stop();
            if (put.status !== 201) {
              throw new Error(`upload answered ${put.status}: ${server.output().slice(-500)}`);
            }
            up.push({ mbps: mbPerSecond(size, put.total * 1000), growth: upRss.peak - upRss.start, peak: upRss.peak });
            const client = new KeepAliveClient(server.url, auth);
            const node = (await client.json<{ items: Array<{ id: string; name: string }> }>('/api/folders/root/children')).items.find(
              (n) => n.name === `s3-${i}.bin`,
            )!;
            await sampler.start();
            const get = await curl(`${server.url}/api/files/${node.id}/content`, { headers: auth });
            const downRss = await sampler.stop();
            if (get.status !== 200 || get.downloaded !== size) {
              throw new Error(`download answered ${get.status} with ${get.downloaded} bytes`);
            }
            down.push({ mbps: mbPerSecond(size, get.total * 1000), growth: downRss.peak - downRss.start, peak: downRss.peak });
            // Remove it for good so that the next round stores new content again.
            await client.json(`/api/nodes/${node.id}`, 'DELETE');
            await client.request({ method: 'DELETE', path: `/api/trash/${node.id}` });
            client.close();
          }
          for (const [label, list] of [
            ['upload', up],
            ['download', down],
          ] as const) {
            const mbps = summarize(list.map((r) => r.mbps)).p50;
            const growth = Math.max(...list.map((r) => r.growth));
            const peak = Math.max(...list.map((r) => r.peak));
            rows.push([kind, `${label} ${mb(size)} MiB`, mbps, mb(peak), mb(growth), '< 64', verdict(growth, 64 * 1024 ** 2)]);
            results.add(kind, `s3 ${label}`, mbps, 'MB/s', { rssPeakMiB: peak / 1024 ** 2, rssGrowthMiB: growth / 1024 ** 2 });
          }
        },
        s3.env,
      );
    } finally {
      await database.dispose();
      await s3.stop();
    }
  });
  printTable(
    `S3 store against s3rver (curl; MB/s = 10^6 B/s, median of ${runs}; server RSS MiB)`,
    ['db', 'transfer', 'MB/s', 'RSS peak', 'RSS growth', 'target growth', 'verdict'],
    rows,
  );
  await results.flush();
});
