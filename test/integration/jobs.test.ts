import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { JobScheduler, type Job } from '../../src/server/jobs/scheduler.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { blobPath, children, sha256, storageOf } from '../helpers/files.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { FILEFLOW_TRASH_RETENTION: '1s' } });
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function trash(client: ApiClient, id: string): Promise<void> {
  const res = await client.delete(`/api/nodes/${id}`);
  expect(res.statusCode, res.body).toBe(200);
}

async function trashIds(client: ApiClient): Promise<string[]> {
  const res = await client.get('/api/trash');
  expect(res.statusCode).toBe(200);
  // The list says the retention it is kept for (FILEFLOW_TRASH_RETENTION=1s here).
  expect(res.json().retentionSeconds).toBe(1);
  return res.json().items.map((item: { id: string }) => item.id);
}

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const rows = await queryRows<{ n: string | number }>(t.database.db, query);
  return Number(rows[0]?.n ?? 0);
}

/** Writes an object straight into the local store, as a crash between storing and committing would leave it. */
async function plantObject(ageMs: number): Promise<string> {
  const content = randomBytes(32);
  const sha = sha256(content);
  const file = blobPath(t.dataDir, sha);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  const when = new Date(Date.now() - ageMs);
  await utimes(file, when, when);
  return file;
}

const runIfLocal = process.env.TEST_STORAGE === 's3' ? it.skip : it;

describe('retention purge', () => {
  it('deletes for good what was trashed longer ago than the retention, and keeps newer items', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Old');
    const oldContent = 'old content ' + Math.random();
    await alice.upload('old-inner.txt', oldContent, folder.id);
    const oldFile = await alice.upload('old.txt', 'old file ' + Math.random());
    const newFile = await alice.upload('new.txt', 'new file ' + Math.random());
    const live = await alice.upload('live.txt', 'live ' + Math.random());
    await trash(alice, folder.id);
    await trash(alice, oldFile.id);
    await sleep(1300);
    await trash(alice, newFile.id);

    const summary = await t.app.services.maintenance.purgeTrash();
    expect(summary).toMatch(/purged 2 /);
    expect(await trashIds(alice)).toEqual([newFile.id]);
    expect((await storageOf(alice)).storageUsed).toBe(newFile.size + live.size);
    expect(await count(sql`select count(*) as n from file_nodes where user_id = ${alice.user.id}`)).toBe(2);
    if (t.blobs.kind === 'local') {
      expect(existsSync(blobPath(t.dataDir, sha256(oldContent)))).toBe(false);
      expect(existsSync(blobPath(t.dataDir, oldFile.sha256))).toBe(false);
      expect(existsSync(blobPath(t.dataDir, newFile.sha256))).toBe(true);
    }
    expect((await alice.post(`/api/trash/${oldFile.id}/restore`)).statusCode).toBe(404);
    // The newer item is still restorable, and becomes due once it is old enough.
    await sleep(1100);
    expect(await t.app.services.maintenance.purgeTrash()).toMatch(/purged 1 /);
    expect(await trashIds(alice)).toEqual([]);
    expect((await storageOf(alice)).storageUsed).toBe(live.size);
    expect((await alice.get(`/api/files/${live.id}/content`)).statusCode).toBe(200);
  });

  it(
    'purges a folder of 2,500 files in batches, giving back every byte',
    async () => {
      const alice = await t.newUser();
      const folder = await alice.mkdir('Many');
      const first = await alice.mkdir('part0', folder.id);
      const started = Date.now();
      // 50 files uploaded with distinct contents, then the folder copied 49 times: 2,500 files,
      // each content shared by 50 of them (copies share content and are charged to the quota).
      let bytes = 0;
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const content = `content ${i}`;
          await alice.upload(`f${i}.txt`, content, first.id);
          bytes += Buffer.byteLength(content);
        }),
      );
      for (let i = 1; i < 50; i++) {
        const res = await alice.post(`/api/nodes/${first.id}/copy`, { parentId: folder.id, name: `part${i}` });
        expect(res.statusCode, res.body).toBe(201);
      }
      bytes *= 50;
      expect(await count(sql`select count(*) as n from file_nodes where user_id = ${alice.user.id} and type = 'file'`)).toBe(2500);
      const uploadMs = Date.now() - started;
      expect((await storageOf(alice)).storageUsed).toBe(bytes);
      await trash(alice, folder.id);
      await sleep(1100);
      const purgeStarted = Date.now();
      expect(await t.app.services.maintenance.purgeTrash()).toMatch(/purged 1 /);
      const purgeMs = Date.now() - purgeStarted;
      expect((await storageOf(alice)).storageUsed).toBe(0);
      expect(await count(sql`select count(*) as n from file_nodes where user_id = ${alice.user.id}`)).toBe(0);
      expect(await trashIds(alice)).toEqual([]);
      expect(await children(alice)).toEqual([]);
      const hashes = Array.from({ length: 50 }, (_, i) => sha256(`content ${i}`));
      expect(await count(sql`select count(*) as n from blobs where sha256 in (${sql.join(hashes.map((h) => sql`${h}`), sql`, `)})`)).toBe(0);
      if (t.blobs.kind === 'local') {
        expect(hashes.filter((h) => existsSync(blobPath(t.dataDir, h)))).toEqual([]);
      }
      console.log(`created 2500 files in ${uploadMs} ms, purged in ${purgeMs} ms`);
    },
    120_000,
  );
});

