import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, dropPostgresDatabase, POSTGRES_URL } from '../helpers/database.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

// Several workers need PostgreSQL: this suite runs in the DATABASE_URL pass of CI.
describe.runIf(POSTGRES_URL)('three workers on PostgreSQL and S3', () => {
  let s3: TestS3;
  let databaseUrl: string;
  let server: ServerProcess;
  const QUOTA = 10_000;

  beforeAll(async () => {
    s3 = await startS3();
    databaseUrl = await createPostgresDatabase();
    server = await startServerProcess({
      ...s3.env,
      DATABASE_URL: databaseUrl,
      FILEFLOW_WORKERS: '3',
      FILEFLOW_DEFAULT_QUOTA: String(QUOTA),
      FILEFLOW_DATA_DIR: `/tmp/fileflow-workers-${process.pid}`,
    });
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    await dropPostgresDatabase(databaseUrl);
    await s3.stop();
  });

  it('keeps sessions, quotas, dedup and purges exact across processes', async () => {
    const alice = new HttpClient(server.url);
    const email = `w${Date.now()}@example.test`;
    expect((await alice.json('POST', '/api/auth/register', { username: `w${Date.now()}`, email, password: 'correct horse battery' })).status).toBe(201);

    // 40 uploads of 500 distinct bytes race against a 10,000-byte quota over many connections.
    const shared = randomBytes(500);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        alice.send('PUT', `/api/files/content?name=f${i}.bin`, i % 4 === 0 ? shared : randomBytes(500), {
          'content-type': 'application/octet-stream',
        }),
      ),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.every((status) => status === 201 || status === 507)).toBe(true);
    expect(statuses.filter((status) => status === 201)).toHaveLength(QUOTA / 500);

    const me = (await (await alice.send('GET', '/api/me')).json()) as { storageUsed: number };
    const listing = (await (await alice.send('GET', '/api/folders/root/children?limit=1000')).json()) as { items: Array<{ size: number; id: string; sha256: string }> };
    expect(me.storageUsed).toBe(listing.items.reduce((sum, item) => sum + item.size, 0));
    expect(me.storageUsed).toBe(QUOTA);

    // Every stored file reads back with its hash, whichever worker answers.
    for (const item of listing.items.slice(0, 10)) {
      const res = await alice.send('GET', `/api/files/${item.id}/content`);
      expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')).toBe(item.sha256);
    }

    // Trash everything, then three workers empty the trash at once.
    await Promise.all(listing.items.map((item) => alice.send('DELETE', `/api/nodes/${item.id}`)));
    const purges = await Promise.all([1, 2, 3].map(() => alice.send('DELETE', '/api/trash')));
    expect(purges.every((res) => res.status === 204)).toBe(true);
    const after = (await (await alice.send('GET', '/api/me')).json()) as { storageUsed: number };
    expect(after.storageUsed).toBe(0);
    expect(((await (await alice.send('GET', '/api/trash')).json()) as { items: unknown[] }).items).toEqual([]);

    // The session lives in the database: a new login works on any worker, logout revokes it everywhere.
    const again = new HttpClient(server.url);
    expect((await again.json('POST', '/api/auth/login', { email, password: 'correct horse battery' })).status).toBe(200);
    expect((await again.send('POST', '/api/auth/logout')).status).toBe(204);
    const revoked = await Promise.all([1, 2, 3, 4, 5, 6].map(() => again.send('GET', '/api/me')));
    expect(revoked.every((res) => res.status === 401)).toBe(true);
  }, 120_000);

  it('shows a change made through one worker in the next listing and search from every worker', async () => {
    const bob = new HttpClient(server.url);
    const stamp = `${Date.now()}b`;
    expect((await bob.json('POST', '/api/auth/register', { username: `w${stamp}`, email: `w${stamp}@example.test`, password: 'correct horse battery' })).status).toBe(201);
    const folder = (await (await bob.json('POST', '/api/folders', { name: 'f0' })).json()) as { id: string };
    const put = await bob.send('PUT', `/api/files/content?name=v0.txt&parentId=${folder.id}`, 'v', { 'content-type': 'application/octet-stream' });
    const file = (await put.json()) as { id: string };
    // Many requests at once open many connections, which the workers share out between them.
    const namesSeen = async () => {
      const listings = await Promise.all(Array.from({ length: 12 }, () => bob.send('GET', `/api/folders/${folder.id}/children`)));
      const searches = await Promise.all(Array.from({ length: 12 }, () => bob.send('GET', '/api/search?q=.txt')));
      return [
        ...(await Promise.all(listings.map(async (res) => ((await res.json()) as { items: Array<{ name: string }> }).items.map((item) => item.name).join()))),
        ...(await Promise.all(searches.map(async (res) => ((await res.json()) as { results: Array<{ path: string }> }).results.map((item) => item.path).join()))),
      ];
    };
    for (let round = 1; round <= 5; round++) {
      // Each worker keeps the page it answered...
      await namesSeen();
      await namesSeen();
      // ...and a rename through any one of them shows in every worker's next answer: a file's
      // name, then its folder's (which every worker's next search puts in the file's path).
      expect((await bob.json('PATCH', `/api/nodes/${file.id}`, { name: `v${round}.txt` })).status).toBe(200);
      expect(new Set(await namesSeen())).toEqual(new Set([`v${round}.txt`, `/f${round - 1}/v${round}.txt`]));
      expect((await bob.json('PATCH', `/api/nodes/${folder.id}`, { name: `f${round}` })).status).toBe(200);
      expect(new Set(await namesSeen())).toEqual(new Set([`v${round}.txt`, `/f${round}/v${round}.txt`]));
    }
  }, 60_000);

  it('answers or closes every connection when a worker dies, none held open by the primary', async () => {
    const workers = () => workerPids(server.child.pid ?? 0);
    const [victim] = workers();
    expect(workers()).toHaveLength(3);
    // A stopped worker takes no connection off the others, so the window in which one is handed
    // to a worker about to die is wide open; then it dies (kill -9) with whatever it was given.
    process.kill(victim ?? 0, 'SIGSTOP');
    let killed = false;
    try {
      const answers = Promise.all(Array.from({ length: 8 }, () => healthOnNewConnection(server.url, 10_000)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      process.kill(victim ?? 0, 'SIGKILL');
      killed = true;
      // Each one is answered, or refused at once, whichever worker it reached: none waits for ever.
      expect((await answers).filter((outcome) => outcome === 'no answer')).toEqual([]);
    } finally {
      if (!killed) {
        process.kill(victim ?? 0, 'SIGKILL');
      }
    }
    // The primary starts another in its place.
    expect(await workersReplacing(server.child.pid ?? 0, [victim ?? 0])).toHaveLength(3);
  }, 60_000);

  it('replaces a worker that dies while the store is out of reach, and serves through the outage', async () => {
    const workers = () => workerPids(server.child.pid ?? 0).sort();
    const before = workers();
    expect(before).toHaveLength(3);
    await s3.pause();
    try {
      process.kill(before[0] ?? 0, 'SIGKILL');
      const replaced = (await workersReplacing(server.child.pid ?? 0, [before[0] ?? 0])).sort();
      // The replacement starts and stays, however long the outage (a refused start would be
      // followed by another each second, each refused in turn).
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(workers()).toEqual(replaced);
      expect(replaced).toHaveLength(3);
      expect(server.output()).not.toMatch(/cannot start/);
      const healths = await Promise.all(Array.from({ length: 9 }, () => fetch(`${server.url}/api/health`, { headers: { connection: 'close' } })));
      expect(healths.map((res) => res.status)).toEqual(Array.from({ length: 9 }, () => 503));
    } finally {
      await s3.resume();
    }
    const healths = await Promise.all(Array.from({ length: 9 }, () => fetch(`${server.url}/api/health`, { headers: { connection: 'close' } })));
    expect(healths.map((res) => res.status)).toEqual(Array.from({ length: 9 }, () => 200));
  }, 60_000);

  it('starts every worker again when all die at once, instead of exiting', async () => {
    const workers = () => workerPids(server.child.pid ?? 0).sort();
    const before = workers();
    expect(before).toHaveLength(3);
    // The OOM killer's way: every worker gone together, nothing left listening.
    for (const pid of before) {
      process.kill(pid, 'SIGKILL');
    }
    expect(await workersReplacing(server.child.pid ?? 0, before)).toHaveLength(3);
    expect(server.child.exitCode).toBeNull();
    // Started is not yet serving: wait until one answers, then every one must.
    for (let tries = 0; tries < 300; tries++) {
      const res = await fetch(`${server.url}/api/health`, { headers: { connection: 'close' } }).catch(() => null);
      if (res?.status === 200) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const healths = await Promise.all(Array.from({ length: 6 }, () => fetch(`${server.url}/api/health`, { headers: { connection: 'close' } })));
    expect(healths.map((res) => res.status)).toEqual(Array.from({ length: 6 }, () => 200));
  }, 60_000);

  it('stops gracefully on SIGTERM', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
  }, 40_000);
});

