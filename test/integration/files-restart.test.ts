import { randomBytes } from 'node:crypto';
import { readdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { ApiClient } from '../helpers/client.js';
import { blobFiles, eventually, postMultipart, sha256, stagingDir, stagingEntries, storageOf } from '../helpers/files.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function signIn(app: TestApp, email: string, password: string): Promise<ApiClient> {
  const client = new ApiClient(app.app);
  const res = await client.post('/api/auth/login', { email, password });
  expect(res.statusCode).toBe(200);
  return client;
}

/** A staging file name as the store makes them: `<pid>-<boot id>-<24 hex>`. */
function stagingName(pid: number, bootId = 'deadbeef'): string {
  return `${pid}-${bootId}-${randomBytes(12).toString('hex')}`;
}

// Far above any real pid_max: no process has it.
const DEAD_PID = 999_999_999;

describe('restart', () => {
  it('keeps every file byte-exact and the storage counters after a restart on the same data', async () => {
    const first = await createTestApp({ persistent: true });
    cleanups.push(() => rm(first.dataDir, { recursive: true, force: true }));
    let firstStopped = false;
    cleanups.push(async () => {
      if (!firstStopped) {
        await first.close();
      } else {
        // The second app used the first one's s3rver (the same bucket) and leaves it running.
        await first.s3?.stop();
      }
    });
    const alice = await first.newUser();
    const folder = await alice.mkdir('kept');
    const big = randomBytes(2 * 1024 * 1024 + 1);
    const small = Buffer.from('small file');
    const nodes = [
      await alice.upload('big.bin', big, folder.id),
      await alice.upload('small.txt', small),
      await alice.upload('empty.txt', Buffer.alloc(0)),
    ];
    const multipart = await postMultipart(alice, [{ file: 'from multipart', filename: 'mp.txt' }]);
    expect(multipart.statusCode).toBe(201);
    const storage = await storageOf(alice);
    expect(storage.storageUsed).toBe(big.length + small.length + 'from multipart'.length);
    const blobs = (await blobFiles(first)).sort();

    await first.stop();
    firstStopped = true;

    const second = await createTestApp({ dataDir: first.dataDir, databaseUrl: first.database.url, s3: first.s3 });
    cleanups.push(() => second.close());
    const again = await signIn(second, alice.user.email, alice.password);
    expect(await storageOf(again)).toEqual(storage);
    expect((await blobFiles(second)).sort()).toEqual(blobs);
    const expected = [big, small, Buffer.alloc(0)];
    for (const [i, node] of nodes.entries()) {
      const res = await again.get(`/api/files/${node.id}/content`);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(expected[i]!)).toBe(true);
      expect(res.headers.etag).toBe(`"${sha256(expected[i]!)}"`);
    }
    const mp = await again.get(`/api/files/${multipart.json().uploaded[0].id}/content`);
    expect(mp.body).toBe('from multipart');

    // Content stored before the restart is still shared by new uploads.
    const dup = await again.upload('dup.bin', big);
    expect(dup.sha256).toBe(sha256(big));
    expect((await blobFiles(second)).sort()).toEqual(blobs);
  });
});

// Local store only: these plant staging files on disk and rely on the local store telling its own
// uploads (pid and boot id in the file name) from those of dead or earlier processes. The S3 store
// keeps no such mark (several machines share a bucket) and judges staging objects by age alone, so
// sweepStaging(0) there may remove any staging object by design; its age rule is checked below.
describe.runIf(process.env.TEST_STORAGE !== 's3')('staging sweep (local store)', () => {
  it('removes leftovers of dead processes and of earlier lives of this pid, and stale ones of live processes', async () => {
    const t = await createTestApp();
    cleanups.push(() => t.close());
    const dir = stagingDir(t.dataDir);
    const deadProcess = stagingName(DEAD_PID);
    const earlierLife = stagingName(process.pid, '00000000');
    const liveFresh = stagingName(process.ppid);
    const liveStale = stagingName(process.ppid);
    for (const name of [deadProcess, earlierLife, liveFresh, liveStale]) {
      await writeFile(path.join(dir, name), randomBytes(100));
    }
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await utimes(path.join(dir, liveStale), anHourAgo, anHourAgo);

    const removed = await t.blobs.sweepStaging(10 * 60 * 1000);
    expect(removed).toBe(3);
    expect(await readdir(dir)).toEqual([liveFresh]);
  });

  it('never removes an upload this process is still writing', async () => {
    const t = await createTestApp();
    cleanups.push(() => t.close());
    const alice = await t.newUser();
    const body = new PassThrough();
    const content = randomBytes(256 * 1024);
    const upload = alice.app.inject({
      method: 'PUT',
      url: '/api/files/content?name=slow.bin',
      headers: { cookie: alice.cookie!, 'content-type': 'application/octet-stream' },
      payload: body,
    });
    body.write(content.subarray(0, 1000));
    expect(await eventually(() => stagingEntries(t), (files) => files.length > 0)).toHaveLength(1);
    expect(await t.blobs.sweepStaging(0)).toBe(0);
    body.end(content.subarray(1000));
    const res = await upload;
    expect(res.statusCode).toBe(201);
    expect((await alice.get(`/api/files/${res.json().id}/content`)).rawPayload.equals(content)).toBe(true);
    expect(await stagingEntries(t)).toEqual([]);
  });
});

// The S3 counterpart of the sweep above: staging objects are judged by age alone, content is never touched.
describe.runIf(process.env.TEST_STORAGE === 's3')('staging sweep (S3 store)', () => {
  it('removes staging objects older than the limit and keeps fresh ones and all content', async () => {
    const t = await createTestApp();
    cleanups.push(() => t.close());
    const alice = await t.newUser();
    const kept = await alice.upload('kept.bin', randomBytes(300));
    const old = await t.blobs.stage(Readable.from([randomBytes(100)]));
    // S3 times are whole seconds: leave a clear margin on both sides of the limit.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const fresh = await t.blobs.stage(Readable.from([randomBytes(100)]));
    expect((await stagingEntries(t)).sort()).toEqual([old.id, fresh.id].sort());

    expect(await t.blobs.sweepStaging(2000)).toBe(1);
    expect(await stagingEntries(t)).toEqual([fresh.id]);
    expect(await blobFiles(t)).toEqual([kept.sha256]);
    expect((await alice.get(`/api/files/${kept.id}/content`)).statusCode).toBe(200);
    await t.blobs.discard(fresh);
    expect(await stagingEntries(t)).toEqual([]);
  });
});
