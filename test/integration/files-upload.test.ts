import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { blobCount, children, postMultipart, sha256, storageOf } from '../helpers/files.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const NODE_KEYS = ['createdAt', 'etag', 'favorite', 'id', 'mimeType', 'modifiedAt', 'name', 'parentId', 'sha256', 'size', 'type', 'updatedAt'];
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function download(client: ApiClient, id: string): Promise<Buffer> {
  const res = await client.get(`/api/files/${id}/content`);
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string): void {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

describe('PUT /api/files/content (raw body)', () => {
  it('stores the file and answers 201 with the node', async () => {
    const alice = await t.newUser();
    const content = Buffer.from('hello, raw world\n');
    const before = Date.now();
    const res = await alice.putFile('notes.txt', content);
    expect(res.statusCode).toBe(201);
    const node = res.json();
    expect(Object.keys(node).sort()).toEqual(NODE_KEYS);
    expect(node).toMatchObject({
      name: 'notes.txt',
      type: 'file',
      parentId: null,
      size: content.length,
      mimeType: 'text/plain',
      sha256: sha256(content),
      favorite: false,
    });
    expect(node.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof node.etag).toBe('string');
    for (const key of ['modifiedAt', 'createdAt', 'updatedAt']) {
      expect(node[key]).toMatch(ISO);
      expect(Date.parse(node[key])).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(node[key])).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect(await download(alice, node.id)).toEqual(content);
    const fetched = await alice.get(`/api/nodes/${node.id}`);
    expect(fetched.json()).toEqual(node);
  });

  it('derives the MIME type from the name', async () => {
    const alice = await t.newUser();
    const cases: Array<[string, string]> = [
      ['photo.png', 'image/png'],
      ['doc.pdf', 'application/pdf'],
      ['page.html', 'text/html'],
      ['data.json', 'application/json'],
      ['blob.unknownextension', 'application/octet-stream'],
      ['Makefile', 'application/octet-stream'],
      ['SHOUTING.PDF', 'application/pdf'],
      ['backup.tar.gz', 'application/gzip'],
      // A name that is all extension, or a dot file, has no extension: not a PDF, not HTML.
      ['pdf', 'application/octet-stream'],
      ['html', 'application/octet-stream'],
      ['.png', 'application/octet-stream'],
    ];
    for (const [name, mimeType] of cases) {
      const res = await alice.putFile(name, 'x');
      expect(res.statusCode).toBe(201);
      expect(res.json().mimeType).toBe(mimeType);
    }
  });

  it('takes modifiedAt as ISO 8601 or epoch milliseconds, separate from createdAt', async () => {
    const alice = await t.newUser();
    const iso = await alice.putFile('iso.txt', 'a', { modifiedAt: '2020-01-02T03:04:05.678Z' });
    expect(iso.statusCode).toBe(201);
    expect(iso.json().modifiedAt).toBe('2020-01-02T03:04:05.678Z');
    expect(Date.parse(iso.json().createdAt)).toBeGreaterThan(Date.parse('2024-01-01'));

    const offset = await alice.putFile('offset.txt', 'a', { modifiedAt: '2021-06-01T12:00:00+02:00' });
    expect(offset.statusCode).toBe(201);
    expect(offset.json().modifiedAt).toBe('2021-06-01T10:00:00.000Z');

    const epoch = await alice.putFile('epoch.txt', 'a', { modifiedAt: String(Date.UTC(2019, 4, 6, 7, 8, 9, 10)) });
    expect(epoch.statusCode).toBe(201);
    expect(epoch.json().modifiedAt).toBe('2019-05-06T07:08:09.010Z');

    const download = await alice.get(`/api/files/${epoch.json().id}/content`);
    expect(download.headers['last-modified']).toBe('Mon, 06 May 2019 07:08:09 GMT');
  });

  it('reads a modifiedAt without an offset as UTC, whatever time zone the server runs in', async () => {
    const alice = await t.newUser();
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const raw = await alice.putFile('no-offset.txt', 'a', { modifiedAt: '2020-01-02T03:04:05' });
      expect(raw.statusCode).toBe(201);
      expect(raw.json().modifiedAt).toBe('2020-01-02T03:04:05.000Z');
      for (const [i, spelling] of ['2020-01-02 03:04:05', '2020-01-02t03:04:05'].entries()) {
        const other = await alice.putFile(`no-offset-${i}.txt`, 'a', { modifiedAt: spelling });
        expect(other.json().modifiedAt, spelling).toBe('2020-01-02T03:04:05.000Z');
      }
      const res = await postMultipart(alice, [
        { field: 'modifiedAt', value: '2020-07-08T09:10' },
        { file: 'b', filename: 'no-offset-form.txt' },
      ]);
      expect(res.statusCode).toBe(201);
      expect(res.json().uploaded[0].modifiedAt).toBe('2020-07-08T09:10:00.000Z');
    } finally {
      if (zone === undefined) {
        delete process.env.TZ;
      } else {
        process.env.TZ = zone;
      }
    }
  });

  it('refuses a malformed modifiedAt with 400', async () => {
    const alice = await t.newUser();
    for (const modifiedAt of ['yesterday', '2020-13-45T00:00:00Z', '2020-02-30', '2021-02-29T10:00:00Z', '2020-04-31', '12abc', '-5']) {
      const res = await alice.putFile('bad-time.txt', 'a', { modifiedAt });
      expectError(res, 400, 'invalid_request');
      expect(res.json().error.message).toContain('modifiedAt');
    }
    expect(await children(alice)).toEqual([]);
  });

  it('stores into a folder given by parentId', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('docs');
    const node = await alice.upload('inside.txt', 'inside', folder.id);
    expect(node).toMatchObject({ name: 'inside.txt', parentId: folder.id });
    expect((await children(alice, folder.id)).map((n) => n.name)).toEqual(['inside.txt']);
    expect(await children(alice)).toHaveLength(1);
    const root = await alice.putFile('at-root.txt', 'root', { parentId: 'root' });
    expect(root.statusCode).toBe(201);
    expect(root.json().parentId).toBeNull();
  });

  it('trims names and refuses invalid ones with 400 naming the field', async () => {
    const alice = await t.newUser();
    const trimmed = await alice.putFile('  spaced.txt  ', 'x');
    expect(trimmed.statusCode).toBe(201);
    expect(trimmed.json().name).toBe('spaced.txt');

    // Control characters at either end are refused too, not trimmed away (only spaces are trimmed).
    const invalid = ['', '   ', '.', '..', 'a/b.txt', 'tab\there', 'new\nline', 'nul\u0000byte', 'del\u007f', 'x'.repeat(256), 'é'.repeat(128), 'tail.txt\t', '\nhead.txt', ' \r '];
    for (const name of invalid) {
      const res = await alice.putFile(name, 'x');
      expectError(res, 400, 'invalid_request');
      expect(res.json().error.message).toMatch(/name/);
    }
    // 255 bytes of UTF-8 is still fine.
    const longest = await alice.putFile(`${'é'.repeat(126)}abc`, 'x');
    expect(longest.statusCode).toBe(201);
    const missing = await alice.put('/api/files/content', Buffer.from('x'), { 'content-type': 'application/octet-stream' });
    expectError(missing, 400, 'invalid_request');
    expect((await children(alice)).map((n) => n.name).sort()).toEqual(['spaced.txt', `${'é'.repeat(126)}abc`].sort());
  });

  it('refuses a bad conflict value with 400', async () => {
    const alice = await t.newUser();
    const res = await alice.putFile('a.txt', 'x', { conflict: 'overwrite' });
    expectError(res, 400, 'invalid_request');
    expect(res.json().error.message).toContain('conflict');
    expect(await children(alice)).toEqual([]);
  });

  it('answers 404 for a parent that is malformed, unknown, a file, trashed or another user\'s', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const bobsFolder = await bob.mkdir('private');
    const aFile = await alice.upload('file.txt', 'x');
    const trashed = await alice.mkdir('gone');
    expect((await alice.delete(`/api/nodes/${trashed.id}`)).statusCode).toBe(200);
    for (const parentId of ['not-an-id', '00000000-0000-4000-8000-000000000000', aFile.id, trashed.id, bobsFolder.id]) {
      const res = await alice.putFile('x.txt', 'x', { parentId });
      expectError(res, 404, 'not_found');
    }
    expect((await children(alice)).map((n) => n.name)).toEqual(['file.txt']);
    expect(await children(bob, bobsFolder.id)).toEqual([]);
  });

  it('needs authentication', async () => {
    const res = await t.anonymous.putFile('x.txt', 'x');
    expectError(res, 401, 'unauthenticated');
  });

  it('stores an empty file', async () => {
    const alice = await t.newUser();
    const node = await alice.upload('empty.txt', Buffer.alloc(0));
    expect(node).toMatchObject({ size: 0, sha256: EMPTY_SHA256 });
    const res = await alice.get(`/api/files/${node.id}/content`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.rawPayload.length).toBe(0);
  });

  it('round-trips a 5 MB file byte-exact', async () => {
    const alice = await t.newUser();
    const content = randomBytes(5 * 1024 * 1024 + 7);
    const node = await alice.upload('big.bin', content);
    expect(node.size).toBe(content.length);
    expect(node.sha256).toBe(sha256(content));
    const back = await download(alice, node.id);
    expect(back.length).toBe(content.length);
    expect(back.equals(content)).toBe(true);
    expect(await blobCount(t, node.sha256)).toBe(1);
    expect((await storageOf(alice)).storageUsed).toBe(content.length);
  });
});

