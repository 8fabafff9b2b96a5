import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contentKey } from '../../src/server/blobs/blob-store.js';
import { queryRows } from '../../src/server/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { ApiClient } from '../helpers/client.js';
import { POSTGRES_URL } from '../helpers/database.js';
import { blobPath, eventually, readZip } from '../helpers/files.js';
import { HttpClient, serverDataSet } from '../helpers/server-process.js';
import { checkInvariants } from '../helpers/invariants.js';

// A zip reads each file's content only when it reaches it. A file deleted for good meanwhile (its
// content then unreferenced) must still arrive whole in an archive that had started: the archive
// leases the content it will read, and the content goes once the archive is done with it.

const MIB = 1024 * 1024;

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

/** A folder whose first file is big enough that a paused reader keeps the archive from reaching the second. */
async function folderOfTwo(owner: ApiClient) {
  const folder = await owner.mkdir(`zip-${randomBytes(4).toString('hex')}`);
  const first = randomBytes(8 * MIB);
  const second = randomBytes(64 * 1024 + 3);
  await owner.upload('a-first.bin', first, folder.id);
  const later = await owner.upload('b-later.bin', second, folder.id);
  return { folder, first, second, later };
}

/** Starts a zip download over a real socket and pauses it once the answer has begun. */
function startPaused(owner: ApiClient, path: string): Promise<{ request: http.ClientRequest; response: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { cookie: owner.cookie! } }, (response) => {
      response.pause();
      resolve({ request, response });
    });
    request.on('error', reject);
  });
}

function readRest(response: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.resume();
  });
}

async function deleteForGood(owner: ApiClient, id: string): Promise<void> {
  expect((await owner.delete(`/api/nodes/${id}`)).statusCode).toBe(200);
  expect((await owner.delete(`/api/trash/${id}`)).statusCode).toBe(204);
}

