import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { sha256 } from '../helpers/files.js';

let t: TestApp;
let alice: ApiClient;
let bob: ApiClient;
const CONTENT = Buffer.from('0123456789abcdefghij');
let file: { id: string; sha256: string };

beforeAll(async () => {
  t = await createTestApp();
  alice = await t.newUser();
  bob = await t.newUser();
  const res = await alice.putFile('digits.txt', CONTENT, { modifiedAt: '2023-03-04T05:06:07.000Z' });
  expect(res.statusCode).toBe(201);
  file = res.json();
});
afterAll(async () => {
  await t.close();
});

const url = (id: string, query = '') => `/api/files/${id}/content${query}`;

function expectSafetyHeaders(headers: Record<string, unknown>): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['content-security-policy']).toBe('sandbox');
}

/** Decodes the filename* parameter of a Content-Disposition header. */
function extendedFilename(header: string): string {
  const match = /filename\*=UTF-8''([^;\s]+)/.exec(header);
  if (!match?.[1]) {
    throw new Error(`no filename* in ${header}`);
  }
  return decodeURIComponent(match[1]);
}

/** The quoted filename parameter of a Content-Disposition header. */
function fallbackFilename(header: string): string {
  const match = /filename="([^"]*)"/.exec(header);
  if (!match?.[1]) {
    throw new Error(`no filename in ${header}`);
  }
  return match[1];
}

