import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { ApiClient } from '../helpers/client.js';
import { blobCount, blobExists, children, eventually, sha256, stagingEntries, storageOf, watchStaging } from '../helpers/files.js';
import { checkInvariants } from '../helpers/invariants.js';

const MiB = 1024 * 1024;
const QUOTA = 4 * MiB;
const MAX_UPLOAD = 3 * MiB;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SESSION_KEYS = ['conflict', 'createdAt', 'expiresAt', 'id', 'minChunkSize', 'modifiedAt', 'name', 'offset', 'parentId', 'size'];

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp({ env: { FILEFLOW_DEFAULT_QUOTA: String(QUOTA), FILEFLOW_MAX_UPLOAD: String(MAX_UPLOAD) } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

interface Session {
  id: string;
  name: string;
  parentId: string | null;
  size: number;
  offset: number;
  minChunkSize: number;
  conflict: string;
  modifiedAt: string | null;
  createdAt: string;
  expiresAt: string;
}

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string): void {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

async function start(client: ApiClient, body: Record<string, unknown>): Promise<Session> {
  const res = await client.post('/api/uploads', body);
  if (res.statusCode !== 201) {
    throw new Error(`POST /api/uploads: ${res.statusCode} ${res.body}`);
  }
  return res.json();
}

function putChunk(client: ApiClient, id: string, offset: number, bytes: Buffer) {
  return client.put(`/api/uploads/${id}/content?offset=${offset}`, bytes, { 'content-type': 'application/octet-stream' });
}

/** Sends `content` in chunks of `chunkSize` and returns the session after the last one. */
async function sendAll(client: ApiClient, session: Session, content: Buffer, chunkSize: number): Promise<Session> {
  let current = session;
  for (let offset = 0; offset < content.length; offset += chunkSize) {
    const res = await putChunk(client, session.id, offset, content.subarray(offset, offset + chunkSize));
    expect(res.statusCode).toBe(200);
    current = res.json();
    expect(current.offset).toBe(Math.min(offset + chunkSize, content.length));
  }
  return current;
}

function complete(client: ApiClient, id: string, body?: Record<string, unknown>) {
  return client.post(`/api/uploads/${id}/complete`, body);
}

async function chunkHashes(sessionId: string): Promise<string[]> {
  const rows = await queryRows<{ sha256: string }>(t.database.db, sql`select sha256 from upload_chunks where session_id = ${sessionId} order by "offset"`);
  return rows.map((row) => row.sha256);
}

async function blobRow(sha: string): Promise<number | null> {
  const rows = await queryRows<{ ref_count: number }>(t.database.db, sql`select ref_count from blobs where sha256 = ${sha}`);
  return rows[0] === undefined ? null : Number(rows[0].ref_count);
}

/** Every chunk's content is gone: no blob row, nothing in the store. */
async function expectCollected(hashes: readonly string[]): Promise<void> {
  for (const sha of hashes) {
    expect(await blobRow(sha)).toBeNull();
    expect(await blobExists(t, sha)).toBe(false);
  }
}

describe('a resumable upload', () => {
  it('takes a file in several chunks; the stored file has the same bytes and SHA-256, and the chunks are collected', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Videos');
    const content = randomBytes(700 * 1024 + 123);
    const session = await start(alice, { name: 'clip.mp4', size: content.length, parentId: folder.id, modifiedAt: '2024-05-01T12:00:00Z' });
    expect(Object.keys(session).sort()).toEqual(SESSION_KEYS);
    expect(session).toMatchObject({ name: 'clip.mp4', size: content.length, offset: 0, parentId: folder.id, conflict: 'fail', modifiedAt: '2024-05-01T12:00:00.000Z' });
    expect(Date.parse(session.expiresAt) - Date.parse(session.createdAt)).toBeGreaterThan(23 * 3600_000);

    const half = await sendAll(alice, session, content.subarray(0, 256 * 1024), 128 * 1024);
    expect(half.offset).toBe(256 * 1024);
    expect((await alice.get(`/api/uploads/${session.id}`)).json()).toMatchObject({ id: session.id, offset: 256 * 1024 });
    expect((await alice.get('/api/uploads')).json().items.map((item: Session) => item.id)).toEqual([session.id]);
    // The rest, resumed at the offset the server gave.
    let offset = half.offset;
    while (offset < content.length) {
      const res = await putChunk(alice, session.id, offset, content.subarray(offset, offset + 200 * 1024));
      expect(res.statusCode).toBe(200);
      offset = res.json().offset;
    }
    const hashes = await chunkHashes(session.id);
    expect(hashes).toHaveLength(5);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
    // Chunks are not charged: the file is, once complete.
    expect((await storageOf(alice)).storageUsed).toBe(0);

    const res = await complete(alice, session.id);
    expect(res.statusCode).toBe(201);
    const node = res.json();
    expect(node).toMatchObject({ name: 'clip.mp4', type: 'file', parentId: folder.id, size: content.length, sha256: sha256(content), mimeType: 'video/mp4', modifiedAt: '2024-05-01T12:00:00.000Z' });
    const download = await alice.get(`/api/files/${node.id}/content`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(content)).toBe(true);
    expect(sha256(download.rawPayload)).toBe(node.sha256);
    expect((await storageOf(alice)).storageUsed).toBe(content.length);

    expectError(await alice.get(`/api/uploads/${session.id}`), 404, 'not_found');
    expect((await alice.get('/api/uploads')).json()).toEqual({ items: [] });
    expectError(await complete(alice, session.id), 404, 'not_found');
    await expectCollected(hashes);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
    expect(await eventually(() => stagingEntries(t), (entries) => entries.length === 0)).toEqual([]);
  });

  it('lists its chunks in order with their SHA-256, for a client to check the bytes kept are its file\'s', async () => {
    const alice = await t.newUser();
    const content = randomBytes(5000);
    const session = await start(alice, { name: 'listed.bin', size: content.length });
    expect((await alice.get(`/api/uploads/${session.id}/chunks`)).json()).toEqual({ items: [] });
    await sendAll(alice, session, content.subarray(0, 4000), 2000);
    expect((await alice.get(`/api/uploads/${session.id}/chunks`)).json()).toEqual({
      items: [
        { offset: 0, length: 2000, sha256: sha256(content.subarray(0, 2000)) },
        { offset: 2000, length: 2000, sha256: sha256(content.subarray(2000, 4000)) },
      ],
    });
    const bob = await t.newUser();
    expectError(await bob.get(`/api/uploads/${session.id}/chunks`), 404, 'not_found');
  });

  it('stores content once: the completed file shares the content of an identical regular upload', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const content = randomBytes(300 * 1024);
    const regular = await bob.upload('same.bin', content);
    const session = await start(alice, { name: 'same.bin', size: content.length });
    await sendAll(alice, session, content, 100 * 1024);
    const res = await complete(alice, session.id);
    expect(res.statusCode).toBe(201);
    expect(res.json().sha256).toBe(regular.sha256);
    expect(await blobCount(t, regular.sha256)).toBe(1);
    expect(await blobRow(regular.sha256)).toBe(2);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('a single chunk equal to the whole file: its content stays, referenced once by the file', async () => {
    const alice = await t.newUser();
    const content = randomBytes(50 * 1024);
    const session = await start(alice, { name: 'one.bin', size: content.length });
    await sendAll(alice, session, content, content.length);
    expect(await chunkHashes(session.id)).toEqual([sha256(content)]);
    const res = await complete(alice, session.id);
    expect(res.statusCode).toBe(201);
    expect(await blobRow(sha256(content))).toBe(1);
    expect(await blobExists(t, sha256(content))).toBe(true);
    expect((await alice.get(`/api/files/${res.json().id}/content`)).rawPayload.equals(content)).toBe(true);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('of size 0 completes with no chunk', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'empty.txt', size: 0 });
    expect(session.offset).toBe(0);
    // An empty chunk is allowed and changes nothing.
    const empty = await putChunk(alice, session.id, 0, Buffer.alloc(0));
    expect(empty.statusCode).toBe(200);
    expect(empty.json().offset).toBe(0);
    const res = await complete(alice, session.id);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'empty.txt', size: 0, sha256: EMPTY_SHA256 });
    expect((await alice.get(`/api/files/${res.json().id}/content`)).rawPayload.length).toBe(0);
  });
});

