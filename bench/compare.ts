/**
 * The "original FileFlow" comparison (issue 7): the rows the original Flask app was measured on,
 * for FileFlow on each database, with 1,000,000 nodes in the database over 100 users (10,000 files
 * each; --quick: 10 users, 101,000 nodes). One request at a time, rotating over the users; medians
 * (p50) and p99. Measured twice: with curl (a new process and connection per request, as the
 * original was measured: time_total, and time_starttransfer for the first byte) and over a
 * kept-alive connection (from this process; 10 MB downloads with curl, which reuses one connection).
 * Between FileFlow's curl requests, the same curl asks a bare node:http server (the floor row):
 * what any answer costs on this machine at that moment, for reading the other rows by. After each
 * of FileFlow's curl uploads, the same file goes to a bare server that hashes, writes and fsyncs it
 * the plain way (the upload baseline row): what the disk allows at that moment.
 *
 *   npx tsx bench/compare.ts [--db pglite|postgres|both] [--quick] [--users N] [--json results.jsonl]
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { authHeader, folderId, SEARCH_QUERIES } from './lib/datasets.js';
import { KeepAliveClient, type Timing } from './lib/http.js';
import { log, printTable, Results, type Cell } from './lib/report.js';
import { forEachDb, machineLine, main, withServer } from './lib/run.js';
import { summarize } from './lib/stats.js';
import { tempDir } from './lib/server.js';
import {
  curl,
  startFloorServer,
  startUploadBaselineServer,
  syncToDisk,
  timeKeptAliveDownloads,
  timeTenMegabyteUploads,
} from './lib/tools.js';
import { standardDatabase } from './search.js';

const TEN_MB = 10 * 1024 * 1024;

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
  const floor = await startFloorServer();
  const row = (name: string, original: Cell) => {
    if (!table.has(name)) {
      table.set(name, [name, original]);
    }
    return table.get(name)!;
  };
  try {
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
          // Searches are kept like listings (a search asked again at the same tree version costs a
          // version read): every user's every query is asked once first, untimed, so that these
          // rows measure searches asked before. The rows "tree just changed" measure the search itself.
          const searchPath = (i: number) => `/api/search?q=${encodeURIComponent(SEARCH_QUERIES[i % SEARCH_QUERIES.length]!.q)}`;
          for (let u = 1; u <= users; u++) {
            for (let i = 0; i < SEARCH_QUERIES.length; i++) {
              await clients[u - 1]!.request({ path: searchPath(i) });
            }
          }
          const search = await rotate(runs, (_u, i) => ({ path: searchPath(i) }));

          const { timings: uploads, ids } = await timeTenMegabyteUploads(clients[0]!, fileRuns, 'compare');
          // Downloads over a kept-alive connection with curl (see curlKeepAlive for why not a Node client here).
          const downloads = await timeKeptAliveDownloads(
            server.url,
            Array.from({ length: fileRuns }, (_, i) => `/api/files/${ids[i % ids.length]}/content`),
            { headers: authHeader(1), warmup: 3, bytes: TEN_MB },
          );
          for (const c of clients) {
            c.close();
          }

          // The same requests with curl, the way the original was measured, each followed by one to the floor server.
          const floorTimings: number[] = [];
          const curlRotate = async (
            n: number,
            make: (u: number, i: number) => string,
            onlyUser?: number,
            before?: (u: number, i: number) => Promise<void>,
          ) => {
            const timings: Array<{ ttfbMs: number; totalMs: number }> = [];
            for (let i = 0; i < n + 5; i++) {
              const u = onlyUser ?? (i % users) + 1;
              await before?.(u, i);
              const got = await curl(`${server.url}${make(u, i)}`, { headers: authHeader(u) });
              if (got.status !== 200) {
                throw new Error(`${make(u, i)} answered ${got.status} to curl`);
              }
              const floorGot = await curl(floor.url);
              if (i >= 5) {
                timings.push({ ttfbMs: got.startTransfer * 1000, totalMs: got.total * 1000 });
                floorTimings.push(floorGot.total * 1000);
              }
            }
            return timings;
          };
          const curlList = await curlRotate(runs, (u) => `/api/folders/${folderId(u, 50)}/children`);
          const curlCrumbs = await curlRotate(runs, (u) => `/api/nodes/${folderId(u, 14)}/breadcrumbs`);
          const curlSearch = await curlRotate(runs, (_u, i) => searchPath(i));
          const curlDownloads = await curlRotate(fileRuns, (_u, i) => `/api/files/${ids[i % ids.length]}/content`, 1);
          // The same listings and downloads, each right after a change elsewhere in the user's tree (a
          // favourite toggled, untimed): what was kept from the last one is out of date and is read afresh.
          // Each user's favourite flips every time: a PATCH that sets what is already there changes
          // nothing (and so would not change the tree), and with ten users taking turns `i % 2` would
          // give each user the same value every turn.
          const favourite = new Map<number, boolean>();
          const toggleFavourite = async (u: number) => {
            const next = !(favourite.get(u) ?? false);
            favourite.set(u, next);
            const res = await fetch(`${server.url}/api/nodes/${folderId(u, 99)}`, {
              method: 'PATCH',
              headers: { ...authHeader(u), 'content-type': 'application/json' },
              body: JSON.stringify({ favorite: next }),
            });
            if (res.status !== 200) {
              throw new Error(`toggling a favourite answered ${res.status}`);
            }
          };
          const curlListChanged = await curlRotate(runs, (u) => `/api/folders/${folderId(u, 50)}/children`, undefined, toggleFavourite);
          const curlSearchChanged = await curlRotate(runs, (_u, i) => searchPath(i), undefined, toggleFavourite);
          const curlDownloadsChanged = await curlRotate(
            fileRuns,
            (_u, i) => `/api/files/${ids[i % ids.length]}/content`,
            1,
            toggleFavourite,
          );
          const uploadDir = await tempDir('compare-upload');
          const uploadBaselineDir = await tempDir('compare-upload-baseline');
          const uploadBaseline = await startUploadBaselineServer(uploadBaselineDir);
          const curlUploads: number[] = [];
          const uploadBaselineTimings: number[] = [];
          try {
            // Every file is written (each with content of its own) and synced before the first
            // upload: written just before its upload, a file's 10 MB of dirty pages went to disk
            // during the upload and held up the server's fsync (PostgreSQL: 48 ms against 29 for
            // the same uploads from memory over a kept-alive connection, in the same run).
            const files: string[] = [];
            const body = randomBytes(TEN_MB);
            for (let i = 0; i < fileRuns + 3; i++) {
              files.push(path.join(uploadDir, `up-${i}.bin`));
              randomBytes(16).copy(body, 0);
              await writeFile(files[i]!, body);
            }
            await syncToDisk();
            for (const [i, file] of files.entries()) {
              const got = await curl(`${server.url}/api/files/content?name=curl-${i}-${randomBytes(4).toString('hex')}.bin`, {
                upload: file,
                headers: authHeader(1),
              });
              if (got.status !== 201) {
                throw new Error(`a 10 MB upload with curl answered ${got.status}`);
              }
              const baselineGot = await curl(uploadBaseline.url, { upload: file });
              if (baselineGot.status !== 201) {
                throw new Error(`the upload baseline server answered ${baselineGot.status}`);
              }
              if (i >= 3) {
                curlUploads.push(got.total * 1000);
                uploadBaselineTimings.push(baselineGot.total * 1000);
              }
            }
          } finally {
            await uploadBaseline.stop();
            await rm(uploadDir, { recursive: true, force: true });
            await rm(uploadBaselineDir, { recursive: true, force: true });
          }

          const add = (name: string, original: number, timings: number[]) => {
            const s = summarize(timings);
            row(name, original).push(s.p50, s.p99, `${(s.p50 / original).toFixed(2)}×`);
            results.add(kind, name, s.p50, 'ms', { p99: s.p99, original, ratio: s.p50 / original, users });
          };
          const floorSummary = summarize(floorTimings);
          const floorRow = 'floor: a bare node:http server, between the curl rows (curl)';
          row(floorRow, '–').push(floorSummary.p50, floorSummary.p99, '–');
          results.add(kind, floorRow, floorSummary.p50, 'ms', { p99: floorSummary.p99, users });
          const uploadBaselineSummary = summarize(uploadBaselineTimings);
          const uploadBaselineRow = 'upload baseline: bare node:http, SHA-256 + write + fsync + rename, same file right after (curl)';
          row(uploadBaselineRow, '–').push(uploadBaselineSummary.p50, uploadBaselineSummary.p99, '–');
          results.add(kind, uploadBaselineRow, uploadBaselineSummary.p50, 'ms', { p99: uploadBaselineSummary.p99, users });
          const totals = (timings: Array<{ totalMs: number }>) => timings.map((t) => t.totalMs);
          const measured = {
            curl: {
              list: totals(curlList),
              listChanged: totals(curlListChanged),
              firstByteChanged: curlDownloadsChanged.map((t) => t.ttfbMs),
              upload: curlUploads,
              firstByte: curlDownloads.map((t) => t.ttfbMs),
              download: totals(curlDownloads),
              crumbs: totals(curlCrumbs),
              search: totals(curlSearch),
              searchChanged: totals(curlSearchChanged),
            },
            'keep-alive': {
              list: totals(list),
              upload: totals(uploads),
              firstByte: downloads.map((t) => t.headersMs),
              download: totals(downloads),
              crumbs: totals(crumbs),
              search: totals(search),
            },
          };
          for (const [how, m] of Object.entries(measured)) {
            add(`folder listing, 100 items (${how})`, ORIGINAL.list, m.list);
            if ('listChanged' in m) {
              add(`folder listing, 100 items, tree just changed (${how})`, ORIGINAL.list, m.listChanged);
            }
            add(`10 MB upload (${how})`, ORIGINAL.upload, m.upload);
            add(`10 MB download, first byte (${how})`, ORIGINAL.firstByte, m.firstByte);
            if ('firstByteChanged' in m) {
              add(`10 MB download, first byte, tree just changed (${how})`, ORIGINAL.firstByte, m.firstByteChanged);
            }
            add(`10 MB download, in all (${how})`, ORIGINAL.download, m.download);
            add(`breadcrumb, 15 deep (${how})`, ORIGINAL.breadcrumb, m.crumbs);
            add(`name search, 10,000 files/user, asked before (${how})`, ORIGINAL.search, m.search);
            if ('searchChanged' in m) {
              add(`name search, 10,000 files/user, tree just changed (${how})`, ORIGINAL.search, m.searchChanged);
            }
          }
        });
      } finally {
        await database.dispose();
      }
    });
  } finally {
    await floor.stop();
  }
  const headers = ['operation', 'original p50'];
  for (const kind of args.dbs) {
    headers.push(`${kind} p50`, `${kind} p99`, `${kind} / original`);
  }
  printTable(
    `FileFlow vs the original (ms; ${(users * 10_100).toLocaleString('en')} nodes over ${users} users; one request at a time; ratio < 1 is faster)`,
    headers,
    [...table.values()],
  );
  await results.flush();
});
