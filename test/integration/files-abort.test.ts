import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { blobFiles, children, eventually, stagingEntries, storageOf, watchStaging } from '../helpers/files.js';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp({ captureLogs: true });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

/**
 * Starts an upload over a real socket, sends `sent` bytes of a body announced as much larger, waits
 * until the server is staging its `files`-th file (default: the first), then drops the connection.
 */
async function abortMidUpload(
  client: ApiClient,
  options: { path: string; headers: Record<string, string>; head?: Buffer; sent: number; declared: number; files?: number },
): Promise<void> {
  const staging = watchStaging(t);
  try {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: options.path.startsWith('/api/files/content') ? 'PUT' : 'POST',
      path: options.path,
      headers: { cookie: client.cookie!, 'content-length': String(options.declared), ...options.headers },
    });
    const closed = new Promise<void>((resolve) => {
      request.on('error', () => resolve());
      request.on('close', () => resolve());
    });
    request.on('response', (response) => {
      response.resume();
    });
    if (options.head) {
      request.write(options.head);
    }
    const chunk = randomBytes(64 * 1024);
    for (let sent = 0; sent < options.sent; sent += chunk.length) {
      request.write(chunk);
    }
    // The server has started writing the upload's last file to staging: the store's stage() is
    // running on it and, on disk, its staging file exists. (An S3 staging object appears only once
    // written whole, so there the running stage() is the sign.)
    const files = options.files ?? 1;
    const progress = await eventually(
      async () => ({ started: staging.started(), running: staging.running() }),
      (p) => p.started >= files && p.running > 0,
    );
    expect(progress).toEqual({ started: files, running: 1 });
    if (t.blobs.kind === 'local') {
      expect((await eventually(() => stagingEntries(t), (entries) => entries.length > 0)).length).toBeGreaterThan(0);
    }
    request.destroy();
    await closed;
  } finally {
    staging.restore();
  }
}

/**
 * The request to `url` is logged as a client that went away, at info level with its request id,
 * and nothing about it at error level: a client leaving is not a failure of ours.
 */
async function expectLoggedAsClientGone(url: string): Promise<void> {
  const incoming = t.logs.filter((record) => record.msg === 'incoming request' && (record.req as { url?: string } | undefined)?.url === url);
  expect(incoming).toHaveLength(1);
  const reqId = incoming[0]!.reqId;
  expect(reqId).toBeDefined();
  const records = await eventually(
    async () => t.logs.filter((record) => record.reqId === reqId),
    (found) => found.some((record) => record.msg !== 'incoming request'),
  );
  expect(records.filter((record) => record.level >= 40)).toEqual([]);
  expect(records.filter((record) => record.msg === 'client went away before the request finished')).toEqual([
    expect.objectContaining({ level: 30, reqId }),
  ]);
}

async function expectCleanAfterAbort(client: ApiClient, blobsBefore: number): Promise<void> {
  expect(await eventually(() => stagingEntries(t), (files) => files.length === 0)).toEqual([]);
  expect(await children(client)).toEqual([]);
  expect((await storageOf(client)).storageUsed).toBe(0);
  expect((await blobFiles(t)).length).toBe(blobsBefore);
  // The server is healthy and takes the next upload.
  const health = await t.anonymous.get('/api/health');
  expect(health.statusCode).toBe(200);
  const after = await client.upload('after.txt', 'still works');
  expect((await client.get(`/api/files/${after.id}/content`)).body).toBe('still works');
}