describe('chunks', () => {
  it('answer 409 offset_mismatch with the current offset for a chunk at another offset', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'a.bin', size: 100 });
    expect((await putChunk(alice, session.id, 0, randomBytes(40))).statusCode).toBe(200);
    for (const offset of [0, 10, 41, 100]) {
      const res = await putChunk(alice, session.id, offset, randomBytes(10));
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({ error: { code: 'offset_mismatch', message: expect.any(String), offset: 40 } });
    }
    expect((await alice.get(`/api/uploads/${session.id}`)).json().offset).toBe(40);
  });

  it('answer 413 too_large past the declared size, and leave the offset', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'a.bin', size: 100 });
    expect((await putChunk(alice, session.id, 0, randomBytes(60))).statusCode).toBe(200);
    expectError(await putChunk(alice, session.id, 60, randomBytes(41)), 413, 'too_large');
    // Without a Content-Length (chunked transfer): refused while it streams.
    const streamed = await alice.app.inject({
      method: 'PUT',
      url: `/api/uploads/${session.id}/content?offset=60`,
      headers: { cookie: alice.cookie!, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      payload: Readable.from(Array.from({ length: 10 }, () => randomBytes(10))),
    });
    expectError(streamed, 413, 'too_large');
    expect((await alice.get(`/api/uploads/${session.id}`)).json().offset).toBe(60);
    expect((await putChunk(alice, session.id, 60, randomBytes(40))).json().offset).toBe(100);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('check the offset query', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'a.bin', size: 10 });
    for (const query of ['', '?offset=', '?offset=-1', '?offset=abc', '?offset=1.5']) {
      const res = await alice.put(`/api/uploads/${session.id}/content${query}`, Buffer.from('x'));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/offset/);
    }
  });

  it('push the expiry back', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'a.bin', size: 10 });
    await t.database.db.execute(sql`update upload_sessions set expires_at = now() + interval '1 hour' where id = ${session.id}`);
    const res = await putChunk(alice, session.id, 0, randomBytes(5));
    expect(Date.parse(res.json().expiresAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('push the expiry back only when they hold bytes: an empty one changes nothing', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'a.bin', size: 10 });
    await putChunk(alice, session.id, 0, randomBytes(10));
    await t.database.db.execute(sql`update upload_sessions set expires_at = now() + interval '1 hour' where id = ${session.id}`);
    const before = (await alice.get(`/api/uploads/${session.id}`)).json<Session>();
    const res = await putChunk(alice, session.id, 10, Buffer.alloc(0));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(before);
  });

  it('hold at least size / 10,000 bytes unless they end the file (at most 10,000 chunks per upload)', async () => {
    const alice = await t.newUser();
    const size = 3 * MiB;
    const min = Math.ceil(size / 10_000);
    const content = randomBytes(size);
    const session = await start(alice, { name: 'many.bin', size });
    expect(session.minChunkSize).toBe(min);
    // Refused from its Content-Length, and when it says none (chunked), once it has arrived.
    expectError(await putChunk(alice, session.id, 0, content.subarray(0, min - 1)), 400, 'invalid_request');
    const streamed = await alice.put(`/api/uploads/${session.id}/content?offset=0`, Readable.from([content.subarray(0, min - 1)]), {
      'content-type': 'application/octet-stream',
    });
    expectError(streamed, 400, 'invalid_request');
    expect((await alice.get(`/api/uploads/${session.id}`)).json<Session>().offset).toBe(0);
    // A chunk of the least size goes; the last one may be as small as what is left.
    expect((await putChunk(alice, session.id, 0, content.subarray(0, min))).statusCode).toBe(200);
    expect((await putChunk(alice, session.id, min, content.subarray(min, size - 1))).statusCode).toBe(200);
    expect((await putChunk(alice, session.id, size - 1, content.subarray(size - 1))).json<Session>().offset).toBe(size);
    const file = (await complete(alice, session.id)).json<{ sha256: string }>();
    expect(file.sha256).toBe(sha256(content));
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('cut short leave the offset unchanged; the upload goes on from there', async () => {
    const alice = await t.newUser();
    const content = randomBytes(400 * 1024);
    const session = await start(alice, { name: 'interrupted.bin', size: content.length });
    await sendAll(alice, session, content.subarray(0, 100 * 1024), 100 * 1024);
    const staging = watchStaging(t);
    try {
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `/api/uploads/${session.id}/content?offset=${100 * 1024}`,
        headers: { cookie: alice.cookie!, 'content-length': String(300 * 1024) },
      });
      const closed = new Promise<void>((resolve) => {
        request.on('error', () => resolve());
        request.on('close', () => resolve());
      });
      request.on('response', (response) => response.resume());
      request.write(content.subarray(100 * 1024, 250 * 1024));
      await eventually(
        async () => staging.running(),
        (running) => running > 0,
      );
      request.destroy();
      await closed;
      expect(await eventually(async () => staging.running(), (running) => running === 0)).toBe(0);
    } finally {
      staging.restore();
    }
    expect((await alice.get(`/api/uploads/${session.id}`)).json().offset).toBe(100 * 1024);
    expect(await chunkHashes(session.id)).toHaveLength(1);
    expect(await eventually(() => stagingEntries(t), (entries) => entries.length === 0)).toEqual([]);
    // The server's offset is where to resume.
    let offset = (await alice.get(`/api/uploads/${session.id}`)).json().offset as number;
    while (offset < content.length) {
      offset = (await putChunk(alice, session.id, offset, content.subarray(offset, offset + 150 * 1024))).json().offset;
    }
    const res = await complete(alice, session.id);
    expect(res.statusCode).toBe(201);
    expect((await alice.get(`/api/files/${res.json().id}/content`)).rawPayload.equals(content)).toBe(true);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('sent twice at the same offset at once: exactly one counts, the other gets 409 and leaves nothing', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'race.bin', size: 200 * 1024 });
    const a = randomBytes(100 * 1024);
    const b = randomBytes(100 * 1024);
    const results = await Promise.all([putChunk(alice, session.id, 0, a), putChunk(alice, session.id, 0, b)]);
    const statuses = results.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = results.find((res) => res.statusCode === 409)!;
    expect(loser.json().error).toMatchObject({ code: 'offset_mismatch', offset: 100 * 1024 });
    const winner = results[0]?.statusCode === 200 ? a : b;
    const lost = winner === a ? b : a;
    expect(await chunkHashes(session.id)).toEqual([sha256(winner)]);
    expect(await blobRow(sha256(lost))).toBeNull();
    expect(await blobExists(t, sha256(lost))).toBe(false);
    expect(await eventually(() => stagingEntries(t), (entries) => entries.length === 0)).toEqual([]);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});

