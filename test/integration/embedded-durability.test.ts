import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, queryRows } from '../../src/server/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

// The embedded database on disk must make a commit durable before the client hears of it, as a
// PostgreSQL server does: PGlite on its own never fsyncs (src/server/db/durable-node-fs.ts).

const embedded = !process.env.DATABASE_URL;
// Which file a descriptor is, read from /proc: Linux only.
const canNameDescriptors = fs.existsSync('/proc/self/fd');

let t: TestApp;
beforeAll(async () => {
  if (embedded) {
    t = await createTestApp({ persistent: true });
  }
});
afterAll(async () => {
  await t?.close();
});

/** The files fsynced while `work` runs, as paths relative to the database's directory. */
async function filesSyncedDuring(work: () => Promise<unknown>): Promise<string[]> {
  const synced: string[] = [];
  const fsync = fs.fsyncSync;
  const spy = vi.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
    synced.push(readlinkSync(`/proc/self/fd/${fd}`));
    fsync(fd);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  const root = fs.realpathSync(`${t.dataDir}/db`);
  return synced.map((file) => (file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file));
}

describe.runIf(embedded)('the embedded database on disk', () => {
  it('runs with fsync on, the log synced by fsync', async () => {
    const settings = await queryRows<{ name: string; setting: string }>(
      t.database.db,
      sql`select name, setting from pg_settings where name in ('fsync', 'wal_sync_method') order by name`,
    );
    expect(settings).toEqual([
      { name: 'fsync', setting: 'on' },
      { name: 'wal_sync_method', setting: 'fsync' },
    ]);
  });

  it.runIf(canNameDescriptors)('syncs the write-ahead log to disk before a write is answered', async () => {
    const alice = await t.newUser();
    const synced = await filesSyncedDuring(async () => {
      expect((await alice.post('/api/folders', { name: 'Kept', parentId: null })).statusCode).toBe(201);
    });
    expect(synced.some((file) => /^pg_wal\/[0-9A-F]{24}$/.test(file))).toBe(true);
  });

  it.runIf(canNameDescriptors)('syncs every file of a new database once, which PostgreSQL itself never would', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fileflow-durable-'));
    try {
      let handle: Awaited<ReturnType<typeof openDatabase>> | undefined;
      const synced = await filesSyncedDuring(async () => {
        handle = await openDatabase({ dataDir });
      });
      await handle!.close();
      const db = fs.realpathSync(path.join(dataDir, 'db'));
      const relative = synced.map((file) => (file.startsWith(`${db}/`) ? file.slice(db.length + 1) : file));
      expect(relative).toEqual(expect.arrayContaining(['PG_VERSION', 'base', 'global', db, fs.realpathSync(dataDir)]));
      expect(relative.filter((file) => file.startsWith('base/')).length).toBeGreaterThan(100);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops the process when a sync fails, rather than going on with what may not be on disk', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fileflow-durable-'));
    try {
      const script = `
        import fs from 'node:fs';
        import { sql } from 'drizzle-orm';
        import { openDatabase } from './src/server/db/client.ts';
        const handle = await openDatabase({ dataDir: process.env.DURABLE_DIR });
        fs.fsyncSync = () => { throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }); };
        await handle.db.execute(sql\`create table lost (id int)\`);
        console.log('the commit was acknowledged');
      `;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, DURABLE_DIR: dataDir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.stdout).not.toContain('acknowledged');
      expect(child.stderr).toContain('FileFlow stops: the embedded database could not sync a file to disk (EIO: i/o error, fsync)');
      expect(child.status).toBe(1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(canNameDescriptors)('syncs the data files at a checkpoint', async () => {
    const alice = await t.newUser();
    await alice.mkdir('Checkpointed');
    const synced = await filesSyncedDuring(() => t.database.db.execute(sql`checkpoint`));
    expect(synced.some((file) => file.startsWith('base/'))).toBe(true);
  });
});
