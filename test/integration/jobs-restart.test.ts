import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/client.js';
import { HttpClient, serverDataSet, type ServerProcess } from '../helpers/server-process.js';

type DataSet = ReturnType<typeof serverDataSet>;

/**
 * Runs a server with the default job interval (1h) and retention (30d) on `data`, in which a new
 * user trashes a folder; the jobs run once at start-up and store their next run an hour ahead.
 * Returns the user's client and how many items their trash holds.
 */
async function firstRunWithTrash(data: DataSet, tag: string): Promise<{ client: HttpClient; trashed: () => Promise<number> }> {
  const server = await data.start({ FILEFLOW_STORAGE: 'local' });
  const client = new HttpClient(server.url);
  const name = `${tag}${Date.now().toString(36)}`;
  expect((await client.register(name)).status).toBe(201);
  const folder = (await (await client.json('POST', '/api/folders', { name: 'soon gone' })).json()) as { id: string };
  expect((await client.send('DELETE', `/api/nodes/${folder.id}`)).status).toBe(200);
  const trashed = async () => ((await (await client.send('GET', '/api/trash')).json()) as { items: unknown[] }).items.length;
  expect(await trashed()).toBe(1);
  expect(await server.stop()).toBe(0);
  return { client, trashed };
}

/** Runs the server again on the same data with jobs every second and trash kept one second; true once the trash is empty (10 s at most). */
async function purgedPromptly(data: DataSet, client: HttpClient, trashed: () => Promise<number>): Promise<boolean> {
  const server: ServerProcess = await data.start({
    FILEFLOW_STORAGE: 'local',
    FILEFLOW_JOB_INTERVAL: '1s',
    FILEFLOW_TRASH_RETENTION: '1s',
  });
  client.base = server.url;
  const deadline = Date.now() + 10_000;
  while ((await trashed()) > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return (await trashed()) === 0;
}

/**
 * The next run of each job is kept in the database (job_runs), set with the interval of the
 * process that ran it last. A server restarted with a shorter FILEFLOW_JOB_INTERVAL must use it
 * at once, not after the old, longer interval has passed.
 */
describe('a shorter FILEFLOW_JOB_INTERVAL after a restart', () => {
  const data = serverDataSet('fileflow-jobs-restart-');

  it('applies at once: the trash is purged promptly, not an hour later', async () => {
    const { client, trashed } = await firstRunWithTrash(data, 'jobs');
    expect(await purgedPromptly(data, client, trashed)).toBe(true);
  }, 90_000);
});

/**
 * Only one process opens the embedded database at a time, so a lease found in it at start-up was
 * held by a process that is gone (killed during a run). Left alone it would keep its job from
 * running for an hour or more.
 */
describe.runIf(!process.env.DATABASE_URL)('a lease left by a killed process, on the embedded database', () => {
  const data = serverDataSet('fileflow-jobs-lease-');

  it('is released at start-up: the trash is purged at once', async () => {
    const { client, trashed } = await firstRunWithTrash(data, 'lease');
    // As a process killed while purging leaves it: the purge's lease held for another day, its run due.
    const database = await openDatabase({ dataDir: data.dataDir });
    try {
      await database.db.execute(
        sql`update job_runs set locked_until = now() + interval '1 day', next_run_at = now() where name = 'purge-trash'`,
      );
    } finally {
      await database.close();
    }
    expect(await purgedPromptly(data, client, trashed)).toBe(true);
  }, 90_000);
});