describe('a client that goes away mid-upload', () => {
  it('leaves nothing behind from an aborted raw PUT', async () => {
    const alice = await t.newUser();
    const blobsBefore = (await blobFiles(t)).length;
    await abortMidUpload(alice, {
      path: '/api/files/content?name=aborted.bin',
      headers: { 'content-type': 'application/octet-stream' },
      sent: 1024 * 1024,
      declared: 50 * 1024 * 1024,
    });
    await expectCleanAfterAbort(alice, blobsBefore);
    await expectLoggedAsClientGone('/api/files/content?name=aborted.bin');
  });

  it('leaves nothing behind from an aborted multipart upload', async () => {
    const alice = await t.newUser();
    const blobsBefore = (await blobFiles(t)).length;
    const boundary = `----abort${randomBytes(6).toString('hex')}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="aborted.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    await abortMidUpload(alice, {
      path: '/api/files?aborted=multipart',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      head,
      sent: 1024 * 1024,
      declared: 50 * 1024 * 1024,
    });
    await expectCleanAfterAbort(alice, blobsBefore);
    await expectLoggedAsClientGone('/api/files?aborted=multipart');
  });

  it('keeps the files a multipart request finished before the client went away', async () => {
    const alice = await t.newUser();
    const boundary = `----abort${randomBytes(6).toString('hex')}`;
    const head = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="complete.txt"\r\n\r\n`),
      Buffer.from('complete file'),
      Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="partial.bin"\r\n\r\n`),
    ]);
    await abortMidUpload(alice, {
      path: '/api/files',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      head,
      sent: 512 * 1024,
      declared: 50 * 1024 * 1024,
      files: 2,
    });
    expect(await eventually(() => stagingEntries(t), (files) => files.length === 0)).toEqual([]);
    const items = await children(alice);
    expect(items.map((n) => n.name)).toEqual(['complete.txt']);
    expect((await storageOf(alice)).storageUsed).toBe('complete file'.length);
    expect((await alice.get(`/api/files/${items[0]!.id}/content`)).body).toBe('complete file');
  });

  it('serves a full upload over the same real socket path', async () => {
    const alice = await t.newUser();
    const content = randomBytes(2 * 1024 * 1024);
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/api/files/content?name=whole.bin',
          headers: { cookie: alice.cookie!, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.end(content);
    });
    expect(status).toBe(201);
    const [node] = await children(alice);
    expect((await alice.get(`/api/files/${node!.id}/content`)).rawPayload.equals(content)).toBe(true);
  });

  it('still logs a failure of ours as an error, even one that looks like a closed connection', async () => {
    const alice = await t.newUser();
    // The store's own connection (S3, say) reset while the client is still there and waiting.
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const stage = vi.spyOn(t.blobs, 'stage').mockRejectedValueOnce(reset);
    try {
      const res = await alice.putFile('store-failed.txt', 'content');
      expect(res.statusCode).toBe(500);
      expect(res.json().error.code).toBe('internal_error');
    } finally {
      stage.mockRestore();
    }
    const failure = t.logs.filter((record) => (record.err as { message?: string } | undefined)?.message === 'read ECONNRESET');
    expect(failure).toEqual([expect.objectContaining({ level: 50, msg: 'unhandled error', reqId: expect.any(String) })]);
    expect((failure[0]!.err as { code?: string }).code).toBe('ECONNRESET');
  });

  it('still logs a failure of ours as an error when the client goes away at the same moment', async () => {
    const alice = await t.newUser();
    // The store fails for a reason of its own once the client has dropped the upload.
    const stage = vi.spyOn(t.blobs, 'stage').mockImplementationOnce(async (source) => {
      source.on('error', () => undefined).resume();
      await new Promise((resolve) => source.once('close', resolve));
      throw new Error('the disk failed');
    });
    try {
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: '/api/files/content?name=disk-failed.bin',
        headers: { cookie: alice.cookie!, 'content-length': String(10 * 1024 * 1024), 'content-type': 'application/octet-stream' },
      });
      request.on('error', () => undefined);
      request.write(randomBytes(64 * 1024));
      await eventually(async () => stage.mock.calls.length, (calls) => calls > 0);
      request.destroy();
      const failure = await eventually(
        async () => t.logs.filter((record) => (record.err as { message?: string } | undefined)?.message === 'the disk failed'),
        (found) => found.length > 0,
      );
      expect(failure).toEqual([expect.objectContaining({ level: 50, msg: 'unhandled error', reqId: expect.any(String) })]);
    } finally {
      stage.mockRestore();
    }
  });
});