describe('completion', () => {
  it('answers 409 upload_incomplete before every byte has arrived, and the upload stays', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'a.bin', size: 100 });
    expectError(await complete(alice, session.id), 409, 'upload_incomplete');
    await putChunk(alice, session.id, 0, randomBytes(99));
    expectError(await complete(alice, session.id), 409, 'upload_incomplete');
    expect((await alice.get(`/api/uploads/${session.id}`)).statusCode).toBe(200);
  });

  it('name_taken at creation, and at completion with a retry by rename or replace without sending the bytes again', async () => {
    const alice = await t.newUser();
    await alice.upload('report.pdf', 'old report');
    expectError(await alice.post('/api/uploads', { name: 'report.pdf', size: 10 }), 409, 'name_taken');
    const folder = await alice.mkdir('Folder');
    expectError(await alice.post('/api/uploads', { name: 'Folder', size: 10, conflict: 'replace' }), 409, 'name_taken');

    const content = randomBytes(1000);
    const session = await start(alice, { name: 'later.pdf', size: content.length });
    await sendAll(alice, session, content, 400);
    // Someone took the name meanwhile.
    await alice.upload('later.pdf', 'taken meanwhile');
    expectError(await complete(alice, session.id), 409, 'name_taken');
    expect((await alice.get(`/api/uploads/${session.id}`)).json().offset).toBe(content.length);
    const renamed = await complete(alice, session.id, { conflict: 'rename' });
    expect(renamed.statusCode).toBe(201);
    expect(renamed.json()).toMatchObject({ name: 'later (1).pdf', sha256: sha256(content) });

    const second = await start(alice, { name: 'later.pdf', size: content.length, conflict: 'rename' });
    await sendAll(alice, second, content, 1000);
    expectError(await complete(alice, second.id, { conflict: 'fail' }), 409, 'name_taken');
    expectError(await complete(alice, second.id, { conflict: 'bogus' }), 400, 'invalid_request');
    const replaced = await complete(alice, second.id, { conflict: 'replace' });
    expect(replaced.statusCode).toBe(201);
    expect(replaced.json()).toMatchObject({ name: 'later.pdf', sha256: sha256(content) });
    const names = (await children(alice)).map((node) => node.name).sort();
    expect(names).toEqual(['Folder', 'later (1).pdf', 'later.pdf', 'report.pdf']);
    expect(folder.name).toBe('Folder');
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('answers 404 when the parent folder is gone, and the upload stays', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Gone');
    const session = await start(alice, { name: 'a.bin', size: 10, parentId: folder.id });
    await putChunk(alice, session.id, 0, randomBytes(10));
    expect((await alice.delete(`/api/nodes/${folder.id}`)).statusCode).toBe(200);
    expectError(await complete(alice, session.id), 404, 'not_found');
    expect((await alice.get(`/api/uploads/${session.id}`)).statusCode).toBe(200);
  });

  it('twice at once creates exactly one file', async () => {
    const alice = await t.newUser();
    const content = randomBytes(200 * 1024);
    const session = await start(alice, { name: 'twice.bin', size: content.length, conflict: 'rename' });
    await sendAll(alice, session, content, 64 * 1024);
    const hashes = await chunkHashes(session.id);
    const results = await Promise.all([complete(alice, session.id), complete(alice, session.id), complete(alice, session.id)]);
    const statuses = results.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([201, 404, 404]);
    expect((await children(alice)).map((node) => node.name)).toEqual(['twice.bin']);
    expect((await storageOf(alice)).storageUsed).toBe(content.length);
    await expectCollected(hashes);
    expect(await eventually(() => stagingEntries(t), (entries) => entries.length === 0)).toEqual([]);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});

describe('creation', () => {
  it('checks the body, naming the field', async () => {
    const alice = await t.newUser();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ size: 10 }, /name/],
      [{ name: 'a', size: -1 }, /size/],
      [{ name: 'a', size: 1.5 }, /size/],
      [{ name: 'a', size: '10' }, /size/],
      [{ name: 'a', size: 2 ** 53 }, /size/],
      [{ name: 'a' }, /size/],
      [{ name: '', size: 1 }, /name/],
      [{ name: 'a/b', size: 1 }, /name/],
      [{ name: 'a', size: 1, conflict: 'merge' }, /conflict/],
      [{ name: 'a', size: 1, modifiedAt: 'yesterday' }, /modifiedAt/],
    ];
    for (const [body, field] of cases) {
      const res = await alice.post('/api/uploads', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toMatch(field);
    }
    const epoch = await start(alice, { name: 'a', size: 1, modifiedAt: 1700000000000 });
    expect(epoch.modifiedAt).toBe(new Date(1700000000000).toISOString());
  });

  it('answers 404 for a parent that is not the caller\'s live folder, 413 over the upload limit', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const bobs = await bob.mkdir('Bob');
    const file = await alice.upload('file.txt', 'x');
    for (const parentId of [bobs.id, file.id, '00000000-0000-4000-8000-000000000000', 'nonsense']) {
      expectError(await alice.post('/api/uploads', { name: 'a', size: 1, parentId }), 404, 'not_found');
    }
    expectError(await alice.post('/api/uploads', { name: 'a', size: MAX_UPLOAD + 1 }), 413, 'too_large');
  });

  it('reserves the size against the quota across open uploads (507), with credit for a file it replaces', async () => {
    const alice = await t.newUser();
    const existing = await alice.upload('big.bin', randomBytes(MiB));
    // 3 MiB of room.
    const first = await start(alice, { name: 'one.bin', size: 2 * MiB });
    expectError(await alice.post('/api/uploads', { name: 'two.bin', size: MiB + 1 }), 507, 'quota_exceeded');
    const second = await start(alice, { name: 'two.bin', size: MiB });
    expectError(await alice.post('/api/uploads', { name: 'three.bin', size: 1 }), 507, 'quota_exceeded');
    // Replacing big.bin frees its MiB.
    const replacing = await start(alice, { name: 'big.bin', size: MiB, conflict: 'replace' });
    expect(replacing.conflict).toBe('replace');
    expect((await alice.delete(`/api/uploads/${first.id}`)).statusCode).toBe(204);
    await start(alice, { name: 'three.bin', size: MiB });
    expectError(await alice.post('/api/uploads', { name: 'four.bin', size: 1 }), 507, 'quota_exceeded');
    expect(second.id).not.toBe(existing.id);
  });

  it('lets only one of several concurrent creations reserve the same room', async () => {
    const alice = await t.newUser();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => alice.post('/api/uploads', { name: `race-${i}.bin`, size: 3 * MiB })));
    const statuses = results.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([201, 507, 507, 507, 507, 507]);
    expect((await alice.get('/api/uploads')).json().items).toHaveLength(1);
  });

  it('refuses more than 1000 open uploads per user with 429 and Retry-After', async () => {
    const alice = await t.newUser();
    await t.database.db.execute(sql`
      insert into upload_sessions (user_id, name, size, conflict, expires_at)
      select ${alice.user.id}, 'f' || n, 0, 'fail', now() + interval '2 hours' from generate_series(1, 1000) n`);
    const res = await alice.post('/api/uploads', { name: 'one-too-many', size: 0 });
    expectError(res, 429, 'rate_limited');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3600);
    expect(retryAfter).toBeLessThanOrEqual(7200);
    await t.database.db.execute(sql`delete from upload_sessions where user_id = ${alice.user.id} and name = 'f1'`);
    expect((await alice.post('/api/uploads', { name: 'now-fits', size: 0 })).statusCode).toBe(201);
  });
});

