import cluster from 'node:cluster';
import type { Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { workerEnvironment } from './instance.js';

const RESTART_DELAY_MS = 1000;

// Node's default on Linux, round-robin, has the primary accept each connection and pass it to a
// worker, keeping its own copy until the worker acknowledges it: one passed to a worker that dies
// first (kill -9, a crash, the OOM killer) is never acknowledged, and the primary holds it open for
// good, its client waiting on an answer that never comes. With the listening socket shared instead,
// each worker accepts its own connections, so a dying worker's close with it (its clients see a
// reset) and the ones not yet accepted wait in the kernel for the other workers.
cluster.schedulingPolicy = cluster.SCHED_NONE;

/**
 * The primary of FILEFLOW_WORKERS > 1: applies migrations once, forks the workers (they share the
 * listening socket through node:cluster and each accepts its own connections), replaces a worker that dies, and on SIGTERM/SIGINT asks
 * every worker to finish its requests and waits for them.
 */
export async function runPrimary(config: Config): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(database.db);
  await database.close();

  let stopping = false;
  // Until a worker serves, a worker that fails has failed to start (a port in use, a bad HOST): it
  // printed why in one line, and every worker started in its place would fail the same way. So
  // one worker starts first, the others once it serves, and a failure before that stops FileFlow.
  let served = false;
  const fork = () => cluster.fork(workerEnvironment(served));
  fork();
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) {
      worker?.process.kill(signal);
    }
    setTimeout(() => process.exit(1), 35_000).unref();
  };
  cluster.on('listening', () => {
    // Stopping already (a signal during start-up): no more workers.
    if (served || stopping) {
      return;
    }
    served = true;
    for (let i = 1; i < config.workers; i++) {
      fork();
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        process.exit(0);
      }
      return;
    }
    if (!served) {
      // A failure it reported itself has its one line already; a worker killed before it could has none.
      if (signal) {
        process.stderr.write(`FileFlow cannot start: its first worker was stopped by ${signal} before it served\n`);
      }
      process.exit(code || 1);
    }
    process.stderr.write(`FileFlow worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    // Not unref'd: with every worker gone at once (the OOM killer), this timer is all that keeps
    // the primary alive to start them again; it would otherwise exit 0, which a supervisor set to
    // restart on failure takes for a deliberate stop.
    setTimeout(() => {
      if (!stopping) {
        fork();
      }
    }, RESTART_DELAY_MS);
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGTERM'));
}
