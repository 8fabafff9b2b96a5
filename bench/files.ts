/**
 * Files: 10 MB upload (PUT raw body: hashing, staging write, fsync, commit) and download (time to
 * first byte and in all) with a keep-alive client, one request at a time; then 1 GiB upload and
 * download throughput with curl beside the same transfers through nginx on loopback (static GET
 * with sendfile, PUT through the dav module; one nginx round before each FileFlow round) and
 * beside Node's own SHA-256 (over the file, and over bytes already in memory), with the server's
 * RSS sampled every 50 ms.
 *
 *   npx tsx bench/files.ts [--db pglite|postgres|both] [--quick] [--json results.jsonl]
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from './lib/args.js';
import { authHeader, seedUsers } from './lib/datasets.js';
import { prepareDatabase } from './lib/db.js';
import { KeepAliveClient } from './lib/http.js';
import { log, printTable, Results, type Cell } from './lib/report.js';
import { RssSampler } from './lib/rss.js';
import { forEachDb, machineLine, main, verdict, withServer } from './lib/run.js';
import { mb, mbPerSecond, summarize } from './lib/stats.js';
import {
  curl,
  ddWrite,
  randomFile,
  sha256File,
  startNginx,
  timeKeptAliveDownloads,
  timeTenMegabyteUploads,
  type Nginx,
} from './lib/tools.js';

const TEN_MB = 10 * 1024 * 1024;
const run = promisify(execFile);
const GIB = 1024 ** 3;

interface Transfer {
  mbps: number;
  rssGrowth: number;
  rssPeak: number;
}

function median(values: number[]): number {
  return summarize(values).p50;
}

/** SHA-256 alone: 1 GiB hashed from one 1 MiB buffer, best of three. */
function sha256InMemoryMbps(): number {
  const buffer = randomBytes(1024 * 1024);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const hash = createHash('sha256');
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1024; i++) {
      hash.update(buffer);
    }
    hash.digest();
    best = Math.max(best, mbPerSecond(GIB, Number(process.hrtime.bigint() - started) / 1e6));
  }
  return best;
}

/** One round of nginx transfers of the big file, in MB/s. */
interface NginxRound {
  put: number;
  /** The PUT followed by an fsync of the file it wrote: FileFlow's durability. */
  putDurable: number;
  /** GET with sendfile. */
  get: number;
  /** GET with sendfile off: copied through user space, as FileFlow does. */
  copy: number;
}

function medianOf(rounds: NginxRound[], field: keyof NginxRound): number {
  return rounds.length ? median(rounds.map((round) => round[field])) : Number.NaN;
}

/**
 * PUT through nginx's dav module (which does not fsync; `sync FILE` after it, timed too, gives
 * FileFlow's durability), then GET with and without sendfile, then DELETE.
 */
async function nginxRound(nginx: Nginx, bigFile: string, bigSize: number, label: string): Promise<NginxRound> {
  const name = `big-${label}.bin`;
  const put = await curl(`${nginx.url}/dav/${name}`, { upload: bigFile });
  if (put.status !== 201 && put.status !== 204) {
    throw new Error(`nginx PUT answered ${put.status}`);
  }
  const syncStarted = process.hrtime.bigint();
  await run('sync', [path.join(nginx.root, 'dav', name)]);
  const syncSeconds = Number(process.hrtime.bigint() - syncStarted) / 1e9;
  const get = await curl(`${nginx.url}/files/big.bin`);
  if (get.status !== 200 || get.downloaded !== bigSize) {
    throw new Error(`nginx GET answered ${get.status} with ${get.downloaded} bytes`);
  }
  const copy = await curl(`${nginx.url}/copy/big.bin`);
  if (copy.status !== 200 || copy.downloaded !== bigSize) {
    throw new Error(`nginx GET (sendfile off) answered ${copy.status} with ${copy.downloaded} bytes`);
  }
  await curl(`${nginx.url}/dav/${name}`, { method: 'DELETE' });
  return {
    put: mbPerSecond(bigSize, put.total * 1000),
    putDurable: mbPerSecond(bigSize, (put.total + syncSeconds) * 1000),
    get: mbPerSecond(bigSize, get.total * 1000),
    copy: mbPerSecond(bigSize, copy.total * 1000),
  };
}

