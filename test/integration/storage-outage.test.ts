import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
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