/** The live server processes `parent` started (Linux /proc): a cluster primary's workers, not tsx's esbuild. */
function workerPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its ')'.
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ');
      const isServer = readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('server/main');
      if (fields?.[1] === String(parent) && fields[0] !== 'Z' && isServer) {
        pids.push(Number(entry));
      }
    } catch {
      // not a process, or it ended meanwhile
    }
  }
  return pids;
}

/**
 * The workers once the primary has replaced those of `gone` (killed by the test): three live ones,
 * none of them gone, read in one look at /proc (two looks could see a killed worker still running
 * in the first and already ended in the second, and stop with only two). Up to 30 s.
 */
async function workersReplacing(parent: number, gone: readonly number[]): Promise<number[]> {
  let now = workerPids(parent);
  for (let tries = 0; tries < 300 && (now.length !== 3 || now.some((pid) => gone.includes(pid))); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = workerPids(parent);
  }
  return now;
}

/** GET /api/health on a connection of its own: 'answered', 'refused' (reset or closed) or 'no answer' within `timeoutMs`. */
function healthOnNewConnection(base: string, timeoutMs: number): Promise<'answered' | 'refused' | 'no answer'> {
  return new Promise((resolve) => {
    const req = request(`${base}/api/health`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve('answered'));
      res.on('error', () => resolve('refused'));
    });
    req.setTimeout(timeoutMs, () => {
      resolve('no answer');
      req.destroy();
    });
    req.on('error', () => resolve('refused'));
    req.end();
  });
}