describe('a file deleted for good while an archive is being read', () => {
  it('still arrives whole in that archive, and its content is removed once the archive is done', async () => {
    const alice = await t.newUser();
    const { folder, first, second, later } = await folderOfTwo(alice);
    const { response } = await startPaused(alice, `/api/folders/${folder.id}/zip`);
    expect(response.statusCode).toBe(200);

    await deleteForGood(alice, later.id);
    // Gone from the tree at once; its content stays while the archive may still read it.
    expect((await alice.get(`/api/nodes/${later.id}`)).statusCode).toBe(404);
    expect(await t.blobs.exists(contentKey(later.sha256))).toBe(true);

    const body = await readRest(response);
    expect(body.length).toBe(Number(response.headers['content-length']));
    const entries = new Map(readZip(body).map((entry) => [entry.name, entry.content]));
    expect(entries.get('a-first.bin')?.equals(first)).toBe(true);
    expect(entries.get('b-later.bin')?.equals(second)).toBe(true);

    // Done with it: the content nothing references goes.
    expect(await eventually(() => t.blobs.exists(contentKey(later.sha256)), (exists) => !exists)).toBe(false);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('is removed once a client abandons the archive part-way', async () => {
    const alice = await t.newUser();
    const { folder, later } = await folderOfTwo(alice);
    const { request, response } = await startPaused(alice, `/api/folders/${folder.id}/zip`);
    expect(response.statusCode).toBe(200);
    await deleteForGood(alice, later.id);
    expect(await t.blobs.exists(contentKey(later.sha256))).toBe(true);

    request.destroy();
    expect(await eventually(() => t.blobs.exists(contentKey(later.sha256)), (exists) => !exists)).toBe(false);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('keeps content shared with another user’s file as long as that file uses it', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const { folder, second, later } = await folderOfTwo(alice);
    const bobs = await bob.upload('same.bin', second);
    const { response } = await startPaused(alice, `/api/folders/${folder.id}/zip`);
    await deleteForGood(alice, later.id);
    await readRest(response);
    // The archive's end collects only what nothing references.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await t.blobs.exists(contentKey(later.sha256))).toBe(true);
    expect((await bob.get(`/api/files/${bobs.id}/content`)).rawPayload.equals(second)).toBe(true);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});

describe('a lease whose process died', () => {
  it('keeps its content from collection until it runs out; the periodic collection then takes the content and the lease', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('leased.bin', randomBytes(1000));
    // Another worker's zip that read this file, then died: its lease is left, renewed no more.
    const leaseId = randomUUID();
    await t.database.db.execute(
      sql`insert into content_leases (lease_id, expires_at, sha256s) values (${leaseId}, now() + interval '10 minutes', ${`${'0'.repeat(64)},${file.sha256}`})`,
    );
    await deleteForGood(alice, file.id);
    await t.app.services.maintenance.collectBlobs();
    expect(await t.blobs.exists(contentKey(file.sha256))).toBe(true);

    await t.database.db.execute(sql`update content_leases set expires_at = now() - interval '1 second' where lease_id = ${leaseId}`);
    await t.app.services.maintenance.collectBlobs();
    expect(await t.blobs.exists(contentKey(file.sha256))).toBe(false);
    expect(await queryRows(t.database.db, sql`select 1 from content_leases where lease_id = ${leaseId}`)).toEqual([]);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});


describe('a lease that ran out while its archive went on (the database out of reach longer than a lease lasts)', () => {
  it('is leased again at the next renewal, so a file deleted for good afterwards still arrives', async () => {
    // Only the renewal's timer is faked: the lease is made once the zip starts, after this.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const alice = await t.newUser();
      const { folder, first, second, later } = await folderOfTwo(alice);
      const { response } = await startPaused(alice, `/api/folders/${folder.id}/zip`);
      expect(response.statusCode).toBe(200);
      const leaseOf = () =>
        queryRows<{ lease_id: string }>(t.database.db, sql`select lease_id from content_leases where position(${later.sha256} in sha256s) > 0`);
      const [lease] = await leaseOf();
      expect(lease).toBeDefined();
      // Renewals failed for longer than it lasted, and the periodic job deleted it as a dead process's.
      await t.database.db.execute(sql`delete from content_leases where lease_id = ${lease!.lease_id}`);

      vi.advanceTimersByTime(120_000);
      expect(await eventually(leaseOf, (rows) => rows.length === 1)).toEqual([{ lease_id: lease!.lease_id }]);

      await deleteForGood(alice, later.id);
      expect(await t.blobs.exists(contentKey(later.sha256))).toBe(true);
      const entries = new Map(readZip(await readRest(response)).map((entry) => [entry.name, entry.content]));
      expect(entries.get('a-first.bin')?.equals(first)).toBe(true);
      expect(entries.get('b-later.bin')?.equals(second)).toBe(true);
      expect(await eventually(() => t.blobs.exists(contentKey(later.sha256)), (exists) => !exists)).toBe(false);
      expect(await eventually(leaseOf, (rows) => rows.length === 0)).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('an archive that is built but never sent', () => {
  it('ends its lease when a share link is used up between its check and its count (410)', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir(`shared-${randomBytes(4).toString('hex')}`);
    const file = await alice.upload('only.bin', randomBytes(5000), folder.id);
    const link = (await alice.post('/api/shares', { nodeId: folder.id, maxDownloads: 1 })).json<{ id: string; token: string }>();
    // Another download takes the link's last count while this one builds its archive.
    const shares = t.app.services.shares;
    const archive = shares.archive.bind(shares);
    const spy = vi.spyOn(shares, 'archive').mockImplementationOnce(async (...args) => {
      const built = await archive(...args);
      await t.database.db.execute(sql`update shares set access_count = access_count + 1 where id = ${link.id}`);
      return built;
    });
    try {
      const res = await t.anonymous.get(`/api/public/shares/${link.token}/zip`);
      expect(res.statusCode).toBe(410);
      expect(res.json().error.code).toBe('share_exhausted');
    } finally {
      spy.mockRestore();
    }
    // Nothing holds the content any more: deleting the file for good removes it.
    await deleteForGood(alice, file.id);
    expect(await eventually(() => t.blobs.exists(contentKey(file.sha256)), (exists) => !exists)).toBe(false);
    expect(await queryRows(t.database.db, sql`select 1 from content_leases`)).toEqual([]);
  });
});

describe.runIf(POSTGRES_URL)('a lease that ends while a collector holds its content (PostgreSQL)', () => {
  it('lets the content go once that collector is done', async () => {
    const alice = await t.newUser();
    const { folder, later } = await folderOfTwo(alice);
    const { response } = await startPaused(alice, `/api/folders/${folder.id}/zip`);
    await deleteForGood(alice, later.id);
    expect(await t.blobs.exists(contentKey(later.sha256))).toBe(true);

    // A collector (another zip's end, a purge) has locked the content, taken the leases lock and
    // found the content leased by the archive above: it will leave it.
    const collector = new pg.Client({ connectionString: t.database.url });
    await collector.connect();
    try {
      await collector.query('begin');
      const locked = await collector.query('select sha256 from blobs where sha256 = $1 and ref_count = 0 for update skip locked', [later.sha256]);
      expect(locked.rowCount).toBe(1);
      await collector.query(`select pg_advisory_xact_lock(hashtextextended('content-leases', 0))`);
      const leased = await collector.query(
        `select 1 from content_leases where expires_at > now() and $1 = any(string_to_array(sha256s, ','))`,
        [later.sha256],
      );
      expect(leased.rowCount).toBe(1);
      // Meanwhile the archive ends: its lease goes, and with it the last thing keeping the content.
      await readRest(response);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await collector.query('commit');
    } finally {
      await collector.end();
    }
    expect(await eventually(() => t.blobs.exists(contentKey(later.sha256)), (exists) => !exists)).toBe(false);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});

describe('zips that start while files are deleted for good and content is collected', () => {
  // On PostgreSQL a second app on the same database and store deletes and collects, as another
  // worker would; on the embedded database, which one process opens, the same app does.
  let other: TestApp;
  beforeAll(async () => {
    other = POSTGRES_URL ? await createTestApp({ databaseUrl: t.database.url, dataDir: t.dataDir, s3: t.s3 }) : t;
  });
  afterAll(async () => {
    if (other !== t) {
      await other.stop();
    }
  });

  it('each arrive whole, and once they are done no content is left that nothing references', async () => {
    const alice = await t.newUser();
    const aliceThere = new ApiClient(other.app);
    aliceThere.cookie = alice.cookie;
    // Every name's content, and for a replaced file its content before and after.
    const contents = new Map<string, Buffer[]>();
    const zips: Array<{ response: http.IncomingMessage; all: boolean }> = [];
    const startZip = async (path: string, all = false) => {
      const { response } = await startPaused(alice, path);
      expect(response.statusCode).toBe(200);
      zips.push({ response, all });
    };

    // A first file big enough that a paused archive is still reading it while the others go
    // (socket buffers take a few MiB).
    const first = randomBytes(8 * MIB);
    for (let round = 0; round < 4; round += 1) {
      const folder = await alice.mkdir(`round-${round}`);
      contents.set(`r${round}-0.bin`, [first]);
      await alice.upload(`r${round}-0.bin`, first, folder.id);
      const files = [];
      for (let i = 1; i <= 10; i += 1) {
        // Two names of a round share their content, and content is shared with the round before.
        const content = i === 10 ? contents.get(`r${round}-9.bin`)![0]! : i === 1 && round > 0 ? contents.get(`r${round - 1}-1.bin`)![0]! : randomBytes(1000 + i * 4096);
        contents.set(`r${round}-${i}.bin`, [content]);
        files.push(await alice.upload(`r${round}-${i}.bin`, content, folder.id));
      }
      // One archive that has started, the others starting while files go, through the other app.
      await startZip(`/api/folders/${folder.id}/zip`, true);
      const replacement = randomBytes(7000);
      contents.get(`r${round}-2.bin`)!.push(replacement);
      await Promise.all([
        startZip(`/api/folders/${folder.id}/zip`),
        ...files.slice(3).map(async (file, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * 3));
          expect((await aliceThere.delete(`/api/nodes/${file.id}`)).statusCode).toBe(200);
          expect((await aliceThere.delete(`/api/trash/${file.id}`)).statusCode).toBe(204);
        }),
        startZip(`/api/zip?ids=${folder.id}`),
        aliceThere.putFile(`r${round}-2.bin`, replacement, { parentId: folder.id, conflict: 'replace' }).then((res) => expect(res.statusCode).toBe(201)),
        other.app.services.maintenance.collectBlobs(),
        startZip(`/api/folders/${folder.id}/zip`),
      ]);
      await other.app.services.maintenance.collectBlobs();
    }

    // Only now are the archives read on: each was paused in its first file until here.
    try {
      expect(zips).toHaveLength(16);
      for (const { response, all } of zips) {
        // A cut-off archive fails the length check rather than the run.
        const body = await readRest(response).catch(() => Buffer.alloc(0));
        expect(body.length).toBe(Number(response.headers['content-length']));
        const entries = readZip(body).filter((entry) => !entry.name.endsWith('/'));
        expect(entries.length).toBeGreaterThanOrEqual(all ? 11 : 4);
        for (const entry of entries) {
          const name = entry.name.split('/').pop()!;
          expect(contents.get(name)?.some((content) => content.equals(entry.content)), entry.name).toBe(true);
        }
      }
    } finally {
      // After a failure, the archives not read would hold the app's close.
      for (const { response } of zips) {
        response.destroy();
      }
    }
    // The archives' ends took what only they kept; nothing is left for the periodic collection.
    expect(await eventually(() => queryRows(t.database.db, sql`select 1 from content_leases`), (rows) => rows.length === 0)).toEqual([]);
    // (An archive's end collects after its lease is gone: on S3 that takes a moment.)
    expect(await eventually(() => queryRows(t.database.db, sql`select sha256 from blobs where ref_count = 0`), (rows) => rows.length === 0)).toEqual([]);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
    const referenced = await queryRows<{ n: number | string }>(t.database.db, sql`select count(*) as n from blobs`);
    expect(await t.storedBlobCount()).toBe(Number(referenced[0]!.n));
  });
});

// The embedded database is opened by one process at a time: at start, every lease in it is a dead
// process's. Once, in the embedded database's pass (the real server, through tsx).
describe.runIf(!POSTGRES_URL)('a server on the embedded database killed while a zip was being read', () => {
  const data = serverDataSet('fileflow-lease-restart-');

  it('lets go of that zip’s lease when it starts again, so the next collection takes what it kept', async () => {
    const env = { FILEFLOW_DATA_DIR: data.dataDir, DATABASE_URL: '', FILEFLOW_JOB_INTERVAL: '1s' };
    const first = await data.start(env);
    const client = new HttpClient(first.url);
    expect((await client.register(`lease${randomBytes(3).toString('hex')}`)).status).toBe(201);
    const folder = (await (await client.json('POST', '/api/folders', { name: 'big' })).json()) as { id: string };
    const put = async (name: string, content: Buffer) =>
      (await (await client.send('PUT', `/api/files/content?parentId=${folder.id}&name=${name}`, content, { 'content-type': 'application/octet-stream' })).json()) as {
        id: string;
        sha256: string;
      };
    await put('a-first.bin', randomBytes(8 * MIB));
    const later = await put('b-later.bin', randomBytes(70_000));

    // A zip that has begun and reads no further: its lease holds b-later's content.
    const url = new URL(`${first.url}/api/folders/${folder.id}/zip`);
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: url.hostname, port: url.port, path: url.pathname, agent: false, headers: { cookie: client.cookie } }, (res) => {
        res.pause();
        resolve(res);
      }).on('error', reject);
    });
    expect(response.statusCode).toBe(200);
    expect((await client.send('DELETE', `/api/nodes/${later.id}`)).status).toBe(200);
    expect((await client.send('DELETE', `/api/trash/${later.id}`)).status).toBe(204);
    // Collections run every second; the lease keeps the content.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(existsSync(blobPath(data.dataDir, later.sha256))).toBe(true);

    await first.stop('SIGKILL');
    response.destroy();
    await data.start(env);
    // Without letting go of it, the lease would keep the content for its 10 minutes.
    expect(await eventually(async () => existsSync(blobPath(data.dataDir, later.sha256)), (exists) => !exists, 15_000)).toBe(false);
  }, 60_000);
});
