import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitUntilHealthy } from '../../test/helpers/server-process.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN_IN_CHECKOUT = 'dist/server/main.js';

let serverBuilt: Promise<void> | undefined;

/**
 * Compiles the server as `npm start` runs it (tsc into dist/), once per process; bench/run-all.ts
 * compiles once for all its benchmarks and says so with BENCH_SERVER_BUILT=1. Measured against the
 * same server run from source through tsx (the integration tests' way), alternating request by
 * request on one PostgreSQL database: an unknown route 1.23 -> 1.20 ms, a breadcrumb 2.02 -> 1.96,
 * a search 5.26 -> 5.03 (curl p50): the loader and its source maps cost every request a little.
 */
export function ensureServerBuilt(): Promise<void> {
  if (process.env.BENCH_SERVER_BUILT === '1') {
    return Promise.resolve();
  }
  serverBuilt ??= promisify(execFile)(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: REPO_ROOT,
    },
  ).then(() => undefined);
  return serverBuilt;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A fresh temporary directory under the system's temp dir. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `fileflow-bench-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface BenchServer {
  url: string;
  port: number;
  /** The server process (with FILEFLOW_WORKERS > 1: the cluster primary). */
  pid: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Settings every benchmark server gets unless overridden: quiet logs, a big quota, no background jobs during runs. */
export const BENCH_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  FILEFLOW_DEFAULT_QUOTA: '1TiB',
  FILEFLOW_REGISTER_LIMIT: '100000',
  // The retention purge and blob collection would otherwise run once at start-up, in the middle of a measurement.
  FILEFLOW_JOB_INTERVAL: '24h',
};

/**
 * Runs the real server, compiled as `npm start` runs it (dist/server/main.js), on a free
 * loopback port and waits until /api/health answers. `dataDir` is FILEFLOW_DATA_DIR; pass
 * DATABASE_URL in `env` for PostgreSQL.
 */
export async function startServer(options: {
  dataDir: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  startTimeoutMs?: number;
  /** Another compiled checkout to run instead of this one (bench/ab.ts); built by the caller. */
  checkout?: string;
}): Promise<BenchServer> {
  const root = options.checkout ?? REPO_ROOT;
  if (options.checkout === undefined) {
    await ensureServerBuilt();
  }
  const port = await freePort();
  let output = '';
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server of any benchmark.
  const nodeArgs = [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...(options.nodeArgs ?? [])];
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, MAIN_IN_CHECKOUT)], {
    cwd: root,
    env: {
      ...withoutServerEnv(process.env),
      ...BENCH_ENV,
      FILEFLOW_DATA_DIR: options.dataDir,
      ...options.env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) {
      output = output.slice(-100_000);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(child, url, options.startTimeoutMs ?? 120_000, () => output);
  return {
    url,
    port,
    pid: child.pid!,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** The caller's environment without FileFlow's own variables (a developer's shell may set some). */
function withoutServerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of Object.keys(copy)) {
    if (key.startsWith('FILEFLOW_') || key.startsWith('S3_') || key === 'DATABASE_URL' || key === 'PORT' || key === 'HOST') {
      delete copy[key];
    }
  }
  return copy;
}
