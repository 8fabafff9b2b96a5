import { describe, expect, it } from 'vitest';
import { HttpClient, serverDataSet } from '../helpers/server-process.js';

/**
 * The next run of each job is kept in the database (job_runs), set with the interval of the
 * process that ran it last. A server restarted with a shorter FILEFLOW_JOB_INTERVAL must use it
 * at once, not after the old, longer interval has passed.
 */
describe('a shorter FILEFLOW_JOB_INTERVAL after a restart', () => {
  const data = serverDataSet('fileflow-jobs-restart-');
  const start = (env: Record<string, string> = {}) => data.start({ FILEFLOW_STORAGE: 'local', ...env });

  it('applies at once: the trash is purged promptly, not an hour later', async () => {
    // First run: the default interval (1h) and retention (30d). The jobs run once at start-up and
    // store their next run an hour ahead.
    let server = await start();
    const client = new HttpClient(server.url);
    const tag = Date.now().toString(36);
    expect(
      (await client.json('POST', '/api/auth/register', { username: `jobs${tag}`, email: `jobs${tag}@example.test`, password: 'correct horse battery' }))
        .status,
    ).toBe(201);
    const folder = (await (await client.json('POST', '/api/folders', { name: 'soon gone' })).json()) as { id: string };
    expect((await client.send('DELETE', `/api/nodes/${folder.id}`)).status).toBe(200);
    const trashed = async () => ((await (await client.send('GET', '/api/trash')).json()) as { items: unknown[] }).items.length;
    expect(await trashed()).toBe(1);
    expect(await server.stop()).toBe(0);

    // Second run on the same data: jobs every second, trash kept one second.
    server = await start({ FILEFLOW_JOB_INTERVAL: '1s', FILEFLOW_TRASH_RETENTION: '1s' });
    client.base = server.url;
    const deadline = Date.now() + 10_000;
    while ((await trashed()) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await trashed()).toBe(0);
  }, 90_000);
});
