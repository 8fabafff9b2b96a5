import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { multipartBody } from '../helpers/multipart.js';

/** Hostile input gets a 4xx in the contract's shape, and the server stays healthy. */
let t: TestApp;
let alice: ApiClient;
let base: string;

beforeAll(async () => {
  t = await createTestApp({ env: { FILEFLOW_IDLE_TIMEOUT: '1s' } });
  alice = await t.newUser();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
});

async function expectHealthy(): Promise<void> {
  const res = await t.anonymous.get('/api/health');
  expect(res.statusCode).toBe(200);
}

// Every error code the contract names (API.md), and the one the server adds for its documented 416.
const CONTRACT_CODES = [
  'invalid_request',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'name_taken',
  'email_taken',
  'username_taken',
  'invalid_move',
  'password_required',
  'share_expired',
  'share_exhausted',
  'too_large',
  'rate_limited',
  'quota_exceeded',
  'range_not_satisfiable',
];

function expectContractError(res: { statusCode: number; json(): unknown; body: string }, status?: number): void {
  if (status !== undefined) {
    expect(res.statusCode).toBe(status);
  }
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(500);
  expect(res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(CONTRACT_CODES).toContain((res.json() as { error: { code: string } }).error.code);
  expect(res.body).not.toMatch(/at .*\.ts:\d+|node_modules/);
}

describe('hostile names', () => {
  const bad = ['../etc', 'a/b', '..', '.', 'nul\u0000byte', 'tab\tname', 'line\nbreak', 'evil\u202Etxt.exe', 'iso\u2066late', 'x'.repeat(256), '日'.repeat(86), 'y'.repeat(10_000), '', '   '];
  it.each(bad.map((name) => [JSON.stringify(name).slice(0, 40), name]))('refuses %s for folders, uploads and renames', async (_label, name) => {
    expectContractError(await alice.post('/api/folders', { name }), 400);
    expectContractError(await alice.putFile(name, 'x'), 400);
    expectContractError(await alice.post('/api/uploads', { name, size: 1 }), 400);
    const folder = await alice.mkdir(`ok-${Math.random()}`);
    expectContractError(await alice.patch(`/api/nodes/${folder.id}`, { name }), 400);
  });

  it('refuses names that no UTF-8 can hold instead of storing U+FFFD in their place', async () => {
    for (const name of ['half\ud800', '\udc00tail']) {
      expectContractError(await alice.post('/api/folders', { name }), 400);
      const folder = await alice.mkdir(`ok-${Math.random()}`);
      expectContractError(await alice.patch(`/api/nodes/${folder.id}`, { name }), 400);
    }
    for (const encoded of ['%ff.txt', 'caf%e9.txt', '%c3%28']) {
      const res = await alice.put(`/api/files/content?name=${encoded}`, Buffer.from('x'));
      expectContractError(res, 400);
      expect(res.json().error.message).toContain('UTF-8');
    }
    // U+FFFD itself is a character like any other, and a stray "%" is taken literally.
    expect((await alice.put('/api/files/content?name=%EF%BF%BD.txt', Buffer.from('x'))).json().name).toBe('\ufffd.txt');
    expect((await alice.put('/api/files/content?name=100%.txt', Buffer.from('x'))).json().name).toBe('100%.txt');
    await expectHealthy();
  });

  it('refuses JSON bodies that are not UTF-8 instead of storing U+FFFD in place of their bytes', async () => {
    const json = { 'content-type': 'application/json' };
    const folder = await alice.mkdir(`utf8-${Math.random()}`);
    // A raw Latin-1 "é", a byte that never starts UTF-8, an encoded surrogate, a sequence cut short.
    for (const bad of [[0xe9], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const name = Buffer.concat([Buffer.from('c'), Buffer.from(bad), Buffer.from('x')]);
      const body = Buffer.concat([Buffer.from('{"name":"'), name, Buffer.from('"}')]);
      for (const res of [
        await alice.post('/api/folders', body, json),
        await alice.patch(`/api/nodes/${folder.id}`, body, json),
        await alice.post('/api/tokens', body, json),
      ]) {
        expectContractError(res, 400);
        expect(res.json().error.message).toMatch(/^body: .*UTF-8/);
      }
    }
    expect((await alice.get(`/api/nodes/${folder.id}`)).json().name).toBe(folder.name);
    expect((await alice.get('/api/folders/root/children')).json().items.map((n: { name: string }) => n.name)).not.toContain('c\ufffdx');
    // U+FFFD sent as UTF-8 is a character like any other.
    const fffd = await alice.post('/api/folders', Buffer.from('{"name":"c\ufffdx"}', 'utf8'), json);
    expect(fffd.statusCode, fffd.body).toBe(201);
    expect(fffd.json().name).toBe('c\ufffdx');
    await expectHealthy();
  });

  it('accepts the edge that is legal: 255 bytes, unicode, spaces trimmed', async () => {
    expect((await alice.post('/api/folders', { name: 'z'.repeat(255) })).statusCode).toBe(201);
    expect((await alice.post('/api/folders', { name: '日'.repeat(85) })).statusCode).toBe(201);
    const trimmed = await alice.post('/api/folders', { name: '  padded  ' });
    expect(trimmed.json().name).toBe('padded');
    await expectHealthy();
  });
});

describe('hostile bodies', () => {
  it('malformed, huge and mistyped JSON', async () => {
    expectContractError(await alice.post('/api/folders', '{"name": ', { 'content-type': 'application/json' }), 400);
    expectContractError(await alice.post('/api/folders', `{"name": "${'a'.repeat(2 * 1024 * 1024)}"}`, { 'content-type': 'application/json' }), 413);
    expectContractError(await alice.post('/api/folders', { name: 42 }), 400);
    expectContractError(await alice.post('/api/folders', { name: ['a'] }), 400);
    expectContractError(await alice.post('/api/folders', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 400);
    expectContractError(await alice.post('/api/folders', '<xml/>', { 'content-type': 'text/xml' }), 400);
    expectContractError(await alice.post('/api/folders', [1, 2, 3]), 400);
    expectContractError(await alice.post('/api/auth/login', { email: { $gt: '' }, password: 'x' }), 400);
    await expectHealthy();
  });

  it('resumable uploads: sizes and offsets of every shape', async () => {
    const json = { 'content-type': 'application/json' };
    for (const size of ['1e400', '-0.5', '9007199254740993', '"12"', 'null', '[1]', '{"$gt":0}', '0x10']) {
      expectContractError(await alice.post('/api/uploads', `{"name":"x.bin","size":${size}}`, json), 400);
    }
    expectContractError(await alice.post('/api/uploads', '{"name":"x.bin","size":1,"__proto__":{"size":5}}', json), 400);
    const session = (await alice.post('/api/uploads', { name: 'x.bin', size: 10 })).json();
    for (const offset of ['-1', '1e3', '0x0', '99999999999999999999', '%00', '0&offset=1']) {
      expectContractError(await alice.put(`/api/uploads/${session.id}/content?offset=${offset}`, Buffer.from('x')), 400);
    }
    expectContractError(await alice.post(`/api/uploads/${session.id}/complete`, { conflict: { $ne: 'fail' } }), 400);
    expect((await alice.get(`/api/uploads/${session.id}`)).json().offset).toBe(0);
    await expectHealthy();
  });

  it('multipart bombs: thousands of parts, enormous part headers, no boundary', async () => {
    const many = multipartBody(Array.from({ length: 3000 }, (_, i) => ({ field: `f${i}`, value: 'x' })));
    expectContractError(await alice.post('/api/files', many.body, { 'content-type': many.contentType }));
    const hugeHeader = multipartBody([{ file: 'x', filename: `${'h'.repeat(100_000)}.txt` }]);
    expectContractError(await alice.post('/api/files', hugeHeader.body, { 'content-type': hugeHeader.contentType }));
    expectContractError(await alice.post('/api/files', 'garbage', { 'content-type': 'multipart/form-data' }));
    expectContractError(await alice.post('/api/files', { file: 'json' }), 400);
    await expectHealthy();
  });
});

describe('hostile ranges', () => {
  it.each(['bytes=-0', 'bytes=-1-5', 'bytes=99999999999999999999-', 'bytes=5-2', 'bytes=abc', 'items=0-1', 'bytes=0-1,2-3,4-5', 'bytes=100-200', `bytes=${'0-1,'.repeat(2000)}0-1`])(
    '%s → 206, 200, or 416 and never a 500',
    async (range) => {
      const file = await alice.upload(`r-${Math.random()}.txt`, '0123456789');
      const res = await alice.get(`/api/files/${file.id}/content`, { range });
      expect([200, 206, 416]).toContain(res.statusCode);
      if (res.statusCode === 416) {
        expect(res.headers['content-range']).toBe('bytes */10');
      }
    },
  );
});

describe('hostile search and tokens', () => {
  it.each(["' or 1=1 --", '%', '_', '\\', '%%_\\%', "'; drop table users; --", '\u0000', '😀'.repeat(60), 'a'.repeat(300)])('search %s answers 200 or 400', async (q) => {
    const res = await alice.get(`/api/search?q=${encodeURIComponent(q)}`);
    expect([200, 400]).toContain(res.statusCode);
    if (res.statusCode === 200) {
      expect(res.json().results.every((r: { name: string }) => r.name.toLowerCase().includes(q.toLowerCase()))).toBe(true);
    }
  });

  it('share tokens of every length are 404, never 500', async () => {
    for (const length of [0, 1, 10, 42, 43, 44, 64, 100, 200]) {
      const token = 'A'.repeat(length);
      const res = await t.anonymous.get(`/api/public/shares/${encodeURIComponent(token)}`);
      expect([404]).toContain(res.statusCode);
    }
    for (const token of ["' or 1=1 --", '../../etc/passwd', '%00', '😀']) {
      expect((await t.anonymous.get(`/api/public/shares/${encodeURIComponent(token)}/content`)).statusCode).toBe(404);
    }
    await expectHealthy();
  });

  it('bearer tokens of every shape are 401', async () => {
    for (const token of ['', 'x', 'ffp_', `ffp_${'a'.repeat(43)}`, 'Bearer', "' or 1=1"]) {
      const res = await t.anonymous.get('/api/me', { authorization: `Bearer ${token}` });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('requests the HTTP parser refuses', () => {
  /** Sends raw bytes and reads the whole answer until the server closes the connection. */
  async function raw(bytes: string): Promise<{ status: number; headers: string; body: string }> {
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    socket.on('error', () => undefined);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(bytes);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const text = Buffer.concat(chunks).toString('utf8');
    const [head = '', body = ''] = text.split('\r\n\r\n');
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body };
  }

  it('answers headers too large, garbage and contradictory framing with the contract error body', async () => {
    const answers = [
      [await raw(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`), 431, 'too_large'],
      [await raw('GARBAGE\r\n\r\n'), 400, 'invalid_request'],
      [await raw('GET /api/me HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'), 400, 'invalid_request'],
      [await raw('POST /api/folders HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'), 400, 'invalid_request'],
    ] as const;
    for (const [answer, status, code] of answers) {
      expect(answer.status, answer.headers).toBe(status);
      expect(answer.headers).toMatch(/content-type: application\/json/i);
      expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String) } });
    }
    await expectHealthy();
  });
});

describe('slow clients', () => {
  it('closes an upload whose client stops sending, and leaves nothing behind', async () => {
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      socket.once('close', () => resolve(Date.now() - started));
    });
    socket.on('error', () => undefined);
    socket.write(
      `PUT /api/files/content?name=slow.bin HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${alice.cookie}\r\n` +
        'Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n' +
        'x'.repeat(1000),
    );
    // The client now stalls: the server must drop it after the idle timeout (1 s here).
    expect(await closed).toBeLessThan(10_000);
    const list = await alice.get('/api/folders/root/children?limit=1000');
    expect(list.json().items.map((n: { name: string }) => n.name)).not.toContain('slow.bin');
    await expectHealthy();
  }, 20_000);
});
