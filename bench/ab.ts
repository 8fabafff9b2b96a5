/**
 * Two builds of the server, request by request: the working tree against a git revision (the
 * base), on copies of one seeded database, one request to each in turn. For judging a change on
 * a machine too noisy for absolute figures (docs/PERFORMANCE.md): whatever the machine does to
 * one request it does to its neighbour.
 *
 * Each pair of requests is one round of one request kind, the two builds in turn, the one asked
 * first alternating (the second of two requests ran faster, whichever build it went to). A
 * process also runs faster or slower as a whole for reasons of its own (up to 10 % between two
 * servers of the same build), so the run has two halves, each with new servers on new copies of
 * the database, started in the opposite order. Reported per request kind: both builds' p50 and
 * p90, and for the pairs, the median difference and how many went to the working tree.
 *
 *   npx tsx bench/ab.ts --base <git revision> [--db pglite|postgres|both] [--rounds N]
 *     [--work search,list,crumbs,rename,upload,upload10mb,uploads] [--answers none|kept|changed] [--users N] [--by-path] [--curl]
 *
 * `--by-path` reports each search query on a row of its own. `--curl` asks GETs with curl (a new
 * process and connection per request, the goals' way: the server idles between requests) instead
 * of over a kept-alive connection.
 *
 * `--answers none` (the default) sets FILEFLOW_ANSWER_CACHE=0, so that every request runs its
 * statement, as right after a change in the tree. `--answers changed` keeps answers and, before
 * each timed request, toggles a favourite in the user's tree through the same server (untimed):
 * what was kept is then out of date, as for compare.ts's "tree just changed" rows. Both builds
 * must share the migrations: the database is seeded at the working tree's schema.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { multipartBody } from '../test/helpers/multipart.js';
import { parseArgs } from './lib/args.js';
import { authHeader, folderId, SEARCH_QUERIES } from './lib/datasets.js';
import { KeepAliveClient } from './lib/http.js';
import { log, printTable, type Cell } from './lib/report.js';
import { forEachDb, machineLine, main } from './lib/run.js';
import { curl } from './lib/tools.js';
import { ms, summarize } from './lib/stats.js';
import { REPO_ROOT, startServer, type BenchServer } from './lib/server.js';
import { standardDatabase } from './search.js';

const run = promisify(execFile);

/** One kind of request: a label, and the paths it asks in turn (GET, 200 expected, unless `send` says otherwise). */
interface Work {
  label: string;
  paths: (user: number) => string[];
  send?: { method: string; status: number; body: () => { body: Buffer; contentType: string } };
}

const UPLOAD_BYTES = 4096;
const MULTIPART_FILES = 100;

const WORKS: Record<string, Work> = {
  search: { label: 'name search, 12-query mix', paths: () => SEARCH_QUERIES.map(({ q }) => `/api/search?q=${encodeURIComponent(q)}`) },
  list: { label: 'folder listing, 100 items', paths: (u) => [`/api/folders/${folderId(u, 50)}/children`] },
  crumbs: { label: 'breadcrumb, 15 deep', paths: (u) => [`/api/nodes/${folderId(u, 14)}/breadcrumbs`] },
  // New content under a new name each time, into a folder 15 deep (its listing is not asked): a
  // small file's whole commit. Both builds get the same bytes in a pair, each on its own database.
  upload: {
    label: 'upload 4 KB, new content',
    paths: (u) => [`/api/files/content?parentId=${folderId(u, 14)}&name=ab-${randomUUID()}.txt`],
    send: { method: 'PUT', status: 201, body: () => ({ body: randomBytes(UPLOAD_BYTES), contentType: 'application/octet-stream' }) },
  },
  // The goals' upload: 10 MB of new content (hashing, the write, its fsync and the commit).
  upload10mb: {
    label: 'upload 10 MB, new content',
    paths: (u) => [`/api/files/content?parentId=${folderId(u, 14)}&name=ab-${randomUUID()}.bin`],
    send: { method: 'PUT', status: 201, body: () => ({ body: randomBytes(10 * 1024 * 1024), contentType: 'application/octet-stream' }) },
  },
  // The smallest write: one row updated, one commit (a new name each time, so it always changes).
  rename: {
    label: 'rename a folder (PATCH)',
    paths: (u) => [`/api/nodes/${folderId(u, 99)}`],
    send: { method: 'PATCH', status: 200, body: () => ({ body: Buffer.from(JSON.stringify({ name: `ab-${randomUUID()}` })), contentType: 'application/json' }) },
  },
  // Many small files in one multipart request (as a script or a sync client sends them): what
  // each file's commit costs beyond the request's own.
  uploads: {
    label: `multipart, ${MULTIPART_FILES} files of 64 bytes`,
    paths: (u) => [`/api/files?parentId=${folderId(u, 14)}`],
    send: {
      method: 'POST',
      status: 201,
      body: () => multipartBody(Array.from({ length: MULTIPART_FILES }, () => ({ file: randomBytes(64), filename: `ab-${randomUUID()}.bin` }))),
    },
  },
};

