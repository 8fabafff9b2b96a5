import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, dropPostgresDatabase, POSTGRES_URL } from '../helpers/database.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/**
 * The next run of each job is kept in the database (job_runs), set with the interval of the
 * process that ran it last. A server restarted with a shorter FILEFLOW_JOB_INTERVAL must use it
 * at once, not after the old, longer interval has passed.
 */
describe('a shorter FILEFLOW_JOB_INTERVAL after a restart', () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fileflow-jobs-restart-'));
    databaseUrl = POSTGRES_URL ? await createPostgresDatabase() : undefined;
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    if (databaseUrl) {
      await dropPostgresDatabase(databaseUrl);
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string> = {}) =>
    startServerProcess({ FILEFLOW_DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? '', FILEFLOW_STORAGE: 'local', ...env });

  it('applies at once: the trash is purged promptly, not an hour later', async () => {
    // First run: the default interval (1h) and retention (30d). The jobs run once at start-up and
    // store their next run an hour ahead.
    server = await start();
    let cookie = '';
    const send = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${server!.url}${url}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
      return res;
    };
    const tag = Date.now().toString(36);
    expect((await send('POST', '/api/auth/register', { username: `jobs${tag}`, email: `jobs${tag}@example.test`, password: 'correct horse battery' })).status).toBe(201);
    const folder = (await (await send('POST', '/api/folders', { name: 'soon gone' })).json()) as { id: string };
    expect((await send('DELETE', `/api/nodes/${folder.id}`)).status).toBe(200);
    const trashed = async () => ((await (await send('GET', '/api/trash')).json()) as { items: unknown[] }).items.length;
    expect(await trashed()).toBe(1);
    expect(await server.stop()).toBe(0);

    // Second run on the same data: jobs every second, trash kept one second.
    server = await start({ FILEFLOW_JOB_INTERVAL: '1s', FILEFLOW_TRASH_RETENTION: '1s' });
    const deadline = Date.now() + 10_000;
    while ((await trashed()) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await trashed()).toBe(0);
  }, 90_000);
});