describe('GET /api/files/:id/content', () => {
  it('sends the bytes with the contract headers', async () => {
    const res = await alice.get(url(file.id));
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(CONTENT)).toBe(true);
    expect(res.headers['content-length']).toBe(String(CONTENT.length));
    expect(res.headers['content-type']).toMatch(/^text\/plain(;|$)/);
    expect(res.headers.etag).toBe(`"${sha256(CONTENT)}"`);
    expect(res.headers['last-modified']).toBe('Sat, 04 Mar 2023 05:06:07 GMT');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="digits.txt"; filename*=UTF-8''digits.txt`);
    expect(res.headers['content-range']).toBeUndefined();
    expectSafetyHeaders(res.headers);
  });

  it('serves the bytes to a bearer-token client too', async () => {
    const token = await alice.post('/api/tokens', { name: 'downloads' });
    expect(token.statusCode).toBe(201);
    const res = await alice.withToken(token.json().token).get(url(file.id));
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(CONTENT)).toBe(true);
  });

  it('answers HEAD with the same headers and no body', async () => {
    const get = await alice.get(url(file.id));
    const head = await alice.request('HEAD', url(file.id));
    expect(head.statusCode).toBe(200);
    expect(head.rawPayload.length).toBe(0);
    for (const name of ['content-length', 'content-type', 'etag', 'last-modified', 'accept-ranges', 'content-disposition', 'x-content-type-options', 'content-security-policy']) {
      expect(head.headers[name], name).toBe(get.headers[name]);
    }
    const ranged = await alice.request('HEAD', url(file.id), undefined, { range: 'bytes=2-5' });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['content-length']).toBe('4');
    expect(ranged.headers['content-range']).toBe(`bytes 2-5/${CONTENT.length}`);
    expect(ranged.rawPayload.length).toBe(0);
  });

  it('needs authentication', async () => {
    const res = await t.anonymous.get(url(file.id));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });
});

describe('ranges', () => {
  const size = CONTENT.length;
  const cases: Array<[string, string, number, number]> = [
    ['first bytes', 'bytes=0-4', 0, 4],
    ['the first byte', 'bytes=0-0', 0, 0],
    ['a middle slice', 'bytes=3-7', 3, 7],
    ['a single byte', 'bytes=19-19', 19, 19],
    ['a suffix', 'bytes=-5', size - 5, size - 1],
    ['an open end', 'bytes=5-', 5, size - 1],
    ['an end beyond the size (clamped)', 'bytes=10-1000', 10, size - 1],
    ['a suffix longer than the file', 'bytes=-1000', 0, size - 1],
  ];
  for (const [label, range, start, end] of cases) {
    it(`answers 206 for ${label} (${range})`, async () => {
      const res = await alice.get(url(file.id), { range });
      expect(res.statusCode).toBe(206);
      expect(res.rawPayload.equals(CONTENT.subarray(start, end + 1))).toBe(true);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.headers.etag).toBe(`"${file.sha256}"`);
      expectSafetyHeaders(res.headers);
    });
  }

  it('answers 416 with Content-Range bytes */size when the start is beyond the end (of every range asked for)', async () => {
    for (const range of ['bytes=20-', 'bytes=100-200', 'bytes=-0', 'bytes=30-40,50-60', 'bytes=-0, 100-']) {
      const res = await alice.get(url(file.id), { range });
      expect(res.statusCode).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${size}`);
      expect(res.json().error.code).toBe('range_not_satisfiable');
      expectSafetyHeaders(res.headers);
    }
  });

  it('sends the whole file for malformed ranges and for several ranges', async () => {
    for (const range of ['bytes=abc', 'lines=1-2', 'bytes=5-2', 'bytes', 'bytes=0-1,5-6', 'bytes=0-1, 10-12', 'bytes=0-1,100-200', 'bytes=100-,x']) {
      const res = await alice.get(url(file.id), { range });
      expect(res.statusCode, range).toBe(200);
      expect(res.rawPayload.equals(CONTENT)).toBe(true);
      expect(res.headers['content-length']).toBe(String(size));
      expect(res.headers['content-range']).toBeUndefined();
    }
  });

  it('honours If-Range only when it names the current etag', async () => {
    const matching = await alice.get(url(file.id), { range: 'bytes=0-1', 'if-range': `"${file.sha256}"` });
    expect(matching.statusCode).toBe(206);
    expect(matching.body).toBe('01');
    const stale = await alice.get(url(file.id), { range: 'bytes=0-1', 'if-range': '"something-else"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.equals(CONTENT)).toBe(true);
  });

  it('judges by the etag only: a date in If-Range or If-Modified-Since gets the whole file (docs/DECISIONS.md)', async () => {
    const lastModified = String((await alice.get(url(file.id))).headers['last-modified']);
    const byDate = await alice.get(url(file.id), { range: 'bytes=0-1', 'if-range': lastModified });
    expect(byDate.statusCode).toBe(200);
    expect(byDate.rawPayload.equals(CONTENT)).toBe(true);
    const sinceThen = await alice.get(url(file.id), { 'if-modified-since': lastModified });
    expect(sinceThen.statusCode).toBe(200);
    expect(sinceThen.rawPayload.equals(CONTENT)).toBe(true);
  });

  it('serves ranges of a large file byte-exact', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 11);
    const node = await alice.upload('big-range.bin', big);
    const start = 1024 * 1024 - 3;
    const end = 2 * 1024 * 1024 + 5;
    const res = await alice.get(url(node.id), { range: `bytes=${start}-${end}` });
    expect(res.statusCode).toBe(206);
    expect(res.rawPayload.equals(big.subarray(start, end + 1))).toBe(true);
    const tail = await alice.get(url(node.id), { range: 'bytes=-100' });
    expect(tail.rawPayload.equals(big.subarray(big.length - 100))).toBe(true);
  });

  it('answers a range of an empty file with 416 (no byte is there), and a suffix range with the empty whole', async () => {
    const empty = await alice.upload('empty-range.txt', Buffer.alloc(0));
    for (const range of ['bytes=0-10', 'bytes=0-0', 'bytes=0-']) {
      const res = await alice.get(url(empty.id), { range });
      expect(res.statusCode, range).toBe(416);
      expect(res.headers['content-range']).toBe('bytes */0');
    }
    const suffix = await alice.get(url(empty.id), { range: 'bytes=-5' });
    expect(suffix.statusCode).toBe(200);
    expect(suffix.rawPayload.length).toBe(0);
    expect(suffix.headers['content-length']).toBe('0');
  });
});

