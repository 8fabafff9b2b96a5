import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/files.js';
import { checkInvariants } from '../helpers/invariants.js';
import { multipartBody } from '../helpers/multipart.js';
import { startHangingProxy, startS3, type HangingProxy, type TestS3 } from '../helpers/s3.js';

// The S3 store going away and coming back, whatever TEST_STORAGE says: s3rver stopped, then
// started again on the same port with the same content; or, through a proxy, accepting
// connections and never answering.
let s3: TestS3;
let proxy: HangingProxy;
let t: TestApp;
let throughProxy: TestApp;

beforeAll(async () => {
  s3 = await startS3();
  proxy = await startHangingProxy(s3.endpoint);
  t = await createTestApp({ s3, env: s3.env });
  throughProxy = await createTestApp({ s3, env: { ...s3.env, S3_ENDPOINT: proxy.endpoint, S3_TIMEOUT: '1s', FILEFLOW_IDLE_TIMEOUT: '2s' } });
});

afterAll(async () => {
  await t.close();
  await throughProxy.close();
  await proxy.close();
  await s3.stop();
});

/** A new user of `app` with a folder "docs" holding one file "kept.bin" of random content. */
async function userWithFile(app: TestApp) {
  const alice = await app.newUser();
  const content = randomBytes(40_000);
  const folder = await alice.mkdir('docs');
  return { alice, content, folder, file: await alice.upload('kept.bin', content, folder.id) };
}

describe('the S3 store going away and coming back', () => {
  it('answers 503 storage_unavailable, health says so, and everything works again once it is back, without a restart', async () => {
    const { alice, content, folder, file } = await userWithFile(t);
    const share = (await alice.post('/api/shares', { nodeId: file.id, maxDownloads: 2 })).json<{ id: string; token: string }>();
    const folderShare = (await alice.post('/api/shares', { nodeId: folder.id })).json<{ token: string }>();
    const usedBefore = (await alice.get('/api/me')).json<{ storageUsed: number }>().storageUsed;

    await s3.pause();
    try {
      const health = await t.anonymous.get('/api/health');
      expect(health.statusCode).toBe(503);
      // The monitoring fields, and the contract's error body beside them.
      expect(health.json()).toEqual({
        status: 'unavailable',
        failing: ['storage'],
        error: { code: 'unavailable', message: 'Not ready: storage is not answering.' },
      });

      const multipart = multipartBody([{ file: randomBytes(1000), filename: 'm.bin' }]);
      const failures = [
        await alice.putFile('new.bin', randomBytes(20_000)),
        await alice.request('POST', '/api/files', multipart.body, { 'content-type': multipart.contentType }),
        await alice.get(`/api/files/${file.id}/content`),
        await alice.get(`/api/files/${file.id}/content`, { range: 'bytes=0-9' }),
        await alice.get(`/api/folders/${folder.id}/zip`),
        await alice.get('/api/folders/root/zip'),
        await t.anonymous.get(`/api/public/shares/${share.token}/content`),
        await t.anonymous.get(`/api/public/shares/${folderShare.token}/zip`),
      ];
      for (const res of failures) {
        expect({ status: res.statusCode, body: res.json<unknown>() }).toEqual({
          status: 503,
          body: { error: { code: 'storage_unavailable', message: expect.any(String) as string } },
        });
        expect(res.headers['retry-after']).toBeDefined();
        expect(res.body).not.toMatch(/ECONNREFUSED|at |127\.0\.0\.1/);
      }

      // What needs only the database still answers; nothing failed was stored, counted or charged.
      const listing = (await alice.get(`/api/folders/${folder.id}/children`)).json<{ items: Array<{ name: string }> }>();
      expect(listing.items.map((item) => item.name)).toEqual(['kept.bin']);
      expect((await alice.get('/api/folders/root/children')).json<{ items: Array<{ name: string }> }>().items.map((item) => item.name)).toEqual(['docs']);
      expect((await alice.get('/api/me')).json<{ storageUsed: number }>().storageUsed).toBe(usedBefore);
      const shares = (await alice.get('/api/shares')).json<{ items: Array<{ id: string; accessCount: number }> }>();
      expect(shares.items.find((item) => item.id === share.id)?.accessCount).toBe(0);
    } finally {
      await s3.resume();
    }

    expect((await t.anonymous.get('/api/health')).statusCode).toBe(200);
    const download = await alice.get(`/api/files/${file.id}/content`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(content)).toBe(true);
    expect((await alice.get(`/api/folders/${folder.id}/zip`)).statusCode).toBe(200);
    const again = randomBytes(20_000);
    const uploaded = await alice.upload('new.bin', again);
    expect(uploaded.sha256).toBe(createHash('sha256').update(again).digest('hex'));
    expect((await t.anonymous.get(`/api/public/shares/${share.token}/content`)).statusCode).toBe(200);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  }, 60_000);
});

