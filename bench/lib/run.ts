import { arch, cpus, loadavg, totalmem } from 'node:os';
import type { BenchArgs } from './args.js';
import type { BenchDatabase } from './db.js';
import { log } from './report.js';
import { startServer, type BenchServer } from './server.js';
import { syncToDisk } from './tools.js';

/** Starts a server on the database, runs `work`, and always stops the server. */
export async function withServer<T>(
  database: BenchDatabase,
  work: (server: BenchServer) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const server = await startServer({ dataDir: database.dataDir, env: { ...database.env, ...env } });
  try {
    // Preparing the database wrote gigabytes at the larger sizes (a template's copy on the server,
    // a copy of the embedded database's directory): left to the kernel's writeback, they made
    // every upload's fsync wait behind them (10 MB uploads at 1,010,000 nodes 61-64 ms, against
    // 36-39 ms for the same server after a sync). Measure from a clean page cache instead.
    await syncToDisk();
    return await work(server);
  } catch (error) {
    // What the server said last usually explains a failure (it may have exited).
    const exit = server.child.exitCode ?? server.child.signalCode;
    log(`server ${exit === null ? 'still running' : `exited (${exit})`}; its last output:\n${server.output().slice(-3000)}`);
    throw error;
  } finally {
    await server.stop();
  }
}

/** Runs `work` for each requested database, disposing of nothing itself; logs and rethrows failures at the end. */
export async function forEachDb(args: BenchArgs, work: (kind: 'pglite' | 'postgres') => Promise<void>): Promise<void> {
  const failures: string[] = [];
  for (const kind of args.dbs) {
    try {
      await work(kind);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${kind}: FAILED: ${message}`);
      failures.push(`${kind}: ${message.split('\n')[0]}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(`benchmark failed on ${failures.join('; ')}`);
  }
}

/** "met" / "MISSED" for a figure against an upper bound (or a lower bound with `atLeast`). */
export function verdict(value: number, target: number, atLeast = false): string {
  if (!Number.isFinite(value)) {
    return '–';
  }
  return (atLeast ? value >= target : value <= target) ? 'met' : 'MISSED';
}

/** One line about the machine and its load, printed before each benchmark's tables. */
export function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? arch()}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, load average ${load}`;
}

/** Exits non-zero on an unhandled failure, after printing it. */
export function main(run: () => Promise<void>): void {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
