import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/client.js';
import { HttpClient, PASSWORD, runServerUntilExit, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/**
 * PGlite lets any number of processes open one database directory, and two writing it corrupt
 * it: the embedded database is claimed by one process at a time (db.lock in the data directory).
 */
describe.runIf(!process.env.DATABASE_URL)('one process at a time on the embedded database', () => {
  let dataDir = '';
  const running: ServerProcess[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fileflow-lock-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.stop('SIGKILL')));
    await rm(dataDir, { recursive: true, force: true });
  });
  const env = () => ({ FILEFLOW_DATA_DIR: dataDir, DATABASE_URL: '', FILEFLOW_STORAGE: 'local' });
  const start = async () => {
    const server = await startServerProcess(env());
    running.push(server);
    return server;
  };

  it('refuses a second server on the same data directory, which leaves the first serving; a clean stop frees it', async () => {
    const first = await start();
    const client = new HttpClient(first.url);
    const tag = Date.now().toString(36);
    expect((await client.register(`lock${tag}`)).status).toBe(201);
    const second = await runServerUntilExit(env());
    expect(second.code).toBe(1);
    expect(second.output).toContain(`is in use by process ${first.child.pid}`);
    expect((await client.json('POST', '/api/folders', { name: 'still mine' })).status).toBe(201);
    expect(await first.stop()).toBe(0);
    const again = await start();
    client.base = again.url;
    expect((await client.json('POST', '/api/auth/login', { email: `lock${tag}@example.test`, password: PASSWORD })).status).toBe(200);
    const listing = (await (await client.send('GET', '/api/folders/root/children')).json()) as { items: Array<{ name: string }> };
    expect(listing.items.map((item) => item.name)).toEqual(['still mine']);
  }, 90_000);

  it('takes over the claim of a process that was killed', async () => {
    const first = await start();
    const holder = first.child.pid;
    await first.stop('SIGKILL');
    expect(await readFile(path.join(dataDir, 'db.lock'), 'utf8')).toBe(`${holder}\n`);
    const second = await start();
    expect((await fetch(`${second.url}/api/health`)).status).toBe(200);
  }, 90_000);

  it('refuses a second opening in the same process until the first is closed', async () => {
    const database = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toThrow(/is in use by this process already/);
    await database.close();
    const reopened = await openDatabase({ dataDir });
    await reopened.close();
  });
});