/** A ratio as a percentage, or a dash when one side was not measured (nginx missing). */
function percent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(0)} %` : '–';
}

main(async () => {
  const args = parseArgs();
  const runs = args.quick ? 20 : 60;
  const bigRuns = args.quick ? 3 : 5;
  const bigSize = Number(args.extra.get('big-size') ?? GIB);
  const results = new Results('files', args.json);
  log(machineLine());

  log(`preparing a ${mb(bigSize)} MiB random file`);
  const bigFile = await randomFile(bigSize);

  // Yardsticks: Node's SHA-256 over the file, the disk with fsync, and nginx.
  const shaMs = median(
    await Promise.all([0].map(() => sha256File(bigFile))).then(async (first) => [
      ...first,
      await sha256File(bigFile),
      await sha256File(bigFile),
    ]),
  );
  const shaMbps = mbPerSecond(bigSize, shaMs);
  const shaMemoryMbps = sha256InMemoryMbps();
  const ddMbps = await ddWrite(path.dirname(bigFile), Math.min(bigSize, GIB));
  const nginx = await startNginx();
  if (nginx) {
    await copyFile(bigFile, path.join(nginx.root, 'files', 'big.bin'));
    // Warms the page cache and nginx; not counted.
    await nginxRound(nginx, bigFile, bigSize, 'warm-up');
  } else {
    log('nginx is not installed (apt-get install -y nginx-light): the nginx columns stay empty');
  }
  // nginx's rounds run between FileFlow's, one for one, so that the disk's and the machine's drift
  // (dd with fsync has swung from 430 MB/s to 2.3 GB/s within a minute here) weighs on both alike.
  const nginxRounds: NginxRound[] = [];
  results.add('-', 'node sha256 over file', shaMbps, 'MB/s');
  results.add('-', 'node sha256 in memory', shaMemoryMbps, 'MB/s');
  results.add('-', 'dd write with fsync', ddMbps, 'MB/s');
  const bigRows: Cell[][] = [];
  await forEachDb(args, async (kind) => {
    const database = await prepareDatabase(kind, { name: 'files', seed: (h) => seedUsers(h, 1) });
    try {
      await withServer(database, async (server) => {
        const client = new KeepAliveClient(server.url, authHeader(1));
        const auth = authHeader(1);

        // 10 MB: each upload is new content under a new name.
        const { timings: uploads, ids } = await timeTenMegabyteUploads(client, runs, 'ten');
        // Over one kept-alive connection, with curl (see curlKeepAlive for why not a Node client here).
        const downloads = await timeKeptAliveDownloads(
          server.url,
          Array.from({ length: runs }, (_, i) => `/api/files/${ids[i % ids.length]}/content`),
          { headers: auth, warmup: 3, bytes: TEN_MB },
        );
        // The same downloads the way the original was measured: curl, a new process and
        // connection per request (time_starttransfer and time_total).
        const curled: Array<{ ttfbMs: number; totalMs: number }> = [];
        for (let i = 0; i < runs + 3; i++) {
          const got = await curl(`${server.url}/api/files/${ids[i % ids.length]}/content`, { headers: auth });
          if (got.status !== 200 || got.downloaded !== TEN_MB) {
            throw new Error(`a 10 MB download with curl answered ${got.status} with ${got.downloaded} bytes`);
          }
          if (i >= 3) {
            curled.push({ ttfbMs: got.startTransfer * 1000, totalMs: got.total * 1000 });
          }
        }
        const curlTtfb = summarize(curled.map((c) => c.ttfbMs));
        const curlAll = summarize(curled.map((c) => c.totalMs));
        results.add(kind, '10 MB download with curl, first byte', curlTtfb.p50, 'ms', { p99: curlTtfb.p99, target: 1, original: 2.8 });
        results.add(kind, '10 MB download with curl, in all', curlAll.p50, 'ms', { p99: curlAll.p99, original: 7.6 });
        const up = summarize(uploads.map((t) => t.totalMs));
        const ttfb = summarize(downloads.map((t) => t.headersMs));
        const all = summarize(downloads.map((t) => t.totalMs));
        results.add(kind, '10 MB upload', up.p50, 'ms', { p99: up.p99, target: 40, original: 64 });
        results.add(kind, '10 MB download, first byte', ttfb.p50, 'ms', { p99: ttfb.p99, target: 1, original: 2.8 });
        results.add(kind, '10 MB download, in all', all.p50, 'ms', { p99: all.p99, original: 7.6 });
        printTable(
          `Files on ${kind}: 10 MiB (ms, one request at a time over a kept-alive connection: uploads from this process, downloads with curl)`,
          ['request', 'n', 'p50', 'p90', 'p99', 'max', 'target p50', 'original', 'verdict'],
          [
            ['upload (PUT raw, SHA-256, fsync)', up.n, up.p50, up.p90, up.p99, up.max, '< 40', 64, verdict(up.p50, 40)],
            ['download: headers (first byte)', ttfb.n, ttfb.p50, ttfb.p90, ttfb.p99, ttfb.max, '~1', 2.8, verdict(ttfb.p50, 1.5)],
            ['download: in all', all.n, all.p50, all.p90, all.p99, all.max, '–', 7.6, verdict(all.p50, 7.6)],
            [
              'download with curl: first byte',
              curlTtfb.n,
              curlTtfb.p50,
              curlTtfb.p90,
              curlTtfb.p99,
              curlTtfb.max,
              '~1',
              2.8,
              verdict(curlTtfb.p50, 1.5),
            ],
            [
              'download with curl: in all',
              curlAll.n,
              curlAll.p50,
              curlAll.p90,
              curlAll.p99,
              curlAll.max,
              '–',
              7.6,
              verdict(curlAll.p50, 7.6),
            ],
          ],
        );
        client.close();

        // 1 GiB with curl; the upload is removed (trash, then for good) after each round so that every round stores new content.
        const upRuns: Transfer[] = [];
        const downRuns: Transfer[] = [];
        const rounds: NginxRound[] = [];
        const bearer = auth.authorization;
        for (let i = 0; i < bigRuns; i++) {
          if (nginx) {
            rounds.push(await nginxRound(nginx, bigFile, bigSize, `${kind}-${i}`));
          }
          const sampler = new RssSampler(server.pid, 50);
          await sampler.start();
          const put = await curl(`${server.url}/api/files/content?name=big-${i}.bin`, {
            upload: bigFile,
            headers: { authorization: bearer, 'content-type': 'application/octet-stream' },
          });
          const upRss = await sampler.stop();
          if (put.status !== 201) {
            throw new Error(`1 GiB upload answered ${put.status}: ${server.output().slice(-500)}`);
          }
          upRuns.push({ mbps: mbPerSecond(bigSize, put.total * 1000), rssGrowth: upRss.peak - upRss.start, rssPeak: upRss.peak });
          const node = (
            await new KeepAliveClient(server.url, auth).json<{ items: Array<{ id: string; name: string }> }>(
              '/api/folders/root/children?limit=1000',
            )
          ).items.find((item) => item.name === `big-${i}.bin`)!;
          await sampler.start();
          const get = await curl(`${server.url}/api/files/${node.id}/content`, { headers: { authorization: bearer } });
          const downRss = await sampler.stop();
          if (get.status !== 200 || get.downloaded !== bigSize) {
            throw new Error(`1 GiB download answered ${get.status} with ${get.downloaded} bytes`);
          }
          downRuns.push({ mbps: mbPerSecond(bigSize, get.total * 1000), rssGrowth: downRss.peak - downRss.start, rssPeak: downRss.peak });
          const remover = new KeepAliveClient(server.url, auth);
          await remover.json(`/api/nodes/${node.id}`, 'DELETE');
          await remover.request({ method: 'DELETE', path: `/api/trash/${node.id}` });
          remover.close();
        }
        nginxRounds.push(...rounds);
        const upMbps = median(upRuns.map((r) => r.mbps));
        const downMbps = median(downRuns.map((r) => r.mbps));
        const nginxPutMbps = medianOf(rounds, 'put');
        const nginxPutDurableMbps = medianOf(rounds, 'putDurable');
        const nginxGetMbps = medianOf(rounds, 'get');
        const upGrowth = Math.max(...upRuns.map((r) => r.rssGrowth));
        const downGrowth = Math.max(...downRuns.map((r) => r.rssGrowth));
        results.add(kind, '1 GiB upload', upMbps, 'MB/s', {
          ratioToNginx: upMbps / nginxPutMbps,
          ratioToNginxWithFsync: upMbps / nginxPutDurableMbps,
          rssGrowthMiB: upGrowth / 1024 ** 2,
        });
        results.add(kind, '1 GiB download', downMbps, 'MB/s', {
          ratioToNginx: downMbps / nginxGetMbps,
          rssGrowthMiB: downGrowth / 1024 ** 2,
        });
        bigRows.push([
          `FileFlow upload (${kind})`,
          upMbps,
          nginxPutMbps,
          percent(upMbps / nginxPutMbps),
          '≥ 80 %',
          verdict(upMbps / nginxPutMbps, 0.8, true),
          mb(upGrowth),
          verdict(upGrowth, 64 * 1024 ** 2),
        ]);
        bigRows.push([
          `FileFlow download (${kind})`,
          downMbps,
          nginxGetMbps,
          percent(downMbps / nginxGetMbps),
          '≥ 80 %',
          verdict(downMbps / nginxGetMbps, 0.8, true),
          mb(downGrowth),
          verdict(downGrowth, 64 * 1024 ** 2),
        ]);
      });
    } finally {
      await database.dispose();
    }
  });
  const nginxPutMbps = medianOf(nginxRounds, 'put');
  const nginxPutDurableMbps = medianOf(nginxRounds, 'putDurable');
  const nginxGetMbps = medianOf(nginxRounds, 'get');
  const nginxCopyMbps = medianOf(nginxRounds, 'copy');
  results.add('-', 'nginx PUT (dav)', nginxPutMbps, 'MB/s');
  results.add('-', 'nginx PUT (dav) then fsync', nginxPutDurableMbps, 'MB/s');
  results.add('-', 'nginx GET (sendfile)', nginxGetMbps, 'MB/s');
  results.add('-', 'nginx GET (sendfile off)', nginxCopyMbps, 'MB/s');
  if (nginx) {
    await nginx.stop();
  }
  bigRows.push([
    'nginx GET with sendfile off (context)',
    nginxCopyMbps,
    nginxGetMbps,
    percent(nginxCopyMbps / nginxGetMbps),
    '–',
    '–',
    '–',
    '–',
  ]);
  bigRows.push([
    'nginx PUT then fsync of the file (same durability as FileFlow)',
    nginxPutDurableMbps,
    nginxPutMbps,
    percent(nginxPutDurableMbps / nginxPutMbps),
    '–',
    '–',
    '–',
    '–',
  ]);
  bigRows.push(['Node SHA-256 over the file (read, then hash)', shaMbps, '–', '–', '–', '–', '–', '–']);
  bigRows.push(['Node SHA-256 of bytes in memory (the CPU)', shaMemoryMbps, '–', '–', '–', '–', '–', '–']);
  bigRows.push(['dd write with fsync (the disk)', ddMbps, '–', '–', '–', '–', '–', '–']);
  printTable(
    `Files: ${mb(bigSize)} MiB with curl (MB/s = 10^6 B/s, median of ${bigRuns}; RSS growth = peak − start, MiB, target < 64)`,
    ['transfer', 'MB/s', 'nginx MB/s', 'ratio', 'target', 'verdict', 'RSS growth', 'verdict'],
    bigRows,
  );
  await results.flush();
});