describe('another user\'s upload', () => {
  it('is not found on every route', async () => {
    const alice = await t.newUser();
    const mallory = await t.newUser();
    const session = await start(alice, { name: 'private.bin', size: 10 });
    await putChunk(alice, session.id, 0, randomBytes(10));
    expectError(await mallory.get(`/api/uploads/${session.id}`), 404, 'not_found');
    expect((await mallory.get('/api/uploads')).json()).toEqual({ items: [] });
    expectError(await putChunk(mallory, session.id, 10, Buffer.alloc(0)), 404, 'not_found');
    expectError(await putChunk(mallory, session.id, 0, randomBytes(1)), 404, 'not_found');
    expectError(await complete(mallory, session.id), 404, 'not_found');
    expectError(await complete(mallory, session.id, { conflict: 'rename' }), 404, 'not_found');
    expectError(await mallory.delete(`/api/uploads/${session.id}`), 404, 'not_found');
    expect((await children(mallory))).toEqual([]);
    // Still alice's, untouched.
    expect((await alice.get(`/api/uploads/${session.id}`)).json().offset).toBe(10);
    expect((await complete(alice, session.id)).statusCode).toBe(201);
  });

  it('and unknown or malformed ids are not found', async () => {
    const alice = await t.newUser();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      expectError(await alice.get(`/api/uploads/${id}`), 404, 'not_found');
      expectError(await putChunk(alice, id, 0, randomBytes(1)), 404, 'not_found');
      expectError(await complete(alice, id), 404, 'not_found');
      expectError(await alice.delete(`/api/uploads/${id}`), 404, 'not_found');
    }
  });
});

