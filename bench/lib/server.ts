import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntilHealthy } from '../../test/helpers/server-process.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = path.join(REPO_ROOT, 'src/server/main.ts');

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
 * Runs the real server (src/server/main.ts through tsx, as the integration tests do) on a free
 * loopback port and waits until /api/health answers. `dataDir` is FILEFLOW_DATA_DIR; pass
 * DATABASE_URL in `env` for PostgreSQL.
 */
export async function startServer(options: {
  dataDir: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  startTimeoutMs?: number;
}): Promise<BenchServer> {
  const port = await freePort();
  let output = '';
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server of any benchmark.
  const nodeArgs = [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...(options.nodeArgs ?? [])];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
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
