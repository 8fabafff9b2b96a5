/**
 * Trash purge: a subtree of 100,000 nodes (100,000 distinct contents) is trashed
 * (DELETE /api/nodes/:id) and deleted for good (DELETE /api/trash/:id) on each database; on
 * PostgreSQL (not with --quick) a 1,000,000-node subtree is trashed and then purged by the retention
 * job. Meanwhile the same user lists a folder every 25 ms (the "probe"), and on PostgreSQL the
 * longest open transaction is sampled from pg_stat_activity every 50 ms: batching works when
 * neither grows with the size of the purge.
 *
 *   npx tsx bench/purge.ts [--db pglite|postgres|both] [--quick] [--nodes 100000] [--big-nodes 1000000]
 *                          [--big-timeout 600] [--skip-big] [--deep 1000,2000,4000] [--json results.jsonl]
 *
 * --quick purges 10,000 nodes and skips the 1,000,000-node run. --deep purges chains of folders of
 * those depths instead (each folder the only child of the one above; no files), without the big run.
 */
import type pg from 'pg';
import { parseArgs } from './lib/args.js';
import { authHeader, folderId, seedPurgeChain, seedPurgeTree, seedStandardTree, seedUsers, userId } from './lib/datasets.js';
import { connectPostgres, prepareDatabase, type BenchDatabase } from './lib/db.js';
import { KeepAliveClient } from './lib/http.js';
import { log, printTable, Results, type Cell } from './lib/report.js';
import { forEachDb, machineLine, main, withServer } from './lib/run.js';
import { summarize } from './lib/stats.js';

/** Lists a folder of the user over and over until stopped; records each latency with its start time. */
class Probe {
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  readonly samples: Array<{ at: number; ms: number }> = [];
  /** The first failure of a probe request (the server went away, or answered an error). */
  error: Error | undefined;
  private readonly client: KeepAliveClient;

  constructor(
    url: string,
    private readonly path: string,
  ) {
    this.client = new KeepAliveClient(url, authHeader(1));
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        try {
          const timing = await this.client.request({ path: this.path });
          if (timing.status !== 200) {
            throw new Error(`probe listing answered ${timing.status}`);
          }
          this.samples.push({ at, ms: timing.totalMs });
        } catch (error) {
          this.error ??= error instanceof Error ? error : new Error(String(error));
          this.running = false;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.client.close();
  }

  between(from: number, to: number): number[] {
    return this.samples.filter((s) => s.at >= from && s.at < to).map((s) => s.ms);
  }
}

/** Samples the age of the oldest open transaction on the database (other than its own) every 50 ms. */
class TransactionWatch {
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<unknown> = Promise.resolve();
  private busy = false;
  readonly samples: Array<{ at: number; ms: number }> = [];

  constructor(private readonly client: pg.Client) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.busy) {
        return;
      }
      this.busy = true;
      this.pending = this.client
        .query<{ ms: number | null }>(
          `select max(extract(epoch from clock_timestamp() - xact_start)) * 1000 as ms from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null and state <> 'idle'`,
        )
        .then((result) => this.samples.push({ at: Date.now(), ms: Number(result.rows[0]?.ms ?? 0) }))
        .catch(() => undefined)
        .finally(() => (this.busy = false));
    }, 50);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pending;
  }

  maxBetween(from: number, to: number): number {
    return Math.max(0, ...this.samples.filter((s) => s.at >= from && s.at <= to + 100).map((s) => s.ms));
  }
}

interface PhaseRow {
  phase: string;
  ms: number;
  probe: number[];
  longestTx: number | undefined;
}

function phaseCells(kind: string, nodes: number, row: PhaseRow): Cell[] {
  const p = summarize(row.probe);
  return [
    kind,
    nodes.toLocaleString('en'),
    row.phase,
    row.ms / 1000,
    Math.round(nodes / (row.ms / 1000)),
    p.n,
    p.p50,
    p.p99,
    p.max,
    row.longestTx === undefined ? '–' : row.longestTx,
  ];
}

