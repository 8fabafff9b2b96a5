import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, dropPostgresDatabase, POSTGRES_URL } from '../helpers/database.js';
import { freePort, runServerUntilExit } from '../helpers/server-process.js';

/**
 * A bad setting stops the real server with one line naming the variable (API.md, "Operations"),
 * whether the config refuses it or listening on it fails.
 */
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'fileflow-start-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts the server with `env` on the embedded database; returns its exit code and its one line of output. */
async function refusedStart(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const { code, output } = await runServerUntilExit({ FILEFLOW_DATA_DIR: dataDir, DATABASE_URL: '', ...env });
  return { code, lines: output.trim().split('\n') };
}

describe('start-up refuses a bad setting in one line naming it', () => {
  it.each([
    ['FILEFLOW_TRUST_PROXY', 'maybe'],
    ['FILEFLOW_TRUST_PROXY', '10.0.0.1, 10.0.0.300'],
    ['FILEFLOW_TRUST_PROXY', '10.0.0.0/33'],
    ['FILEFLOW_PUBLIC_URL', 'javascript:alert(1)'],
    ['FILEFLOW_PUBLIC_URL', 'ftp://example.com'],
  ])('%s=%s', async (name, value) => {
    const { code, lines } = await refusedStart({ [name]: value });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^FileFlow cannot start: ${name}: expected `));
  });

  it('names HOST when the host name does not resolve', async () => {
    const { code, lines } = await refusedStart({ HOST: 'no such host' });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^FileFlow cannot start: HOST: cannot listen on "no such host": not a known host name or address \(.*(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)/);
  });

  it('names DATABASE_URL when its server cannot be reached, and leaves its password out', async () => {
    const port = await freePort();
    const { code, lines } = await refusedStart({ DATABASE_URL: `postgres://fileflow:s3cret@127.0.0.1:${port}/fileflow` });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^FileFlow cannot start: DATABASE_URL: cannot use the PostgreSQL server at postgres://fileflow@127\\.0\\.0\\.1:${port}/fileflow: .*ECONNREFUSED`),
    );
    expect(lines[0]).not.toContain('s3cret');
  });

  it('leaves out a password given in the query string too', async () => {
    const port = await freePort();
    const { code, lines } = await refusedStart({ DATABASE_URL: `postgres://fileflow@127.0.0.1:${port}/fileflow?password=s3cret&sslpassword=k3y&application_name=ff` });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^FileFlow cannot start: DATABASE_URL: cannot use the PostgreSQL server at .*application_name=ff.*ECONNREFUSED/);
    expect(lines[0]).not.toContain('s3cret');
    expect(lines[0]).not.toContain('k3y');
  });

  // Once, in the embedded database's pass: it waits out the 15 s start-up bound.
  it.runIf(!POSTGRES_URL)(
    'names DATABASE_URL when its server takes the connection and never answers, within 15 seconds',
    async () => {
      const sockets: Array<{ destroy(): void }> = [];
      const silent: Server = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as { port: number };
      try {
        const started = Date.now();
        const { code, lines } = await refusedStart({ DATABASE_URL: `postgres://fileflow@127.0.0.1:${port}/fileflow` });
        expect(code).toBe(1);
        expect(lines).toEqual([`FileFlow cannot start: DATABASE_URL: cannot use the PostgreSQL server at postgres://fileflow@127.0.0.1:${port}/fileflow: no answer within 15 s`]);
        expect(Date.now() - started).toBeLessThan(40_000);
      } finally {
        sockets.forEach((socket) => socket.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    },
    60_000,
  );

  // A database the server does not have: this runs in the DATABASE_URL pass of CI.
  it.runIf(POSTGRES_URL)('names DATABASE_URL when its database does not exist', async () => {
    const url = new URL(POSTGRES_URL!);
    url.pathname = '/fileflow_test_no_such_database';
    const { code, lines } = await refusedStart({ DATABASE_URL: url.toString() });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^FileFlow cannot start: DATABASE_URL: cannot use the PostgreSQL server at .*fileflow_test_no_such_database: .*does not exist/);
  });

  describe('with the port taken', () => {
    let blocker: Server;
    let port: number;
    beforeAll(async () => {
      port = await freePort();
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await new Promise((resolve) => blocker.close(resolve));
    });

    it('names PORT and says it is in use', async () => {
      const { code, lines } = await refusedStart({ PORT: String(port) });
      expect(code).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^FileFlow cannot start: PORT: cannot listen on port ${port} of 127\\.0\\.0\\.1: already in use \\(.*EADDRINUSE`));
    });

    // Several workers need PostgreSQL: this runs in the DATABASE_URL pass of CI.
    it.runIf(POSTGRES_URL)('stops with that one line under several workers too, instead of starting worker after worker', async () => {
      const databaseUrl = await createPostgresDatabase();
      try {
        const { code, lines } = await refusedStart({ PORT: String(port), DATABASE_URL: databaseUrl, FILEFLOW_WORKERS: '3' });
        expect(code).toBe(1);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^FileFlow cannot start: PORT: cannot listen on port ${port} of 127\\.0\\.0\\.1: already in use`));
      } finally {
        await dropPostgresDatabase(databaseUrl);
      }
    });
  });
});