describe('conflict policies', () => {
  it('fail (the default) answers 409 name_taken and keeps the original', async () => {
    const alice = await t.newUser();
    const original = await alice.upload('a.txt', 'original');
    for (const conflict of [undefined, 'fail']) {
      const res = await alice.putFile('a.txt', 'other', conflict ? { conflict } : {});
      expectError(res, 409, 'name_taken');
    }
    // The contract's template (`?parentId=&name=&conflict=&modifiedAt=`) filled in with blanks: the defaults.
    const blanks = await alice.put('/api/files/content?parentId=&name=a.txt&conflict=&modifiedAt=', Buffer.from('other'), {
      'content-type': 'application/octet-stream',
    });
    expectError(blanks, 409, 'name_taken');
    const multipartBlank = await postMultipart(alice, [
      { field: 'conflict', value: '' },
      { file: 'other', filename: 'a.txt' },
    ]);
    expectError(multipartBlank, 409, 'name_taken');
    const folder = await alice.mkdir('folder');
    expectError(await alice.putFile('folder', 'x'), 409, 'name_taken');
    expect((await download(alice, original.id)).toString()).toBe('original');
    expect((await children(alice)).map((n) => n.id).sort()).toEqual([original.id, folder.id].sort());
    expect((await storageOf(alice)).storageUsed).toBe('original'.length);
  });

  it('names are case-sensitive', async () => {
    const alice = await t.newUser();
    await alice.upload('Case.txt', 'a');
    expect((await alice.putFile('case.txt', 'b')).statusCode).toBe(201);
  });

  it('rename numbers the name before the extension, and extensionless names at the end', async () => {
    const alice = await t.newUser();
    await alice.upload('a.txt', '0');
    const names: string[] = [];
    for (let i = 1; i <= 2; i++) {
      const res = await alice.putFile('a.txt', String(i), { conflict: 'rename' });
      expect(res.statusCode).toBe(201);
      names.push(res.json().name);
    }
    expect(names).toEqual(['a (1).txt', 'a (2).txt']);

    await alice.upload('README', 'r');
    const readme = await alice.putFile('README', 'r2', { conflict: 'rename' });
    expect(readme.json().name).toBe('README (1)');
    const readme2 = await alice.putFile('README', 'r3', { conflict: 'rename' });
    expect(readme2.json().name).toBe('README (2)');

    await alice.upload('.profile', 'p');
    const dotfile = await alice.putFile('.profile', 'p2', { conflict: 'rename' });
    expect(dotfile.json().name).toBe('.profile (1)');

    // LIKE wildcards in the name are literal.
    await alice.upload('100%_done.txt', 'x');
    await alice.upload('100%_done (1).txt', 'x');
    const wild = await alice.putFile('100%_done.txt', 'y', { conflict: 'rename' });
    expect(wild.json().name).toBe('100%_done (2).txt');
    // A compressed tarball keeps both extensions.
    await alice.upload('photos.tar.gz', 't');
    expect((await alice.putFile('photos.tar.gz', 't2', { conflict: 'rename' })).json().name).toBe('photos (1).tar.gz');
    // Renaming a name that is already numbered numbers on from it.
    const again = await alice.putFile('100%_done (1).txt', 'z', { conflict: 'rename' });
    expect(again.json().name).toBe('100%_done (3).txt');

    // A folder of that name counts too.
    await alice.mkdir('shared');
    const beside = await alice.putFile('shared', 'file', { conflict: 'rename' });
    expect(beside.json()).toMatchObject({ name: 'shared (1)', type: 'file' });

    // No clash: the name stays.
    const free = await alice.putFile('fresh.txt', 'f', { conflict: 'rename' });
    expect(free.json().name).toBe('fresh.txt');
  });

  it('replace keeps the node id, swaps content and hash, and charges only the size difference', async () => {
    const alice = await t.newUser();
    const first = Buffer.from('first version, rather long');
    const original = await alice.upload('doc.txt', first);
    expect((await storageOf(alice)).storageUsed).toBe(first.length);

    const second = Buffer.from('v2');
    const res = await alice.putFile('doc.txt', second, { conflict: 'replace', modifiedAt: '2022-02-02T02:02:02.000Z' });
    expect(res.statusCode).toBe(201);
    const replaced = res.json();
    expect(replaced).toMatchObject({ id: original.id, name: 'doc.txt', size: second.length, sha256: sha256(second), modifiedAt: '2022-02-02T02:02:02.000Z' });
    expect(replaced.etag).not.toBe(original.etag);
    expect((await download(alice, original.id)).equals(second)).toBe(true);
    expect(await children(alice)).toHaveLength(1);
    expect((await storageOf(alice)).storageUsed).toBe(second.length);

    // The first content is referenced by nothing any more: it is gone from the store.
    expect(await blobCount(t, sha256(first))).toBe(0);
    expect(await blobCount(t, sha256(second))).toBe(1);

    const third = randomBytes(100);
    const grown = await alice.putFile('doc.txt', third, { conflict: 'replace' });
    expect(grown.json()).toMatchObject({ id: original.id, size: 100 });
    expect((await storageOf(alice)).storageUsed).toBe(100);
    expect(await blobCount(t, sha256(second))).toBe(0);

    // Replacing with identical content changes nothing stored.
    const same = await alice.putFile('doc.txt', third, { conflict: 'replace' });
    expect(same.statusCode).toBe(201);
    expect((await storageOf(alice)).storageUsed).toBe(100);
    expect(await blobCount(t, sha256(third))).toBe(1);
    expect((await download(alice, original.id)).equals(third)).toBe(true);
  });

  it('replace with no clash just creates the file', async () => {
    const alice = await t.newUser();
    const res = await alice.putFile('new.txt', 'n', { conflict: 'replace' });
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe('new.txt');
  });

  it('replace refuses to turn a folder into a file with 409', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('photos');
    await alice.upload('kept.jpg', 'k', folder.id);
    const res = await alice.putFile('photos', 'not a folder', { conflict: 'replace' });
    expectError(res, 409, 'name_taken');
    const node = await alice.get(`/api/nodes/${folder.id}`);
    expect(node.json().type).toBe('folder');
    expect(await children(alice, folder.id)).toHaveLength(1);
    expect((await storageOf(alice)).storageUsed).toBe(1);
  });
});