describe('retention purge racing restores', () => {
  it('never deletes what was restored meanwhile, and leaves restored items fully usable', async () => {
    const alice = await t.newUser();
    const files = [];
    for (let i = 0; i < 30; i++) {
      files.push(await alice.upload(`race${i}.txt`, `race ${i} ${Math.random()}`));
    }
    for (const file of files) {
      await trash(alice, file.id);
    }
    await sleep(1100);
    // Restore from the end while the purge works from its own order.
    const [, ...restores] = await Promise.all([
      t.app.services.maintenance.purgeTrash(),
      ...files
        .slice()
        .reverse()
        .map((file) => alice.post(`/api/trash/${file.id}/restore`)),
    ]);
    const restored = new Set(files.filter((_, i) => restores[files.length - 1 - i]!.statusCode === 200).map((f) => f.id));
    for (const res of restores) {
      expect([200, 404]).toContain(res.statusCode);
    }
    const liveNames = (await children(alice)).map((n) => n.id).sort();
    expect(liveNames).toEqual([...restored].sort());
    expect((await storageOf(alice)).storageUsed).toBe(files.filter((f) => restored.has(f.id)).reduce((sum, f) => sum + f.size, 0));
    // A restored item trashed again is an ordinary trash entry: listed, restorable, not purged early.
    expect(restored.size).toBeGreaterThan(0);
    const again = [...restored].slice(0, 5).sort();
    const trashedAgainAt = Date.now();
    for (const id of again) {
      await trash(alice, id);
    }
    expect((await trashIds(alice)).sort()).toEqual(again);
    await t.app.services.maintenance.purgeTrash();
    if (Date.now() - trashedAgainAt < 1000) {
      expect((await trashIds(alice)).sort()).toEqual(again);
      for (const id of again) {
        expect((await alice.post(`/api/trash/${id}/restore`)).statusCode).toBe(200);
      }
    }
  });
});

describe('blob collection', () => {
  runIfLocal('removes objects no row knows of once they are older than the grace period, and only those', async () => {
    const alice = await t.newUser();
    const kept = await alice.upload('kept.txt', 'referenced content ' + Math.random());
    const keptFile = blobPath(t.dataDir, kept.sha256);
    // Even a referenced object that is old stays.
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(keptFile, old, old);

    const stale = await plantObject(2 * 3600_000);
    const fresh = await plantObject(0);
    const summary = await t.app.services.maintenance.collectBlobs();
    expect(summary).toMatch(/1 orphaned objects/);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(keptFile)).toBe(true);
    expect((await alice.get(`/api/files/${kept.id}/content`)).statusCode).toBe(200);
  });

  it('removes content whose references are gone but whose object was left behind', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('x.txt', 'left behind ' + Math.random());
    // A crash between the commit that released the reference and the object deletion leaves this.
    await t.database.db.execute(sql`delete from file_nodes where id = ${file.id}`);
    await t.database.db.execute(sql`update blobs set ref_count = 0 where sha256 = ${file.sha256}`);
    await t.app.services.maintenance.collectBlobs();
    expect(await count(sql`select count(*) as n from blobs where sha256 = ${file.sha256}`)).toBe(0);
    expect(await t.blobs.exists(`blobs/${file.sha256.slice(0, 2)}/${file.sha256.slice(2, 4)}/${file.sha256}`)).toBe(false);
  });
});

describe('session expiry', () => {
  it('removes expired sessions and only those', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    expect((await alice.get('/api/me')).statusCode).toBe(200);
    await t.database.db.execute(sql`update sessions set expires_at = now() - interval '1 minute' where user_id = ${alice.user.id}`);
    // The server remembers valid sessions of the embedded database; this test changed one behind its back.
    t.app.services.credentialCache.clear();
    expect(await count(sql`select count(*) as n from sessions where user_id = ${alice.user.id}`)).toBe(1);
    // An expired session no longer signs anyone in, even before the job runs.
    expect((await alice.get('/api/me')).statusCode).toBe(401);
    expect(await t.app.services.maintenance.expireSessions()).toMatch(/deleted [1-9]\d* expired sessions/);
    expect(await count(sql`select count(*) as n from sessions where user_id = ${alice.user.id}`)).toBe(0);
    expect(await count(sql`select count(*) as n from sessions where user_id = ${bob.user.id}`)).toBe(1);
    expect((await bob.get('/api/me')).statusCode).toBe(200);
  });
});