async function verifyGone(database: BenchDatabase, expectedNodes: number): Promise<void> {
  const { handle, close } = await database.open();
  try {
    const [nodes] = await handle.query<{ n: number; used: number; blobs: number; sum: number }>(`
      select (select count(*) from file_nodes where user_id = '${userId(1)}')::int as n,
             (select storage_used from users where id = '${userId(1)}')::bigint as used,
             (select count(*) from blobs)::int as blobs,
             (select coalesce(sum(size), 0) from file_nodes where user_id = '${userId(1)}' and type = 'file')::bigint as sum`);
    if (!nodes || Number(nodes.n) !== expectedNodes || Number(nodes.used) !== Number(nodes.sum)) {
      throw new Error(`after the purge: ${JSON.stringify(nodes)}, expected ${expectedNodes} nodes and storage_used = sum of sizes`);
    }
    log(`verified: ${nodes.n} nodes left, storage_used exact, ${nodes.blobs} blob rows`);
  } finally {
    await close();
  }
}

main(async () => {
  const args = parseArgs();
  const nodes = Number(args.extra.get('nodes') ?? (args.quick ? 10_000 : 100_000));
  const bigNodes = Number(args.extra.get('big-nodes') ?? 1_000_000);
  const deep = args.extra.get('deep')?.split(',').map(Number);
  const runBig = !args.quick && !args.extra.has('skip-big') && !deep;
  const results = new Results('purge', args.json);
  log(machineLine());
  const rows: Cell[][] = [];
  const probePath = `/api/folders/${folderId(1, 50)}/children`;
  const baseNodes = 10_100;

  await forEachDb(args, async (kind) => {
    const sizes = deep ?? (runBig && kind === 'postgres' ? [nodes, bigNodes] : [nodes]);
    for (const size of sizes) {
      const viaJob = size >= 1_000_000;
      const database = await prepareDatabase(kind, {
        name: deep ? `purgedeep${size}` : `purge${size}`,
        cacheName: deep ? `purge-deep-${size}` : `purge-${size}`,
        fresh: args.fresh,
        seed: async (h) => {
          await seedUsers(h, 1);
          await seedStandardTree(h, { first: 1, n: 1, filesPerUser: 10_000 });
          await (deep ? seedPurgeChain(h, 1, 'PurgeMe', size) : seedPurgeTree(h, 1, 'PurgeMe', size));
        },
      });
      const top = (await import('./lib/datasets.js')).md5Uuid(`purge:1:PurgeMe`);
      let watchClient: pg.Client | undefined;
      let finished = true;
      try {
        const env: Record<string, string> = viaJob ? { FILEFLOW_TRASH_RETENTION: '1s', FILEFLOW_JOB_INTERVAL: '2s' } : {};
        await withServer(
          database,
          async (server) => {
            const client = new KeepAliveClient(server.url, authHeader(1));
            const probe = new Probe(server.url, probePath);
            const watch = database.url ? new TransactionWatch((watchClient = await connectPostgres(database.url))) : undefined;
            // Warm the server up (JIT, connections) before the idle baseline.
            await client.timeMany(100, 0, () => ({ path: probePath }));
            watch?.start();
            probe.start();
            await new Promise((resolve) => setTimeout(resolve, 2000));
            const t0 = Date.now();
            const trash = await client.request({ method: 'DELETE', path: `/api/nodes/${top}` });
            const t1 = Date.now();
            if (trash.status !== 200) {
              throw new Error(`trash answered ${trash.status}`);
            }
            let purgeMs: number;
            let t2: number;
            let completed = true;
            if (viaJob) {
              // The retention job (every 2 s, retention 1 s) picks it up; its own start and end times are in job_runs.
              // Past --big-timeout (seconds) the run is cut short and the rate so far is reported.
              const jobs = await connectPostgres(database.url!);
              const limitMs = Number(args.extra.get('big-timeout') ?? 600) * 1000;
              try {
                let lastLog = 0;
                for (;;) {
                  const result = await jobs.query<{ started: Date; finished: Date; result: string }>(
                    `select last_started_at as started, last_finished_at as finished, last_result as result from job_runs
                     where name = 'purge-trash' and last_result like 'purged 1 %' and last_finished_at >= last_started_at`,
                  );
                  const row = result.rows[0];
                  if (row) {
                    purgeMs = row.finished.getTime() - row.started.getTime();
                    t2 = row.finished.getTime();
                    log(`retention job: ${row.result} in ${(purgeMs / 1000).toFixed(1)} s`);
                    break;
                  }
                  if (Date.now() - lastLog > 30_000 || Date.now() - t1 > limitMs) {
                    lastLog = Date.now();
                    const left = Number(
                      (await jobs.query<{ n: string }>(`select count(*) as n from file_nodes where trash_root_id = '${top}'`)).rows[0]?.n ??
                        0,
                    );
                    const started = (
                      await jobs.query<{ started: Date | null }>(
                        `select last_started_at as started from job_runs where name = 'purge-trash'`,
                      )
                    ).rows[0]?.started;
                    const since = started && started.getTime() > t1 - 1000 ? started.getTime() : t1;
                    log(`retention job: ${left} of ${size} nodes left after ${((Date.now() - since) / 1000).toFixed(0)} s`);
                    if (Date.now() - t1 > limitMs) {
                      completed = false;
                      t2 = Date.now();
                      // Extrapolated from the rate so far.
                      purgeMs = ((t2 - since) * size) / Math.max(1, size - left);
                      log(
                        `stopping after ${(limitMs / 1000).toFixed(0)} s: ${size - left} nodes purged, whole purge extrapolated to ${(purgeMs / 1000).toFixed(0)} s`,
                      );
                      break;
                    }
                  }
                  await new Promise((resolve) => setTimeout(resolve, 500));
                }
              } finally {
                await jobs.end();
              }
            } else {
              const purge = await client.request({ method: 'DELETE', path: `/api/trash/${top}` });
              t2 = Date.now();
              purgeMs = purge.totalMs;
              if (purge.status !== 204) {
                throw new Error(`purge answered ${purge.status}`);
              }
            }
            await new Promise((resolve) => setTimeout(resolve, 1000));
            await probe.stop();
            await watch?.stop();
            if (probe.error) {
              throw probe.error;
            }
            client.close();
            const phases: PhaseRow[] = [
              {
                phase: 'idle (2 s before)',
                ms: Number.NaN,
                probe: probe.between(t0 - 2000, t0),
                longestTx: watch?.maxBetween(t0 - 2000, t0),
              },
              {
                phase: 'trash: DELETE /api/nodes/:id',
                ms: trash.totalMs,
                probe: probe.between(t0, t1),
                longestTx: watch?.maxBetween(t0, t1),
              },
              {
                phase: viaJob
                  ? completed
                    ? 'purge: retention job'
                    : 'purge: retention job (EXTRAPOLATED, cut short)'
                  : 'purge: DELETE /api/trash/:id',
                ms: purgeMs,
                probe: probe.between(t1, t2),
                longestTx: watch?.maxBetween(t1, t2),
              },
            ];
            for (const phase of phases) {
              rows.push(phaseCells(kind, size, phase));
              if (Number.isFinite(phase.ms)) {
                const p = summarize(phase.probe);
                results.add(kind, `${phase.phase} (${size} nodes)`, phase.ms / 1000, 's', {
                  probeP50: p.p50,
                  probeP99: p.p99,
                  probeMax: p.max,
                  longestTxMs: phase.longestTx,
                });
              }
            }
            return completed;
          },
          env,
        ).then((completed) => (finished = completed));
        await watchClient?.end();
        if (finished) {
          await verifyGone(database, baseNodes);
        }
      } finally {
        await database.dispose();
      }
    }
  });
  printTable(
    'Trash and purge (seconds; probe = the same user listing a 100-item folder meanwhile, ms; longest tx = oldest open transaction seen, ms, PostgreSQL only)',
    ['db', deep ? 'depth' : 'nodes', 'phase', 's', 'nodes/s', 'probe n', 'probe p50', 'probe p99', 'probe max', 'longest tx'],
    rows,
  );
  await results.flush();
});