/** Checks out and compiles `revision` in a temporary directory, sharing this checkout's node_modules. */
async function buildBase(revision: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fileflow-bench-base-'));
  await run('git', ['worktree', 'add', '--detach', dir, revision], { cwd: REPO_ROOT });
  const remove = async () => {
    await run('git', ['worktree', 'remove', '--force', dir], { cwd: REPO_ROOT }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    await run(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: dir });
    return { dir, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

type Side = 'base' | 'tree';

main(async () => {
  const args = parseArgs();
  const revision = args.extra.get('base');
  if (!revision) {
    throw new Error('--base <git revision> is required (the build to compare the working tree with)');
  }
  const rounds = Number(args.extra.get('rounds') ?? 100);
  const users = Number(args.extra.get('users') ?? 10);
  const works = (args.extra.get('work') ?? 'search').split(',').map((name) => {
    const work = WORKS[name];
    if (!work) {
      throw new Error(`--work: unknown ${name} (known: ${Object.keys(WORKS).join(', ')})`);
    }
    return work;
  });
  const byPath = args.extra.has('by-path');
  const withCurl = args.extra.has('curl');
  const answers = args.extra.get('answers') ?? 'none';
  if (!['none', 'kept', 'changed'].includes(answers)) {
    throw new Error(`--answers: unknown ${answers} (known: none, kept, changed)`);
  }
  const changeFirst = answers === 'changed';
  const env: Record<string, string> = answers === 'none' ? { FILEFLOW_ANSWER_CACHE: '0' } : {};
  log(machineLine());
  const { stdout } = await run('git', ['rev-parse', '--short', revision], { cwd: REPO_ROOT });
  log(`base ${revision} (${stdout.trim()}) against the working tree; ${rounds} rounds in two halves; answers ${answers === 'none' ? 'not kept' : answers === 'kept' ? 'kept' : 'kept, each request right after a change'}${withCurl ? '; GETs with curl' : ''}`);
  const base = await buildBase(revision);
  const rows: Cell[][] = [];
  try {
    await forEachDb(args, async (kind) => {
      // Per request kind, or per path with --by-path.
      const times = new Map<string, Record<Side, number[]>>();
      const timesOf = (work: Work, requestPath: string) => {
        // Searches by their query; other kinds ask each user's own folder, one row for them all.
        const query = new URL(requestPath, 'http://x').searchParams.get('q');
        const key = byPath && query !== null ? `${work.label}: "${query}"` : work.label;
        if (!times.has(key)) {
          times.set(key, { base: [], tree: [] });
        }
        return times.get(key)!;
      };
      for (const half of [0, 1]) {
        const order: Side[] = half === 0 ? ['base', 'tree'] : ['tree', 'base'];
        const databases = await Promise.all(order.map(() => standardDatabase(kind, users, false)));
        const servers = new Map<Side, BenchServer>();
        try {
          for (const [i, side] of order.entries()) {
            const database = databases[i]!;
            servers.set(side, await startServer({ dataDir: database.dataDir, env: { ...database.env, ...env }, checkout: side === 'base' ? base.dir : undefined }));
          }
          const clients = new Map(
            order.map((side) => [side, Array.from({ length: users }, (_, u) => new KeepAliveClient(servers.get(side)!.url, authHeader(u + 1)))]),
          );
          // Each user's favourite flips every time on each side: setting what is already there would change nothing.
          const favourites = new Map<string, boolean>();
          const changeTree = async (side: Side, user: number) => {
            const next = !(favourites.get(`${side}/${user}`) ?? false);
            favourites.set(`${side}/${user}`, next);
            const timing = await clients.get(side)![user]!.request({
              path: `/api/nodes/${folderId(user + 1, 99)}`,
              method: 'PATCH',
              body: Buffer.from(JSON.stringify({ favorite: next })),
              headers: { 'content-type': 'application/json' },
            });
            if (timing.status !== 200) {
              throw new Error(`${side}: toggling a favourite answered ${timing.status}`);
            }
          };
          const warmup = 3;
          let turn = 0;
          for (let round = 0; round < rounds / 2 + warmup; round++) {
            for (const work of works) {
              for (let i = 0; i < work.paths(1).length; i++) {
                const user = turn++ % users;
                const requestPath = work.paths(user + 1)[i]!;
                const first: Side = (round + i) % 2 === 0 ? 'base' : 'tree';
                const sent = work.send?.body();
                for (const side of first === 'base' ? (['base', 'tree'] as const) : (['tree', 'base'] as const)) {
                  if (changeFirst) {
                    await changeTree(side, user);
                  }
                  const timing =
                    withCurl && !work.send
                      ? await curl(`${servers.get(side)!.url}${requestPath}`, { headers: authHeader(user + 1) }).then((result) => ({
                          status: result.status,
                          totalMs: result.total * 1000,
                        }))
                      : await clients.get(side)![user]!.request({
                          path: requestPath,
                          method: work.send?.method,
                          body: sent?.body,
                          headers: sent ? { 'content-type': sent.contentType } : undefined,
                        });
                  if (timing.status !== (work.send?.status ?? 200)) {
                    throw new Error(`${side}: ${requestPath} answered ${timing.status}`);
                  }
                  if (round >= warmup) {
                    timesOf(work, requestPath)[side].push(timing.totalMs);
                  }
                }
              }
            }
          }
          for (const list of clients.values()) {
            list.forEach((client) => client.close());
          }
        } finally {
          for (const server of servers.values()) {
            await server.stop();
          }
          await Promise.all(databases.map((database) => database.dispose()));
        }
      }
      for (const [label, { base: b, tree: t }] of times) {
        const differences = t.map((value, i) => value - b[i]!);
        const [sb, st, sd] = [summarize(b), summarize(t), summarize(differences)];
        const treeFaster = differences.filter((d) => d < 0).length;
        rows.push([
          kind,
          label,
          String(sb.n),
          ms(sb.p50),
          ms(st.p50),
          `${(st.p50 / sb.p50).toFixed(3)}×`,
          ms(sb.p90),
          ms(st.p90),
          ms(sd.p50),
          `${((100 * treeFaster) / differences.length).toFixed(0)} %`,
        ]);
      }
    });
  } finally {
    await base.remove();
  }
  printTable(
    `Working tree against ${revision} (ms, ${withCurl ? 'GETs with curl' : 'keep-alive'}, one request at a time, the two builds in turn)`,
    ['db', 'request', 'pairs', 'base p50', 'tree p50', 'tree / base', 'base p90', 'tree p90', 'median pair difference', 'pairs the tree won'],
    rows,
  );
});