describe('job leases', () => {
  it('lets exactly one of two concurrent claims win, and none while the lease is held or the run is not due', async () => {
    const leases = t.app.services.jobLeases;
    const results = await Promise.all([leases.claim('test-job', 60_000, 60_000), leases.claim('test-job', 60_000, 60_000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await leases.claim('test-job', 60_000, 60_000)).toBe(false);
    await leases.finish('test-job', 'done');
    // Finished, but the next run is not due yet.
    expect(await leases.claim('test-job', 60_000, 60_000)).toBe(false);
  });

  it('lets a lease lapse: a crashed holder does not block the job for ever', async () => {
    const leases = t.app.services.jobLeases;
    expect(await leases.claim('lapsing-job', 1, 50)).toBe(true);
    expect(await leases.claim('lapsing-job', 1, 50)).toBe(false);
    await sleep(120);
    expect(await leases.claim('lapsing-job', 1, 50)).toBe(true);
  });

  it('brings a stored next run forward to the interval it is claimed with, never back', async () => {
    const leases = t.app.services.jobLeases;
    expect(await leases.claim('shrinking-job', 3600_000, 60_000)).toBe(true);
    await leases.finish('shrinking-job', 'done');
    expect(await leases.claim('shrinking-job', 3600_000, 60_000)).toBe(false);
    // A process with a 50 ms interval: due 50 ms after the last start, not an hour after it.
    await sleep(120);
    expect(await leases.claim('shrinking-job', 50, 60_000)).toBe(true);
    await leases.finish('shrinking-job', 'done');
    // A longer interval does not push the stored time back.
    await sleep(120);
    expect(await leases.claim('shrinking-job', 3600_000, 60_000)).toBe(true);
  });

  it('runs each job once per period across two schedulers', async () => {
    const runs: string[] = [];
    const jobs: Job[] = [
      {
        name: 'count-a',
        run: async () => {
          runs.push('a');
          await sleep(20);
          return 'ok';
        },
      },
      { name: 'count-b', run: async () => (runs.push('b'), 'ok') },
    ];
    const log = { debug: () => undefined, info: () => undefined, error: () => undefined };
    const one = new JobScheduler(jobs, t.app.services.jobLeases, 3600_000, log);
    const two = new JobScheduler(jobs, t.app.services.jobLeases, 3600_000, log);
    await Promise.all([one.runDue(), two.runDue(), one.runDue()]);
    expect(runs.sort()).toEqual(['a', 'b']);
    await two.runDue();
    expect(runs).toHaveLength(2);
    const row = await queryRows<{ last_result: string | null }>(t.database.db, sql`select last_result from job_runs where name = 'count-a'`);
    expect(row[0]?.last_result).toBe('ok');
  });

  it('runs a job with a shorter interval of its own that often, and the others once per period', async () => {
    const runs: string[] = [];
    const jobs: Job[] = [
      { name: 'often-job', everyMs: 60_000, run: async () => (runs.push('often'), 'nothing'), idle: (summary) => summary === 'nothing' },
      { name: 'hourly-job', run: async () => (runs.push('hourly'), 'ok') },
    ];
    const logged: Array<[level: string, job: unknown]> = [];
    const logAt = (level: string) => (...args: unknown[]) => void logged.push([level, (args[0] as { job: string }).job]);
    const log = { debug: logAt('debug'), info: logAt('info'), error: () => undefined };
    const scheduler = new JobScheduler(jobs, t.app.services.jobLeases, 3600_000, log);
    await scheduler.runDue();
    await scheduler.runDue();
    expect(runs.sort()).toEqual(['hourly', 'often']);
    // Each next run is one interval of its own ahead (less a tenth of the minute's tick).
    const ahead = async () =>
      Object.fromEntries(
        (
          await queryRows<{ name: string; s: number }>(
            t.database.db,
            sql`select name, extract(epoch from next_run_at - now())::float8 as s from job_runs where name in ('often-job', 'hourly-job')`,
          )
        ).map((row) => [row.name, Number(row.s)]),
      );
    const first = await ahead();
    expect(first['often-job']).toBeGreaterThan(50);
    expect(first['often-job']).toBeLessThanOrEqual(55);
    expect(first['hourly-job']).toBeGreaterThan(3590);
    // A minute later (the stored times moved back one), only the frequent job is due.
    await t.database.db.execute(sql`
      update job_runs set next_run_at = next_run_at - interval '60 seconds', last_started_at = last_started_at - interval '60 seconds'
      where name in ('often-job', 'hourly-job')`);
    await scheduler.runDue();
    expect(runs.sort()).toEqual(['hourly', 'often', 'often']);
    // The frequent job's runs that did nothing are logged at debug, the others at info.
    expect(logged).toEqual([
      ['debug', 'often-job'],
      ['info', 'hourly-job'],
      ['debug', 'often-job'],
    ]);
  });
});