describe('releasing chunks', () => {
  it('DELETE releases the chunks: their content is collected from the store', async () => {
    const alice = await t.newUser();
    const content = randomBytes(300 * 1024);
    const session = await start(alice, { name: 'abandoned.bin', size: content.length });
    await sendAll(alice, session, content.subarray(0, 200 * 1024), 100 * 1024);
    const hashes = await chunkHashes(session.id);
    expect(hashes).toHaveLength(2);
    for (const sha of hashes) {
      expect(await blobExists(t, sha)).toBe(true);
    }
    const res = await alice.delete(`/api/uploads/${session.id}`);
    expect(res.statusCode).toBe(204);
    await expectCollected(hashes);
    expectError(await alice.get(`/api/uploads/${session.id}`), 404, 'not_found');
    expectError(await alice.delete(`/api/uploads/${session.id}`), 404, 'not_found');
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('keeps a chunk\'s content that a file also uses', async () => {
    const alice = await t.newUser();
    const piece = randomBytes(1000);
    const file = await alice.upload('piece.bin', piece);
    const session = await start(alice, { name: 'a.bin', size: 2000 });
    await putChunk(alice, session.id, 0, piece);
    expect(await blobRow(file.sha256)).toBe(2);
    expect((await alice.delete(`/api/uploads/${session.id}`)).statusCode).toBe(204);
    expect(await blobRow(file.sha256)).toBe(1);
    expect(await blobExists(t, file.sha256)).toBe(true);
  });

  it('the periodic job deletes expired uploads and collects their content; an expired upload is gone at once', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'stale.bin', size: 100 * 1024 });
    const fresh = await start(alice, { name: 'fresh.bin', size: 10 });
    await putChunk(alice, session.id, 0, randomBytes(50 * 1024));
    const hashes = await chunkHashes(session.id);
    await t.database.db.execute(sql`update upload_sessions set expires_at = now() - interval '1 second' where id = ${session.id}`);
    expectError(await alice.get(`/api/uploads/${session.id}`), 404, 'not_found');
    expectError(await putChunk(alice, session.id, 50 * 1024, randomBytes(1)), 404, 'not_found');
    expect((await alice.get('/api/uploads')).json().items.map((item: Session) => item.id)).toEqual([fresh.id]);
    expect(await t.app.services.maintenance.expireUploads()).toMatch(/^deleted [1-9]\d* expired upload sessions$/);
    expect(await queryRows(t.database.db, sql`select 1 from upload_sessions where id = ${session.id}`)).toEqual([]);
    await expectCollected(hashes);
    expect((await alice.get(`/api/uploads/${fresh.id}`)).statusCode).toBe(200);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('deleting the account releases its uploads\' chunks', async () => {
    const carol = await t.newUser();
    const dave = await t.newUser();
    const shared = randomBytes(2000);
    await dave.upload('shared.bin', shared);
    const session = await start(carol, { name: 'a.bin', size: 100 * 1024 });
    await putChunk(carol, session.id, 0, shared);
    const own = randomBytes(3000);
    await putChunk(carol, session.id, shared.length, own);
    await start(carol, { name: 'b.bin', size: 10 });
    await t.app.services.accounts.deleteAccount(carol.user.username);
    expect(await queryRows(t.database.db, sql`select 1 from upload_sessions where user_id = ${carol.user.id}`)).toEqual([]);
    await expectCollected([sha256(own)]);
    expect(await blobRow(sha256(shared))).toBe(1);
    expect(await blobExists(t, sha256(shared))).toBe(true);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});

describe('cross-origin writes', () => {
  it('are refused (403) on every writing route when authenticated by cookie, and the upload is untouched', async () => {
    const alice = await t.newUser();
    const session = await start(alice, { name: 'a.bin', size: 4 });
    const cross = { 'sec-fetch-site': 'cross-site' };
    expectError(await alice.post('/api/uploads', { name: 'b.bin', size: 1 }, cross), 403, 'forbidden');
    expectError(await alice.put(`/api/uploads/${session.id}/content?offset=0`, Buffer.from('data'), { ...cross, 'content-type': 'application/octet-stream' }), 403, 'forbidden');
    expectError(await alice.post(`/api/uploads/${session.id}/complete`, undefined, cross), 403, 'forbidden');
    expectError(await alice.delete(`/api/uploads/${session.id}`, cross), 403, 'forbidden');
    expect((await alice.get('/api/uploads')).json().items).toEqual([expect.objectContaining({ id: session.id, offset: 0 })]);
    // A bearer token is not subject to the check.
    const token = (await alice.post('/api/tokens', { name: 'sync' })).json().token as string;
    const script = alice.withToken(token);
    script.cookie = undefined;
    expect((await script.put(`/api/uploads/${session.id}/content?offset=0`, Buffer.from('data'), { ...cross, 'content-type': 'application/octet-stream' })).statusCode).toBe(200);
  });
});

describe('a restart', () => {
  it('keeps an upload and its chunks: it goes on where it was and completes byte-exact', async () => {
    const first = await createTestApp({ persistent: true });
    let second: TestApp | undefined;
    try {
      const alice = await first.newUser();
      const content = randomBytes(300 * 1024);
      const session = await start(alice, { name: 'across.bin', size: content.length });
      await sendAll(alice, session, content.subarray(0, 200 * 1024), 100 * 1024);
      await first.stop();

      second = await createTestApp({ dataDir: first.dataDir, databaseUrl: first.database.url, s3: first.s3 });
      const again = new ApiClient(second.app);
      expect((await again.post('/api/auth/login', { email: alice.user.email, password: alice.password })).statusCode).toBe(200);
      // The sweep at start-up leaves promoted chunks alone.
      await second.blobs.sweepStaging(0);
      expect((await again.get(`/api/uploads/${session.id}`)).json().offset).toBe(200 * 1024);
      expect((await putChunk(again, session.id, 200 * 1024, content.subarray(200 * 1024))).statusCode).toBe(200);
      const res = await complete(again, session.id);
      expect(res.statusCode).toBe(201);
      expect((await again.get(`/api/files/${res.json().id}/content`)).rawPayload.equals(content)).toBe(true);
      expect(await checkInvariants(second.database.db, second.blobs)).toEqual([]);
    } finally {
      await second?.close();
      await first.close();
    }
  });
});

describe('a completion that takes longer than the idle timeout', () => {
  it('is not taken for a dead connection: the answer arrives once the file is stored', async () => {
    const slow = await createTestApp({ env: { FILEFLOW_IDLE_TIMEOUT: '1s' } });
    try {
      await slow.app.listen({ port: 0, host: '127.0.0.1' });
      const slowPort = (slow.app.server.address() as AddressInfo).port;
      const alice = await slow.newUser();
      const content = randomBytes(100_000);
      const session = await start(alice, { name: 'slow.bin', size: content.length });
      expect((await putChunk(alice, session.id, 0, content)).statusCode).toBe(200);

      // Another change of her tree holds its lock for 1.5 s: the completion waits, saying nothing.
      let letGo!: () => void;
      const holding = slow.database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`tree:${alice.user.id}`}, 0))`);
        await new Promise<void>((resolve) => (letGo = resolve));
      });
      await eventually(async () => letGo !== undefined, Boolean);
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(
          { host: '127.0.0.1', port: slowPort, method: 'POST', path: `/api/uploads/${session.id}/complete`, agent: false, headers: { cookie: alice.cookie! } },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (text: string) => (body += text));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on('error', reject);
        request.end();
      });
      const released = new Promise((resolve) => setTimeout(resolve, 1500)).then(() => letGo());
      const { status, body } = await answer;
      await released;
      await holding;
      expect(status).toBe(201);
      expect(JSON.parse(body)).toMatchObject({ name: 'slow.bin', size: content.length, sha256: sha256(content) });
    } finally {
      await slow.close();
    }
  });
});