describe('conditional requests', () => {
  it('answers 304 without a body when If-None-Match names the etag', async () => {
    const etag = `"${file.sha256}"`;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await alice.get(url(file.id), { 'if-none-match': header });
      expect(res.statusCode, header).toBe(304);
      expect(res.rawPayload.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expectSafetyHeaders(res.headers);
    }
    const head = await alice.request('HEAD', url(file.id), undefined, { 'if-none-match': etag });
    expect(head.statusCode).toBe(304);
  });

  it('sends the content when the etag does not match', async () => {
    const res = await alice.get(url(file.id), { 'if-none-match': '"0000"' });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(CONTENT)).toBe(true);
  });

  it('a replaced file has a new etag, so the old one no longer matches', async () => {
    const first = await alice.upload('changing.txt', 'one');
    const replaced = await alice.putFile('changing.txt', 'two', { conflict: 'replace' });
    expect(replaced.json().id).toBe(first.id);
    const res = await alice.get(url(first.id), { 'if-none-match': `"${first.sha256}"` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('two');
    expect(res.headers.etag).toBe(`"${sha256('two')}"`);
  });
});

describe('Content-Disposition', () => {
  const names = [
    'résumé 日本.pdf',
    'say "hi".txt',
    'semi;colon; filename=evil.txt',
    'back\\slash.txt',
    '100% sure %41.txt',
    'crlf\\r\\nSet-Cookie: x=1.txt',
    "it's (a) *test*.txt",
    'emoji 🎉.png',
    'comma, here.txt',
  ];
  for (const name of names) {
    it(`names ${JSON.stringify(name)} safely in both parameters`, async () => {
      const node = await alice.upload(name, 'x');
      expect(node.name).toBe(name);
      const res = await alice.get(url(node.id));
      expect(res.statusCode).toBe(200);
      const header = String(res.headers['content-disposition']);
      expect(header).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''[^\s;"]+$/);
      // The header is printable ASCII: nothing can break out of it.
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      expect(extendedFilename(header)).toBe(name);
      const fallback = fallbackFilename(header);
      expect(fallback).not.toMatch(/["\\]/);
      expect(fallback.length).toBeGreaterThan(0);
      // No extra header was injected.
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  }

  it('keeps the ASCII part of a unicode name in the fallback', async () => {
    const node = await alice.upload('résumé 日本.pdf', 'x', (await alice.mkdir('fallbacks')).id);
    const header = String((await alice.get(url(node.id))).headers['content-disposition']);
    expect(fallbackFilename(header)).toMatch(/^r.sum. .+\.pdf$/);
  });

  it('names with control characters cannot be created at all', async () => {
    for (const name of ['a\r\nSet-Cookie: x=1', 'a\rb', 'a\nb']) {
      const res = await alice.putFile(name, 'x');
      expect(res.statusCode).toBe(400);
    }
  });
});

describe('?inline=1', () => {
  const inlineSafe: Array<[string, string]> = [
    ['pic.png', 'image/png'],
    ['paper.pdf', 'application/pdf'],
    ['readme.txt', 'text/plain'],
  ];
  for (const [name, type] of inlineSafe) {
    it(`serves ${name} inline`, async () => {
      const node = await alice.upload(`inline-${name}`, 'x');
      const res = await alice.get(url(node.id, '?inline=1'));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(new RegExp(`^${type.replace('/', '\\/')}(;|$)`));
      expect(res.headers['content-disposition']).toBe(`inline; filename="inline-${name}"; filename*=UTF-8''inline-${name}`);
      expectSafetyHeaders(res.headers);
      const attachment = await alice.get(url(node.id));
      expect(String(attachment.headers['content-disposition'])).toMatch(/^attachment;/);
    });
  }

  const unsafe = ['page.html', 'page.htm', 'image.svg', 'feed.xml', 'app.xhtml', 'script.js', 'unknown.bin'];
  for (const name of unsafe) {
    it(`keeps ${name} an attachment`, async () => {
      const node = await alice.upload(`unsafe-${name}`, '<script>alert(1)</script>');
      const res = await alice.get(url(node.id, '?inline=1'));
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-disposition'])).toMatch(/^attachment;/);
      expectSafetyHeaders(res.headers);
    });
  }
});

describe('not found', () => {
  it('answers 404 for folders, unknown or malformed ids, trashed files and other users\' files', async () => {
    const folder = await alice.mkdir('not-a-file');
    const trashed = await alice.upload('trashed.txt', 'bye');
    expect((await alice.delete(`/api/nodes/${trashed.id}`)).statusCode).toBe(200);
    const inTrashedFolder = await alice.upload('deep.txt', 'deep', (await alice.mkdir('doomed')).id);
    const doomed = (await alice.get(`/api/nodes/${inTrashedFolder.id}`)).json().parentId;
    expect((await alice.delete(`/api/nodes/${doomed}`)).statusCode).toBe(200);

    const ids = [folder.id, '00000000-0000-4000-8000-000000000000', 'nope', trashed.id, inTrashedFolder.id];
    for (const id of ids) {
      for (const method of ['GET', 'HEAD'] as const) {
        const res = await alice.request(method, url(id));
        expect(res.statusCode, `${method} ${id}`).toBe(404);
        if (method === 'GET') {
          expect(res.json().error.code).toBe('not_found');
        }
      }
    }
    const bobs = await bob.get(url(file.id));
    expect(bobs.statusCode).toBe(404);
    expect(bobs.json().error.code).toBe('not_found');
    const bobsRange = await bob.get(url(file.id), { range: 'bytes=0-1', 'if-none-match': `"${file.sha256}"` });
    expect(bobsRange.statusCode).toBe(404);
  });
});