describe('concurrent uploads of one name', () => {
  it('fail: exactly one is stored, the others get 409', async () => {
    const alice = await t.newUser();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => alice.putFile('race.txt', `content ${i}`)));
    const statuses = results.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = results.find((res) => res.statusCode === 201)!.json();
    expect(await children(alice)).toHaveLength(1);
    expect((await storageOf(alice)).storageUsed).toBe(winner.size);
  });

  it('rename: every one is stored under its own numbered name', async () => {
    const alice = await t.newUser();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => alice.putFile('race.txt', `content ${i}`, { conflict: 'rename' })));
    expect(results.map((res) => res.statusCode)).toEqual(results.map(() => 201));
    const names = results.map((res) => res.json().name).sort();
    expect(names).toEqual(['race (1).txt', 'race (2).txt', 'race (3).txt', 'race (4).txt', 'race (5).txt', 'race.txt']);
    for (const res of results) {
      const node = res.json();
      expect((await download(alice, node.id)).toString()).toBe(`content ${results.indexOf(res)}`);
    }
  });

  it('replace: one node remains, charged for its final content, with older contents collected', async () => {
    const alice = await t.newUser();
    const contents = Array.from({ length: 6 }, (_, i) => randomBytes(100 + i * 10));
    const results = await Promise.all(contents.map((content) => alice.putFile('race.bin', content, { conflict: 'replace' })));
    expect(results.map((res) => res.statusCode)).toEqual(results.map(() => 201));
    const items = await children(alice);
    expect(items).toHaveLength(1);
    const final = items[0]!;
    expect(new Set(results.map((res) => res.json().id))).toEqual(new Set([final.id]));
    const finalContent = contents.find((content) => sha256(content) === final.sha256)!;
    expect((await download(alice, final.id)).equals(finalContent)).toBe(true);
    expect((await storageOf(alice)).storageUsed).toBe(finalContent.length);
    for (const content of contents) {
      expect(await blobCount(t, sha256(content))).toBe(content === finalContent ? 1 : 0);
    }
  });
});