// A store that accepts connections and never answers (hung, or a network path gone half-open)
// must not hold requests for ever: the S3 client set no timeout at all.
describe('an S3 store that stops answering without closing connections', () => {
  it('answers 503 within the timeouts, and works again once it answers', async () => {
    const { alice, content, folder, file } = await userWithFile(throughProxy);

    proxy.hang();
    try {
      const started = Date.now();
      const answers = await Promise.all([
        alice.get(`/api/files/${file.id}/content`),
        alice.get(`/api/folders/${folder.id}/zip`),
        alice.putFile('new.bin', randomBytes(20_000)),
      ]);
      expect(answers.map((res) => [res.statusCode, res.json<{ error: { code: string } }>().error.code])).toEqual([
        [503, 'storage_unavailable'],
        [503, 'storage_unavailable'],
        [503, 'storage_unavailable'],
      ]);
      // Three attempts of at most a few seconds each, not for ever.
      expect(Date.now() - started).toBeLessThan(30_000);
      expect((await throughProxy.anonymous.get('/api/health')).statusCode).toBe(503);
    } finally {
      proxy.release();
    }

    const download = await alice.get(`/api/files/${file.id}/content`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(content)).toBe(true);
    expect((await alice.putFile('new.bin', randomBytes(20_000))).statusCode).toBe(201);
    expect(await checkInvariants(throughProxy.database.db, throughProxy.blobs)).toEqual([]);
  }, 90_000);
});

describe('an upload of several files to a store that does not answer', () => {
  it('fails the files after the first with its answer instead of waiting on the store for each', async () => {
    const alice = await throughProxy.newUser();
    const upload = async (names: string[]) => {
      proxy.hang();
      try {
        const multipart = multipartBody(names.map((filename) => ({ file: randomBytes(5_000), filename })));
        const res = await alice.request('POST', '/api/files', multipart.body, { 'content-type': multipart.contentType });
        return { res, asked: proxy.unanswered() };
      } finally {
        proxy.release();
      }
    };
    const one = await upload(['only.bin']);
    const three = await upload(['a.bin', 'b.bin', 'c.bin']);
    // None was stored: the answer is the first failure's. The store was asked about as often as
    // for one file (a pooled connection the hang dropped may cost one more), not once per file.
    expect([three.res.statusCode, three.res.json<{ error: { code: string } }>().error.code]).toEqual([503, 'storage_unavailable']);
    expect(three.asked).toBeLessThanOrEqual(one.asked + 1);
    expect((await alice.get('/api/folders/root/children')).json<{ items: unknown[] }>().items).toEqual([]);
  }, 90_000);
});

describe('downloads that their clients read slowly', () => {
  // Each holds a connection to the store until its client has read it: they must not leave the
  // process's other commands waiting for one (the SDK's default pool held 50).
  it('leave the store answering every other request, health included', async () => {
    const app = await createTestApp({ s3, env: s3.env });
    const held: http.ClientRequest[] = [];
    try {
      const alice = await app.newUser();
      const big = await alice.upload('big.bin', randomBytes(16 * 1024 * 1024));
      const small = randomBytes(10_000);
      const smallFile = await alice.upload('small.bin', small);
      await app.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.app.server.address() as AddressInfo;
      // 60 downloads whose clients read their headers and then nothing.
      await Promise.all(
        Array.from(
          { length: 60 },
          () =>
            new Promise<void>((resolve, reject) => {
              const request = http.get(
                { host: '127.0.0.1', port, path: `/api/files/${big.id}/content`, agent: false, headers: { cookie: alice.cookie! } },
                (response) => {
                  expect(response.statusCode).toBe(200);
                  response.pause();
                  resolve();
                },
              );
              request.on('error', reject);
              held.push(request);
            }),
        ),
      );
      const download = await alice.get(`/api/files/${smallFile.id}/content`);
      expect(download.statusCode, download.body).toBe(200);
      expect(download.rawPayload.equals(small)).toBe(true);
      expect((await alice.putFile('another.bin', randomBytes(1000))).statusCode).toBe(201);
      expect((await app.anonymous.get('/api/health')).statusCode).toBe(200);
    } finally {
      for (const request of held) {
        request.destroy();
      }
      await app.close();
    }
  }, 60_000);
});

