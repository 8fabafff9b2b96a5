import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresDatabase, dropPostgresDatabase, POSTGRES_URL } from './database.js';

const MAIN = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));

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

/**
 * Polls `/api/health` until the child server answers 200; fails (and kills it) if it exits first
 * or does not answer within `timeoutMs`, with its output in the message.
 */
export async function waitUntilHealthy(child: ChildProcess, url: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`server exited during start-up: ${output()}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer within ${timeoutMs / 1000} s: ${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the real server (src/server/main.ts through tsx) as a child process and waits until it answers. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitUntilHealthy(child, url, 30_000, () => output);
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) {
        child.kill(signal);
      }
      return exited;
    },
  };
}

/**
 * Runs the real server with `env` (which may set HOST and PORT) until it exits on its own, for
 * start-up failures; kills it and fails if it is still running after `timeoutMs`.
 */
export async function runServerUntilExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  if (code === null) {
    throw new Error(`server still running after ${timeoutMs / 1000} s: ${output}`);
  }
  return { code, output };
}

/** The password HttpClient.register gives. */
export const PASSWORD = 'correct horse battery';

/** A cookie-keeping fetch client for a real server; set `base` to follow the server to a new address. */
export class HttpClient {
  cookie = '';
  constructor(public base: string) {}
  async send(method: string, url: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(`${this.base}${url}`, { method, body, headers: { ...headers, cookie: this.cookie } });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('ff_session=')) {
      this.cookie = setCookie.split(';')[0] ?? '';
    }
    return res;
  }
  /** Registers `name` (email `name@example.test`, password `PASSWORD`), signing this client in. */
  register(name: string): Promise<Response> {
    return this.json('POST', '/api/auth/register', { username: name, email: `${name}@example.test`, password: PASSWORD });
  }
  json(method: string, url: string, body: unknown): Promise<Response> {
    return this.send(method, url, JSON.stringify(body), { 'content-type': 'application/json' });
  }
}

/**
 * One data set for the real servers a suite starts one after another: a data directory and, in
 * the DATABASE_URL pass, a PostgreSQL database of its own (else the embedded one in the
 * directory). Made before the suite; after it, the last server started is killed and both are removed.
 */
export function serverDataSet(prefix: string): {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  start(env?: Record<string, string>): Promise<ServerProcess>;
} {
  let dataDir = '';
  let databaseUrl: string | undefined;
  let last: ServerProcess | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), prefix));
    databaseUrl = POSTGRES_URL ? await createPostgresDatabase() : undefined;
  });
  afterAll(async () => {
    await last?.stop('SIGKILL');
    if (databaseUrl) {
      await dropPostgresDatabase(databaseUrl);
    }
    await rm(dataDir, { recursive: true, force: true });
  });
  return {
    get dataDir() {
      return dataDir;
    },
    get databaseUrl() {
      return databaseUrl;
    },
    async start(env = {}) {
      last = await startServerProcess({ FILEFLOW_DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? '', ...env });
      return last;
    },
  };
}