describe('POST /api/files (multipart)', () => {
  it('stores several files from one request', async () => {
    const alice = await t.newUser();
    const one = randomBytes(1000);
    const two = Buffer.from('second file');
    const res = await postMultipart(alice, [
      { file: one, filename: 'one.bin' },
      { file: two, filename: 'two.txt', contentType: 'text/plain' },
      { file: '', filename: 'three-empty.md' },
    ]);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['failed', 'uploaded']);
    expect(body.failed).toEqual([]);
    expect(body.uploaded).toHaveLength(3);
    const [a, b, c] = body.uploaded;
    expect(Object.keys(a).sort()).toEqual(NODE_KEYS);
    expect(a).toMatchObject({ name: 'one.bin', type: 'file', size: 1000, sha256: sha256(one), mimeType: 'application/octet-stream', parentId: null });
    expect(b).toMatchObject({ name: 'two.txt', size: two.length, sha256: sha256(two), mimeType: 'text/plain' });
    expect(c).toMatchObject({ name: 'three-empty.md', size: 0, sha256: EMPTY_SHA256, mimeType: 'text/markdown' });
    expect((await download(alice, a.id)).equals(one)).toBe(true);
    expect((await download(alice, b.id)).equals(two)).toBe(true);
    expect((await download(alice, c.id)).length).toBe(0);
    expect((await storageOf(alice)).storageUsed).toBe(1000 + two.length);
  });

  it('applies parentId, conflict and modifiedAt fields to the file parts after them', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('target');
    await alice.upload('clash.txt', 'old', folder.id);
    const res = await postMultipart(alice, [
      { file: 'at root', filename: 'early.txt' },
      { field: 'parentId', value: folder.id },
      { field: 'conflict', value: 'rename' },
      { field: 'modifiedAt', value: '2001-09-09T01:46:40.000Z' },
      { file: 'renamed', filename: 'clash.txt' },
      { field: 'modifiedAt', value: '1000000000000' },
      { file: 'epoch', filename: 'epoch.txt' },
    ]);
    expect(res.statusCode).toBe(201);
    const [early, renamed, epoch] = res.json().uploaded;
    expect(early.parentId).toBeNull();
    expect(Date.parse(early.modifiedAt)).toBeGreaterThan(Date.parse('2024-01-01'));
    expect(renamed).toMatchObject({ name: 'clash (1).txt', parentId: folder.id, modifiedAt: '2001-09-09T01:46:40.000Z' });
    expect(epoch).toMatchObject({ name: 'epoch.txt', parentId: folder.id, modifiedAt: '2001-09-09T01:46:40.000Z' });
    expect(renamed.createdAt).not.toBe(renamed.modifiedAt);
    expect((await children(alice, folder.id)).map((n) => n.name).sort()).toEqual(['clash (1).txt', 'clash.txt', 'epoch.txt']);
  });

  it('replace through multipart keeps the id', async () => {
    const alice = await t.newUser();
    const original = await alice.upload('r.txt', 'old content');
    const res = await postMultipart(alice, [
      { field: 'conflict', value: 'replace' },
      { file: 'new', filename: 'r.txt' },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json().uploaded[0]).toMatchObject({ id: original.id, size: 3, sha256: sha256('new') });
    expect((await storageOf(alice)).storageUsed).toBe(3);
  });

  it('answers 201 with the failures listed when some files were stored', async () => {
    const alice = await t.newUser();
    await alice.upload('taken.txt', 'first');
    const res = await postMultipart(alice, [
      { file: 'a', filename: 'taken.txt' },
      { file: 'b', filename: 'fresh.txt' },
      { file: 'c', filename: 'x'.repeat(256) },
    ]);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.uploaded.map((n: { name: string }) => n.name)).toEqual(['fresh.txt']);
    expect(body.failed).toEqual([
      { name: 'taken.txt', error: { code: 'name_taken', message: expect.any(String) } },
      { name: 'x'.repeat(256), error: { code: 'invalid_request', message: expect.any(String) } },
    ]);
    expect((await children(alice)).map((n) => n.name).sort()).toEqual(['fresh.txt', 'taken.txt']);
  });

  it('answers the first failure\'s status and body when nothing was stored', async () => {
    const alice = await t.newUser();
    await alice.upload('one.txt', '1');
    await alice.upload('two.txt', '2');
    const res = await postMultipart(alice, [
      { file: 'x', filename: 'one.txt' },
      { file: 'y', filename: '..' },
      { file: 'z', filename: 'two.txt' },
    ]);
    expectError(res, 409, 'name_taken');
    expect(res.json().error.message).toContain('one.txt');

    const invalidFirst = await postMultipart(alice, [
      { file: 'y', filename: '..' },
      { file: 'x', filename: 'one.txt' },
    ]);
    expectError(invalidFirst, 400, 'invalid_request');
    expect((await storageOf(alice)).storageUsed).toBe(2);
  });

  it('fails the files after a bad field, not the ones before it, and answers 201 when some were stored', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Docs');
    const res = await postMultipart(alice, [
      { file: 'a', filename: 'a.txt' },
      { field: 'parentId', value: 'nope' },
      { file: 'b', filename: 'b.txt' },
      { field: 'parentId', value: folder.id },
      { file: 'c', filename: 'c.txt' },
      { field: 'conflict', value: 'bogus' },
      { file: 'd', filename: 'd.txt' },
      // A bad field that governs no file changes nothing.
      { field: 'modifiedAt', value: 'garbage' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.uploaded.map((n: { name: string; parentId: string | null }) => [n.name, n.parentId])).toEqual([
      ['a.txt', null],
      ['c.txt', folder.id],
    ]);
    expect(body.failed).toEqual([
      { name: 'b.txt', error: { code: 'not_found', message: expect.any(String) } },
      { name: 'd.txt', error: { code: 'invalid_request', message: expect.stringContaining('conflict') } },
    ]);
    expect((await children(alice)).map((n) => n.name)).toEqual(['Docs', 'a.txt']);
    expect((await storageOf(alice)).storageUsed).toBe(2);
    // Nothing stored: the first failure, whether a field's or a file's.
    expectError(await postMultipart(alice, [{ field: 'parentId', value: 'nope' }]), 404, 'not_found');
    expectError(await postMultipart(alice, [{ file: 'a', filename: 'a.txt' }, { field: 'parentId', value: 'nope' }, { file: 'e', filename: 'e.txt' }]), 409, 'name_taken');
  });

  it('drops a path before a file name, and names refused names as sent', async () => {
    const alice = await t.newUser();
    const res = await postMultipart(alice, [
      { file: 'a', filename: 'dir/sub.txt' },
      { file: 'b', filename: 'C:\\fake\\w.txt' },
      { file: 'c', filename: '..' },
      { file: 'd', filename: 'x/.' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().uploaded.map((n: { name: string }) => n.name)).toEqual(['sub.txt', 'w.txt']);
    expect(res.json().failed.map((f: { name: string; error: { code: string } }) => [f.name, f.error.code])).toEqual([
      ['..', 'invalid_request'],
      ['.', 'invalid_request'],
    ]);
  });

  it('answers 400 without a file part', async () => {
    const alice = await t.newUser();
    const onlyFields = await postMultipart(alice, [{ field: 'parentId', value: 'root' }]);
    expectError(onlyFields, 400, 'invalid_request');
    const wrongName = await postMultipart(alice, [{ file: 'x', filename: 'x.txt', field: 'attachment' }]);
    expectError(wrongName, 400, 'invalid_request');
    expect(await children(alice)).toEqual([]);
  });

  it('refuses a file part without a filename with 400, whatever its type, and stores the named ones', async () => {
    const alice = await t.newUser();
    // FormData.append('file', blob, '') sends this: a file to the parser, with no filename at all.
    const octets = await postMultipart(alice, [{ file: 'hello' }]);
    expectError(octets, 400, 'invalid_request');
    expect(octets.json().error.message).toMatch(/^file: .*filename/);
    const text = await postMultipart(alice, [{ file: 'hello', contentType: 'text/plain' }]);
    expectError(text, 400, 'invalid_request');
    expect(text.json().error.message).toMatch(/^file: .*filename/);
    expect(await children(alice)).toEqual([]);

    const mixed = await postMultipart(alice, [{ file: 'a' }, { file: 'b', filename: 'b.txt' }, { file: 'c', contentType: 'text/plain' }]);
    expect(mixed.statusCode, mixed.body).toBe(201);
    expect(mixed.json().uploaded.map((n: { name: string }) => n.name)).toEqual(['b.txt']);
    expect(mixed.json().failed.map((f: { name: string; error: { code: string } }) => [f.name, f.error.code])).toEqual([
      ['', 'invalid_request'],
      ['', 'invalid_request'],
    ]);
    expect((await alice.get('/api/me')).json().storageUsed).toBe(1);
  });

  it('refuses a body that is not multipart with 400 naming the content type', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/files', { name: 'x' });
    expectError(res, 400, 'invalid_request');
    expect(res.json().error.message).toMatch(/^content-type: /);
  });

  it('answers 400 for a bad conflict field', async () => {
    const alice = await t.newUser();
    const res = await postMultipart(alice, [
      { field: 'conflict', value: 'clobber' },
      { file: 'x', filename: 'x.txt' },
    ]);
    expectError(res, 400, 'invalid_request');
    expect(res.json().error.message).toContain('conflict');
    expect(await children(alice)).toEqual([]);
  });

  it('answers 400 for a bad modifiedAt field', async () => {
    const alice = await t.newUser();
    const res = await postMultipart(alice, [
      { field: 'modifiedAt', value: 'last tuesday' },
      { file: 'x', filename: 'x.txt' },
    ]);
    expectError(res, 400, 'invalid_request');
    expect(await children(alice)).toEqual([]);
  });

  it('answers 404 for a parent that is malformed, unknown, a file or another user\'s', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const bobsFolder = await bob.mkdir('bobs');
    const aFile = await alice.upload('file.txt', 'x');
    for (const parentId of ['nope', '00000000-0000-4000-8000-000000000000', aFile.id, bobsFolder.id]) {
      const res = await postMultipart(alice, [
        { field: 'parentId', value: parentId },
        { file: 'x', filename: 'x.txt' },
      ]);
      expectError(res, 404, 'not_found');
    }
    expect(await children(bob, bobsFolder.id)).toEqual([]);
    expect(await children(alice)).toHaveLength(1);
  });

  it('round-trips a 5 MB file byte-exact', async () => {
    const alice = await t.newUser();
    const content = randomBytes(5 * 1024 * 1024);
    const res = await postMultipart(alice, [{ file: content, filename: 'big.bin' }]);
    expect(res.statusCode).toBe(201);
    const node = res.json().uploaded[0];
    expect(node.sha256).toBe(sha256(content));
    expect((await download(alice, node.id)).equals(content)).toBe(true);
  });

  it('refuses a filename that is not UTF-8, listed in failed, instead of storing U+FFFD in its place', async () => {
    const alice = await t.newUser();
    const bad = [
      Buffer.concat([Buffer.from('filename="caf'), Buffer.from([0xe9]), Buffer.from('x.txt"')]),
      Buffer.from("filename*=UTF-8''%FF.txt"),
      Buffer.from("filename*=UTF-8''%ED%A0%80.txt"),
    ];
    for (const params of bad) {
      const res = await postMultipart(alice, [{ file: 'd', params }]);
      expectError(res, 400, 'invalid_request');
      expect(res.json().error.message).toMatch(/^file: .*UTF-8/);
    }
    // Two different bad names do not become one, the second replacing the first.
    const mixed = await postMultipart(alice, [
      { field: 'conflict', value: 'replace' },
      { file: 'first', params: Buffer.from([...Buffer.from('filename="'), 0xff, ...Buffer.from('.txt"')]) },
      { file: 'second', params: Buffer.from([...Buffer.from('filename="'), 0xfe, ...Buffer.from('.txt"')]) },
      { file: 'ok', filename: 'ok.txt' },
    ]);
    expect(mixed.statusCode, mixed.body).toBe(201);
    expect(mixed.json().uploaded.map((n: { name: string }) => n.name)).toEqual(['ok.txt']);
    expect(mixed.json().failed).toEqual([
      { name: '\ufffd.txt', error: { code: 'invalid_request', message: expect.stringContaining('UTF-8') } },
      { name: '\ufffd.txt', error: { code: 'invalid_request', message: expect.stringContaining('UTF-8') } },
    ]);
    expect((await children(alice)).map((n) => n.name)).toEqual(['ok.txt']);
    expect((await storageOf(alice)).storageUsed).toBe(2);
  });

  it('refuses U+FFFD in a multipart filename, where the parser leaves no other sign of bytes that are not UTF-8', async () => {
    const alice = await t.newUser();
    // Sent as valid UTF-8 (EF BF BD), but the parser's answer is the same as for a byte 0xFF.
    const res = await postMultipart(alice, [{ file: 'x', filename: 'c\ufffdx.txt' }]);
    expectError(res, 400, 'invalid_request');
    expect(res.json().error.message).toContain('U+FFFD');
    // The raw upload takes it: its percent-encoding tells the character from bytes that are not UTF-8.
    expect((await alice.putFile('c\ufffdx.txt', 'x')).json().name).toBe('c\ufffdx.txt');
  });

  it('keeps unicode file names', async () => {
    const alice = await t.newUser();
    const res = await postMultipart(alice, [{ file: 'x', filename: 'résumé 日本.pdf' }]);
    expect(res.statusCode).toBe(201);
    expect(res.json().uploaded[0]).toMatchObject({ name: 'résumé 日本.pdf', mimeType: 'application/pdf' });
  });
});