// A store that stops answering in the middle of an upload's content (a part of a multipart
// upload here): the upload fails within its part's attempts. lib-storage's abort of the multipart
// upload went to the silent store as well, with three attempts of its own: at the defaults the
// 503 came after 85-105 s, of which the part's attempts took 45-65 s.
describe('an S3 store that stops answering in the middle of an upload', () => {
  const TIMEOUT_MS = 1500;
  let store: HangingProxy;
  let app: TestApp;

  beforeAll(async () => {
    store = await startHangingProxy(s3.endpoint);
    app = await createTestApp({
      s3,
      env: { ...s3.env, S3_ENDPOINT: store.endpoint, S3_TIMEOUT: `${TIMEOUT_MS}ms`, FILEFLOW_IDLE_TIMEOUT: '4s', FILEFLOW_DEFAULT_QUOTA: String(8 * 1024 * 1024) },
    });
  });

  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('answers 503 within its attempts, keeps nothing and closes its connections; uploads work once it answers', async () => {
    const alice = await app.newUser();
    // 7 MiB: a part of 5 MiB, then one of 2 MiB, which the store stops taking half-way.
    store.hangAfter(6 * 1024 * 1024);
    let res: Awaited<ReturnType<typeof alice.putFile>>;
    let elapsed: number;
    try {
      const started = Date.now();
      res = await alice.putFile('big.bin', randomBytes(7 * 1024 * 1024));
      elapsed = Date.now() - started;
      // Its connections are closed, none left hanging on the store (within a timeout of their last use).
      expect(await eventually(async () => store.held(), (held) => held === 0, 2 * TIMEOUT_MS)).toBe(0);
    } finally {
      store.release();
    }
    expect([res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([503, 'storage_unavailable']);
    // Three attempts of the part, each failing once the store has been silent for the timeout:
    // about 4.8 s, where the abort's three attempts on the silent store made it 9.4 s.
    expect(elapsed).toBeLessThan(4.5 * TIMEOUT_MS);
    expect((await alice.get('/api/me')).json<{ storageUsed: number }>().storageUsed).toBe(0);
    expect((await alice.get('/api/folders/root/children')).json<{ items: unknown[] }>().items).toEqual([]);

    const content = randomBytes(7 * 1024 * 1024);
    const uploaded = await alice.upload('big.bin', content);
    expect(uploaded.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(await checkInvariants(app.database.db, app.blobs)).toEqual([]);
  }, 60_000);

  it('still aborts the multipart upload of a refused upload, while the store answers', async () => {
    const alice = await app.newUser();
    const before = store.forwarded().length;
    // Over the 8 MiB quota after its first part went to the store.
    const res = await alice.app.inject({
      method: 'PUT',
      url: '/api/files/content?name=too-big.bin',
      headers: { cookie: alice.cookie!, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      payload: Readable.from(Array.from({ length: 12 }, () => randomBytes(1024 * 1024))),
    });
    expect([res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([507, 'quota_exceeded']);
    const sent = store.forwarded().slice(before);
    const uploadId = /[?&]uploadId=([^&]+)/.exec(sent.find((line) => line.startsWith('PUT ') && line.includes('uploadId=')) ?? '')?.[1];
    expect(uploadId).toBeDefined();
    expect(sent.filter((line) => line.startsWith('DELETE ') && line.includes(`uploadId=${uploadId}`))).toHaveLength(1);
    expect((await alice.get('/api/me')).json<{ storageUsed: number }>().storageUsed).toBe(0);
    expect((await alice.get('/api/folders/root/children')).json<{ items: unknown[] }>().items).toEqual([]);
  }, 30_000);
});
