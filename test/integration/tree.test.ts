import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const NODE_KEYS = [
  'createdAt',
  'etag',
  'favorite',
  'id',
  'mimeType',
  'modifiedAt',
  'name',
  'parentId',
  'sha256',
  'size',
  'type',
  'updatedAt',
];

interface Node {
  id: string;
  name: string;
  type: 'file' | 'folder';
  parentId: string | null;
  etag: string;
  favorite: boolean;
  [key: string]: unknown;
}

async function children(
  client: ApiClient,
  folderId: string | null,
  query = '',
): Promise<{ folder: Node | null; breadcrumbs: Array<{ id: string; name: string }>; items: Node[]; total: number }> {
  const res = await client.get(`/api/folders/${folderId ?? 'root'}/children${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function names(client: ApiClient, folderId: string | null, query = ''): Promise<string[]> {
  return (await children(client, folderId, query)).items.map((item) => item.name);
}

async function node(client: ApiClient, id: string): Promise<Node> {
  const res = await client.get(`/api/nodes/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Folders nested `depth` deep under the root; returns them outermost first. */
async function chain(client: ApiClient, depth: number, prefix = 'level'): Promise<Node[]> {
  const folders: Node[] = [];
  for (let i = 0; i < depth; i++) {
    folders.push((await client.mkdir(`${prefix}${i}`, folders.at(-1)?.id ?? null)) as Node);
  }
  return folders;
}

function expectIsoTime(value: unknown): void {
  expect(typeof value).toBe('string');
  expect(new Date(value as string).toISOString()).toBe(value);
}

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode).toBe(status);
  expect(res.json().error.code).toBe(code);
  expect(typeof res.json().error.message).toBe('string');
}

describe('POST /api/folders', () => {
  it('creates a folder in the root: 201 with exactly the contract’s node shape', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/folders', { name: 'Documents' });
    expect(res.statusCode).toBe(201);
    const folder = res.json();
    expect(Object.keys(folder).sort()).toEqual(NODE_KEYS);
    expect(folder).toMatchObject({
      name: 'Documents',
      type: 'folder',
      parentId: null,
      size: 0,
      mimeType: null,
      sha256: null,
      favorite: false,
    });
    expect(typeof folder.id).toBe('string');
    expect(typeof folder.etag).toBe('string');
    expect(folder.etag.length).toBeGreaterThan(0);
    expectIsoTime(folder.modifiedAt);
    expectIsoTime(folder.createdAt);
    expectIsoTime(folder.updatedAt);
    expect(await node(alice, folder.id)).toEqual(folder);
  });

  it('creates a folder inside a folder, and in the root for parentId null', async () => {
    const alice = await t.newUser();
    const parent = await alice.mkdir('parent');
    const inner = await alice.post('/api/folders', { name: 'child', parentId: parent.id });
    expect(inner.statusCode).toBe(201);
    expect(inner.json().parentId).toBe(parent.id);
    const top = await alice.post('/api/folders', { name: 'top', parentId: null });
    expect(top.json().parentId).toBeNull();
    expect(await names(alice, parent.id)).toEqual(['child']);
    expect(await names(alice, null)).toEqual(['parent', 'top']);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '    '],
    ['"."', '.'],
    ['".."', '..'],
    ['a slash', 'a/b'],
    ['a NUL', 'a\u0000b'],
    ['a control character', 'a\u0001b'],
    ['a newline', 'two\nlines'],
    ['DEL', 'a\u007f'],
    ['256 bytes', 'x'.repeat(256)],
    ['256 bytes of multi-byte UTF-8', '\u00e9'.repeat(128)],
  ])('refuses a name that is %s with 400 naming the field', async (_label, name) => {
    const alice = await t.newUser();
    const res = await alice.post('/api/folders', { name });
    expectError(res, 400, 'invalid_request');
    expect(res.json().error.message).toContain('name');
    expect(await names(alice, null)).toEqual([]);
  });

  it.each([
    ['missing', {}],
    ['not a string', { name: 42 }],
    ['null', { name: null }],
  ])('refuses a name that is %s with 400 naming the field', async (_label, body) => {
    const alice = await t.newUser();
    const res = await alice.post('/api/folders', body);
    expectError(res, 400, 'invalid_request');
    expect(res.json().error.message).toContain('name');
  });

  it('trims leading and trailing spaces, and a trimmed name clashes with its untrimmed twin', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/folders', { name: '  padded name  ' });
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe('padded name');
    expectError(await alice.post('/api/folders', { name: 'padded name ' }), 409, 'name_taken');
  });

  it('accepts a 255-byte name of multi-byte characters and keeps it exactly', async () => {
    const alice = await t.newUser();
    for (const name of ['\u20ac'.repeat(85), `${'\u00e9'.repeat(127)}x`, `${'😀'.repeat(63)}abc`]) {
      expect(Buffer.byteLength(name)).toBe(255);
      const res = await alice.post('/api/folders', { name });
      expect(res.statusCode).toBe(201);
      expect(res.json().name).toBe(name);
      expect((await node(alice, res.json().id)).name).toBe(name);
    }
  });

  it('refuses a second folder of the same name with 409 name_taken, in the root and in a folder', async () => {
    const alice = await t.newUser();
    const parent = await alice.mkdir('same');
    expectError(await alice.post('/api/folders', { name: 'same' }), 409, 'name_taken');
    await alice.mkdir('inner', parent.id);
    expectError(await alice.post('/api/folders', { name: 'inner', parentId: parent.id }), 409, 'name_taken');
    expect(await names(alice, null)).toEqual(['same']);
    expect(await names(alice, parent.id)).toEqual(['inner']);
  });

  it('shares the namespace with files', async () => {
    const alice = await t.newUser();
    await alice.upload('notes.txt', 'hello');
    expectError(await alice.post('/api/folders', { name: 'notes.txt' }), 409, 'name_taken');
  });

  it('allows the same name in different folders and for different users', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const one = await alice.mkdir('one');
    const two = await alice.mkdir('two');
    await alice.mkdir('Shared name', one.id);
    await alice.mkdir('Shared name', two.id);
    await alice.mkdir('Shared name');
    await bob.mkdir('Shared name');
    await bob.mkdir('one');
    expect(await names(alice, null)).toEqual(['one', 'Shared name', 'two']);
    expect(await names(bob, null)).toEqual(['one', 'Shared name']);
  });

  it('treats names case-sensitively: "a" and "A" coexist', async () => {
    const alice = await t.newUser();
    await alice.mkdir('a');
    const upper = await alice.post('/api/folders', { name: 'A' });
    expect(upper.statusCode).toBe(201);
    expect((await names(alice, null)).sort()).toEqual(['A', 'a']);
  });

  it('answers 404 for a parent that is a file, unknown, or malformed', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('file.txt', 'x');
    for (const parentId of [file.id, '00000000-0000-4000-8000-000000000000', 'abc']) {
      expectError(await alice.post('/api/folders', { name: 'child', parentId }), 404, 'not_found');
    }
  });

  it('needs a session', async () => {
    expectError(await t.anonymous.post('/api/folders', { name: 'x' }), 401, 'unauthenticated');
  });
});

describe('the order of checks', () => {
  it('refuses an invalid name with 400 before looking up the parent, wherever a name and a parent come together', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('f.txt', 'f');
    for (const name of ['', 'a/b', '..', 'x'.repeat(256)]) {
      const label = JSON.stringify(name);
      for (const parentId of ['nope', '00000000-0000-4000-8000-000000000000']) {
        expect((await alice.post('/api/folders', { name, parentId })).statusCode, `mkdir ${label}`).toBe(400);
        expect((await alice.patch(`/api/nodes/${file.id}`, { name, parentId })).statusCode, `patch ${label}`).toBe(400);
        expect((await alice.post(`/api/nodes/${file.id}/copy`, { name, parentId })).statusCode, `copy ${label}`).toBe(400);
        const put = await alice.request('PUT', `/api/files/content?name=${encodeURIComponent(name)}&parentId=${parentId}`, Buffer.from('x'), {
          'content-type': 'application/octet-stream',
        });
        expect(put.statusCode, `put ${label}`).toBe(400);
      }
    }
    // A valid name with a parent that is not there is still 404.
    expectError(await alice.post('/api/folders', { name: 'ok', parentId: 'nope' }), 404, 'not_found');
    expectError(await alice.patch(`/api/nodes/${file.id}`, { name: 'ok.txt', parentId: 'nope' }), 404, 'not_found');
    expect((await alice.get('/api/folders/root/children')).json().items.map((n: { name: string }) => n.name)).toEqual(['f.txt']);
  });
});

describe('listing a folder', () => {
  it('lists the root with folder null, no breadcrumbs and the total', async () => {
    const alice = await t.newUser();
    const empty = await children(alice, null);
    expect(empty).toEqual({ folder: null, breadcrumbs: [], items: [], total: 0 });
    const made = await alice.mkdir('only');
    const listing = await children(alice, null);
    expect(listing.items).toEqual([await node(alice, made.id)]);
    expect(listing.total).toBe(1);
  });

  it('shows the same times in listings, searches and the node itself, to the millisecond', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('times');
    const res = await alice.put(`/api/files/content?parentId=${folder.id}&name=dated.txt&modifiedAt=2021-03-04T05:06:07.891Z`, 'dated', {
      'content-type': 'application/octet-stream',
    });
    expect(res.statusCode).toBe(201);
    const file = await node(alice, res.json().id);
    expect(file.modifiedAt).toBe('2021-03-04T05:06:07.891Z');
    const listing = await children(alice, folder.id);
    expect(listing.items).toEqual([file]);
    expect(listing.folder).toEqual(await node(alice, folder.id));
    const search = await alice.get('/api/search?q=dated');
    expect(
      search
        .json()
        .results.map((item: { modifiedAt: string; createdAt: string; updatedAt: string }) => [
          item.modifiedAt,
          item.createdAt,
          item.updatedAt,
        ]),
    ).toEqual([[file.modifiedAt, file.createdAt, file.updatedAt]]);
  });

  it('lists a folder’s own children with the folder itself and its breadcrumbs', async () => {
    const alice = await t.newUser();
    const [outer, inner] = await chain(alice, 2);
    const leaf = await alice.mkdir('leaf', inner!.id);
    await alice.mkdir('elsewhere', outer!.id);
    const listing = await children(alice, inner!.id);
    expect(listing.folder).toEqual(await node(alice, inner!.id));
    expect(listing.breadcrumbs).toEqual([
      { id: outer!.id, name: outer!.name },
      { id: inner!.id, name: inner!.name },
    ]);
    expect(listing.items.map((item) => item.id)).toEqual([leaf.id]);
    expect(listing.items[0]!.parentId).toBe(inner!.id);
    expect(listing.total).toBe(1);
    expect(Object.keys(listing.items[0]!).sort()).toEqual(NODE_KEYS);
  });

  it('puts folders first, then sorts by name (case-insensitively)', async () => {
    const alice = await t.newUser();
    await alice.upload('b.txt', 'bb');
    await alice.mkdir('zeta');
    await alice.upload('A.txt', 'a');
    await alice.mkdir('beta');
    await alice.mkdir('Alpha');
    expect(await names(alice, null)).toEqual(['Alpha', 'beta', 'zeta', 'A.txt', 'b.txt']);
    expect(await names(alice, null, '?sort=name&order=asc')).toEqual(['Alpha', 'beta', 'zeta', 'A.txt', 'b.txt']);
    expect(await names(alice, null, '?sort=name&order=desc')).toEqual(['zeta', 'beta', 'Alpha', 'b.txt', 'A.txt']);
  });

  it('sorts names in natural order: numbers by value, as people read them', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Numbered');
    const order = ['img 1.jpg', 'img 002.jpg', 'IMG 3.jpg', 'img 10.jpg', 'img 100.jpg', 'v1.9.9.zip', 'v1.10.0.zip', 'v1.10.2.zip', 'x99999999999999999999.bin', 'x100000000000000000000.bin'];
    for (const name of [...order].reverse()) {
      await alice.upload(name, name, folder.id);
    }
    expect(await names(alice, folder.id)).toEqual(order);
    expect(await names(alice, folder.id, '?sort=name&order=desc')).toEqual([...order].reverse());
    // Paging follows the same order.
    expect(await names(alice, folder.id, '?limit=3&offset=3')).toEqual(order.slice(3, 6));
    const favourites = await Promise.all(
      (await alice.get(`/api/folders/${folder.id}/children`)).json().items.map((node: { id: string }) => alice.patch(`/api/nodes/${node.id}`, { favorite: true })),
    );
    expect(favourites.every((res) => res.statusCode === 200)).toBe(true);
    expect((await alice.get('/api/favorites')).json().items.map((node: { name: string }) => node.name)).toEqual(order);
  });

  it('sorts by size', async () => {
    const alice = await t.newUser();
    await alice.upload('three.bin', 'ccc');
    await alice.upload('one.bin', 'c');
    await alice.upload('two.bin', 'cc');
    await alice.mkdir('folder');
    expect(await names(alice, null, '?sort=size')).toEqual(['folder', 'one.bin', 'two.bin', 'three.bin']);
    expect(await names(alice, null, '?sort=size&order=desc')).toEqual(['folder', 'three.bin', 'two.bin', 'one.bin']);
  });

  it('sorts by type (the extension), then name', async () => {
    const alice = await t.newUser();
    await alice.upload('b.txt', 'x');
    await alice.upload('a.pdf', 'x');
    await alice.upload('c.doc', 'x');
    await alice.upload('a.txt', 'x');
    await alice.mkdir('dir');
    expect(await names(alice, null, '?sort=type')).toEqual(['dir', 'c.doc', 'a.pdf', 'a.txt', 'b.txt']);
    expect(await names(alice, null, '?sort=type&order=desc')).toEqual(['dir', 'b.txt', 'a.txt', 'a.pdf', 'c.doc']);
  });

  it('sorts by creation time', async () => {
    const alice = await t.newUser();
    for (const name of ['c', 'a', 'b']) {
      await alice.mkdir(name);
    }
    expect(await names(alice, null, '?sort=createdAt')).toEqual(['c', 'a', 'b']);
    expect(await names(alice, null, '?sort=createdAt&order=desc')).toEqual(['b', 'a', 'c']);
  });

  it('pages with offset and limit, reporting the total', async () => {
    const alice = await t.newUser();
    const parent = await alice.mkdir('many');
    for (let i = 0; i < 7; i++) {
      await alice.mkdir(`f${i}`, parent.id);
    }
    const first = await children(alice, parent.id, '?limit=3');
    expect(first.items.map((item) => item.name)).toEqual(['f0', 'f1', 'f2']);
    expect(first.total).toBe(7);
    expect(await names(alice, parent.id, '?limit=3&offset=3')).toEqual(['f3', 'f4', 'f5']);
    expect(await names(alice, parent.id, '?limit=3&offset=6')).toEqual(['f6']);
    const past = await children(alice, parent.id, '?limit=3&offset=10');
    expect(past.items).toEqual([]);
    expect(past.total).toBe(7);
    expect(await names(alice, parent.id, '?offset=5&sort=name&order=desc')).toEqual(['f1', 'f0']);
  });

  it.each(['?sort=bogus', '?order=sideways', '?limit=0', '?limit=1001', '?limit=abc', '?limit=1.5', '?offset=-1'])(
    'refuses %s with 400 naming the parameter',
    async (query) => {
      const alice = await t.newUser();
      const res = await alice.get(`/api/folders/root/children${query}`);
      expectError(res, 400, 'invalid_request');
      const parameter = query.slice(1).split('=')[0]!;
      expect(res.json().error.message).toContain(parameter);
    },
  );

  it('answers 404 for a file, an unknown id, a malformed id and a trashed folder', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('f.txt', 'x');
    const trashed = await alice.mkdir('gone');
    expect((await alice.delete(`/api/nodes/${trashed.id}`)).statusCode).toBe(200);
    for (const id of [file.id, '00000000-0000-4000-8000-000000000000', 'abc', trashed.id]) {
      expectError(await alice.get(`/api/folders/${id}/children`), 404, 'not_found');
    }
  });

  it('needs a session', async () => {
    expectError(await t.anonymous.get('/api/folders/root/children'), 401, 'unauthenticated');
  });
});

describe('GET /api/nodes/:id and breadcrumbs', () => {
  it('returns a node, and 404 for an unknown one', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('x');
    expect((await node(alice, folder.id)).name).toBe('x');
    expect((await node(alice, folder.id.toUpperCase())).id).toBe(folder.id);
    expectError(await alice.get('/api/nodes/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });

  it('gives the breadcrumbs of a 20-deep folder, outermost first and the node last', async () => {
    const alice = await t.newUser();
    const folders = await chain(alice, 20);
    const expected = folders.map((folder) => ({ id: folder.id, name: folder.name }));
    const res = await alice.get(`/api/nodes/${folders[19]!.id}/breadcrumbs`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(expected);
    expect((await children(alice, folders[19]!.id)).breadcrumbs).toEqual(expected);
    expect((await alice.get(`/api/nodes/${folders[0]!.id}/breadcrumbs`)).json()).toEqual(expected.slice(0, 1));
  });

  it('gives the breadcrumbs of a file', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('docs');
    const file = await alice.upload('a.txt', 'x', folder.id);
    expect((await alice.get(`/api/nodes/${file.id}/breadcrumbs`)).json()).toEqual([
      { id: folder.id, name: 'docs' },
      { id: file.id, name: 'a.txt' },
    ]);
  });
});

describe('PATCH /api/nodes/:id', () => {
  it('renames a node', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('old');
    const res = await alice.patch(`/api/nodes/${folder.id}`, { name: '  new  ' });
    expect(res.statusCode).toBe(200);
    const renamed = res.json();
    expect(Object.keys(renamed).sort()).toEqual(NODE_KEYS);
    expect(renamed).toMatchObject({ id: folder.id, name: 'new', parentId: null });
    expect(renamed.etag).not.toBe(folder.etag);
    expect(await names(alice, null)).toEqual(['new']);
    expect(await node(alice, folder.id)).toEqual(renamed);
  });

  it('renames to the same name, and to another case of it', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('same');
    const listing = await alice.get('/api/folders/root/children');
    // Nothing changes, so nothing is written: the etag and the listing's ETag stay.
    for (const change of [{ name: 'same' }, { name: ' same ', parentId: null }, { favorite: false }]) {
      const res = await alice.patch(`/api/nodes/${folder.id}`, change);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(await node(alice, folder.id));
      expect(res.json().etag).toBe(folder.etag);
    }
    expect((await alice.get('/api/folders/root/children', { 'if-none-match': listing.headers.etag as string })).statusCode).toBe(304);
    expect((await alice.patch(`/api/nodes/${folder.id}`, { name: 'SAME' })).json().name).toBe('SAME');
  });

  it('refuses a taken name with 409 and a bad name with 400', async () => {
    const alice = await t.newUser();
    const a = await alice.mkdir('a');
    await alice.mkdir('b');
    expectError(await alice.patch(`/api/nodes/${a.id}`, { name: 'b' }), 409, 'name_taken');
    for (const name of ['', '..', 'x/y', 'nul\u0000']) {
      const res = await alice.patch(`/api/nodes/${a.id}`, { name });
      expectError(res, 400, 'invalid_request');
      expect(res.json().error.message).toContain('name');
    }
    expect((await node(alice, a.id)).name).toBe('a');
  });

  it('refuses an empty change with 400', async () => {
    const alice = await t.newUser();
    const a = await alice.mkdir('a');
    expectError(await alice.patch(`/api/nodes/${a.id}`, {}), 400, 'invalid_request');
    expectError(await alice.patch(`/api/nodes/${a.id}`, { favorite: 'yes' }), 400, 'invalid_request');
  });

  it('moves a node into another folder, and back to the root with parentId null', async () => {
    const alice = await t.newUser();
    const source = await alice.mkdir('source');
    const target = await alice.mkdir('target');
    const moving = await alice.mkdir('moving', source.id);
    await alice.mkdir('inside', moving.id);

    const moved = await alice.patch(`/api/nodes/${moving.id}`, { parentId: target.id });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ id: moving.id, parentId: target.id, name: 'moving' });
    expect(await names(alice, source.id)).toEqual([]);
    expect(await names(alice, target.id)).toEqual(['moving']);
    expect(await names(alice, moving.id)).toEqual(['inside']);

    const toRoot = await alice.patch(`/api/nodes/${moving.id}`, { parentId: null });
    expect(toRoot.statusCode).toBe(200);
    expect(toRoot.json().parentId).toBeNull();
    expect(await names(alice, null)).toEqual(['moving', 'source', 'target']);
    expect(await names(alice, target.id)).toEqual([]);
  });

  it('moves and renames at once, dodging a clash at the destination', async () => {
    const alice = await t.newUser();
    const target = await alice.mkdir('target');
    await alice.mkdir('x', target.id);
    const x = await alice.mkdir('x');
    const clash = await alice.patch(`/api/nodes/${x.id}`, { parentId: target.id });
    expectError(clash, 409, 'name_taken');
    // The destination is named: "this folder" would read as the one the item is in.
    expect(clash.json().error.message).toBe('"target" already has an item named "x".');
    const res = await alice.patch(`/api/nodes/${x.id}`, { parentId: target.id, name: 'y' });
    expect(res.statusCode).toBe(200);
    expect(await names(alice, target.id)).toEqual(['x', 'y']);
    expect(await names(alice, null)).toEqual(['target']);

    // Back to the top level, where the name is taken too; a rename says "this folder", which it is.
    await alice.mkdir('x');
    const atTop = await alice.patch(`/api/nodes/${res.json().id}`, { parentId: null, name: 'x' });
    expectError(atTop, 409, 'name_taken');
    expect(atTop.json().error.message).toBe('There is already an item named "x" at the top level.');
    const renamed = await alice.patch(`/api/nodes/${res.json().id}`, { name: 'x' });
    expectError(renamed, 409, 'name_taken');
    expect(renamed.json().error.message).toBe('An item named "x" already exists in this folder.');
  });

  it('refuses to move a folder into itself or a descendant with 409 invalid_move', async () => {
    const alice = await t.newUser();
    const [a, b, c] = await chain(alice, 3);
    for (const target of [a!, b!, c!]) {
      expectError(await alice.patch(`/api/nodes/${a!.id}`, { parentId: target.id }), 409, 'invalid_move');
    }
    expectError(await alice.patch(`/api/nodes/${b!.id}`, { parentId: c!.id }), 409, 'invalid_move');
    expect((await node(alice, a!.id)).parentId).toBeNull();
    expect((await node(alice, b!.id)).parentId).toBe(a!.id);
  });

  it('answers 404 when moving into a file or an unknown folder', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('f');
    const file = await alice.upload('a.txt', 'x');
    for (const parentId of [file.id, '00000000-0000-4000-8000-000000000000', 'nonsense']) {
      expectError(await alice.patch(`/api/nodes/${folder.id}`, { parentId }), 404, 'not_found');
    }
  });

  it('moves a file', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('f');
    const file = await alice.upload('a.txt', 'x');
    const res = await alice.patch(`/api/nodes/${file.id}`, { parentId: folder.id });
    expect(res.statusCode).toBe(200);
    expect(await names(alice, folder.id)).toEqual(['a.txt']);
  });
});

describe('favourites', () => {
  it('marks and unmarks a favourite, listed by GET /api/favorites', async () => {
    const alice = await t.newUser();
    const a = await alice.mkdir('a');
    const b = await alice.mkdir('b', a.id);
    await alice.mkdir('not a favourite');
    expect((await alice.get('/api/favorites')).json()).toEqual({ items: [] });

    const on = await alice.patch(`/api/nodes/${b.id}`, { favorite: true });
    expect(on.statusCode).toBe(200);
    expect(on.json().favorite).toBe(true);
    expect(on.json().name).toBe('b');
    await alice.patch(`/api/nodes/${a.id}`, { favorite: true });
    const favorites = (await alice.get('/api/favorites')).json().items;
    expect(favorites.map((n: Node) => n.id)).toEqual([a.id, b.id]);
    expect(Object.keys(favorites[0]).sort()).toEqual(NODE_KEYS);
    expect((await node(alice, b.id)).favorite).toBe(true);

    const off = await alice.patch(`/api/nodes/${b.id}`, { favorite: false });
    expect(off.json().favorite).toBe(false);
    expect((await alice.get('/api/favorites')).json().items.map((n: Node) => n.id)).toEqual([a.id]);
  });

  it('leaves out trashed favourites and other users’ favourites', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const parent = await alice.mkdir('parent');
    const child = await alice.mkdir('child', parent.id);
    await alice.patch(`/api/nodes/${child.id}`, { favorite: true });
    const bobs = await bob.mkdir('bobs');
    await bob.patch(`/api/nodes/${bobs.id}`, { favorite: true });
    expect((await alice.get('/api/favorites')).json().items.map((n: Node) => n.id)).toEqual([child.id]);
    await alice.delete(`/api/nodes/${parent.id}`);
    expect((await alice.get('/api/favorites')).json().items).toEqual([]);
    expect((await bob.get('/api/favorites')).json().items.map((n: Node) => n.id)).toEqual([bobs.id]);
  });
});

describe('POST /api/nodes/:id/copy', () => {
  it('copies a folder recursively, with fresh ids and the same shape', async () => {
    const alice = await t.newUser();
    const source = await alice.mkdir('project');
    const sub = await alice.mkdir('src', source.id);
    const deep = await alice.mkdir('deep', sub.id);
    const file = await alice.upload('main.ts', 'console.log(1)', sub.id);
    const target = await alice.mkdir('backup');

    const res = await alice.post(`/api/nodes/${source.id}/copy`, { parentId: target.id });
    expect(res.statusCode).toBe(201);
    const copy = res.json();
    expect(Object.keys(copy).sort()).toEqual(NODE_KEYS);
    expect(copy).toMatchObject({ name: 'project', type: 'folder', parentId: target.id, size: 0, favorite: false });
    expect(copy.id).not.toBe(source.id);

    const copiedChildren = await children(alice, copy.id);
    expect(copiedChildren.items.map((n) => n.name)).toEqual(['src']);
    const copiedSub = copiedChildren.items[0]!;
    expect(copiedSub.id).not.toBe(sub.id);
    expect(copiedSub.parentId).toBe(copy.id);
    const copiedSubChildren = (await children(alice, copiedSub.id)).items;
    expect(copiedSubChildren.map((n) => n.name)).toEqual(['deep', 'main.ts']);
    expect(copiedSubChildren.map((n) => n.id)).not.toContain(deep.id);
    expect(copiedSubChildren.map((n) => n.id)).not.toContain(file.id);
    const copiedFile = copiedSubChildren[1]!;
    expect(copiedFile).toMatchObject({ type: 'file', size: file.size, sha256: file.sha256 });
    expect((await alice.get(`/api/nodes/${copiedFile.id}/breadcrumbs`)).json().map((c: { name: string }) => c.name)).toEqual([
      'backup',
      'project',
      'src',
      'main.ts',
    ]);

    // The original is untouched.
    expect(await names(alice, sub.id)).toEqual(['deep', 'main.ts']);
    expect((await node(alice, source.id)).parentId).toBeNull();
  });

  it('charges the copied files to the quota', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('data');
    await alice.upload('ten.bin', '0123456789', folder.id);
    expect((await alice.get('/api/me')).json().storageUsed).toBe(10);
    expect((await alice.post(`/api/nodes/${folder.id}/copy`, { parentId: null, name: 'data copy' })).statusCode).toBe(201);
    expect((await alice.get('/api/me')).json().storageUsed).toBe(20);
  });

  it('copies under a new name, and into the root', async () => {
    const alice = await t.newUser();
    const parent = await alice.mkdir('parent');
    const folder = await alice.mkdir('orig', parent.id);
    const renamed = await alice.post(`/api/nodes/${folder.id}/copy`, { parentId: parent.id, name: ' second ' });
    expect(renamed.statusCode).toBe(201);
    expect(renamed.json().name).toBe('second');
    expect(await names(alice, parent.id)).toEqual(['orig', 'second']);
    const toRoot = await alice.post(`/api/nodes/${folder.id}/copy`, { parentId: null });
    expect(toRoot.statusCode).toBe(201);
    expect(toRoot.json().parentId).toBeNull();
    expect(await names(alice, null)).toEqual(['orig', 'parent']);
  });

  it('refuses a name clash with 409 name_taken', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('twin');
    const atTop = await alice.post(`/api/nodes/${folder.id}/copy`, { parentId: null });
    expectError(atTop, 409, 'name_taken');
    expect(atTop.json().error.message).toBe('There is already an item named "twin" at the top level.');
    const other = await alice.mkdir('other');
    expectError(await alice.post(`/api/nodes/${folder.id}/copy`, { parentId: null, name: 'other' }), 409, 'name_taken');
    await alice.mkdir('twin', other.id);
    const inOther = await alice.post(`/api/nodes/${folder.id}/copy`, { parentId: other.id });
    expectError(inOther, 409, 'name_taken');
    expect(inOther.json().error.message).toBe('"other" already has an item named "twin".');
    expect(await names(alice, null)).toEqual(['other', 'twin']);
  });

  it('refuses to copy a folder into itself or a descendant with 409', async () => {
    const alice = await t.newUser();
    const [a, b] = await chain(alice, 2);
    for (const target of [a!, b!]) {
      const res = await alice.post(`/api/nodes/${a!.id}/copy`, { parentId: target.id, name: 'copy' });
      expectError(res, 409, 'invalid_move');
    }
    expect(await names(alice, a!.id)).toEqual([b!.name]);
    expect(await names(alice, b!.id)).toEqual([]);
  });

  it('refuses a bad name with 400 and a missing parentId with 400 naming it', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('x');
    expectError(await alice.post(`/api/nodes/${folder.id}/copy`, { parentId: null, name: '..' }), 400, 'invalid_request');
    const missing = await alice.post(`/api/nodes/${folder.id}/copy`, {});
    expectError(missing, 400, 'invalid_request');
    expect(missing.json().error.message).toContain('parentId');
  });

  it('copies only what is live', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('folder');
    await alice.mkdir('kept', folder.id);
    const gone = await alice.mkdir('gone', folder.id);
    await alice.delete(`/api/nodes/${gone.id}`);
    const copy = (await alice.post(`/api/nodes/${folder.id}/copy`, { parentId: null, name: 'copy' })).json();
    expect(await names(alice, copy.id)).toEqual(['kept']);
  });
});

describe('DELETE /api/nodes/:id', () => {
  it('moves the node and its descendants to the trash: 200 {trashed}, then 404 everywhere', async () => {
    const alice = await t.newUser();
    const parent = await alice.mkdir('parent');
    const doomed = await alice.mkdir('doomed', parent.id);
    const inner = await alice.mkdir('inner', doomed.id);
    const file = await alice.upload('in.txt', 'x', inner.id);
    await alice.mkdir('survivor', parent.id);

    const res = await alice.delete(`/api/nodes/${doomed.id}`);
    expect(res.statusCode).toBe(200);
    const { trashed } = res.json();
    expect(Object.keys(res.json())).toEqual(['trashed']);
    expect(trashed).toMatchObject({ id: doomed.id, name: 'doomed', type: 'folder' });
    expectIsoTime(trashed.trashedAt);
    expect(trashed.originalParentId).toBe(parent.id);

    expect(await names(alice, parent.id)).toEqual(['survivor']);
    for (const id of [doomed.id, inner.id, file.id]) {
      expectError(await alice.get(`/api/nodes/${id}`), 404, 'not_found');
      expectError(await alice.get(`/api/nodes/${id}/breadcrumbs`), 404, 'not_found');
      expectError(await alice.delete(`/api/nodes/${id}`), 404, 'not_found');
      expectError(await alice.patch(`/api/nodes/${id}`, { name: 'back' }), 404, 'not_found');
      expectError(await alice.post(`/api/nodes/${id}/copy`, { parentId: null, name: `copy-${id}` }), 404, 'not_found');
    }
    expectError(await alice.get(`/api/folders/${inner.id}/children`), 404, 'not_found');
    expectError(await alice.post('/api/folders', { name: 'child', parentId: inner.id }), 404, 'not_found');
  });

  it('frees the name', async () => {
    const alice = await t.newUser();
    const first = await alice.mkdir('reuse');
    await alice.delete(`/api/nodes/${first.id}`);
    const again = await alice.post('/api/folders', { name: 'reuse' });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(first.id);
    expect(await names(alice, null)).toEqual(['reuse']);
  });

  it('trashes a file', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('bye.txt', 'bye');
    const res = await alice.delete(`/api/nodes/${file.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().trashed).toMatchObject({ id: file.id, type: 'file', originalParentId: null });
    expect(await names(alice, null)).toEqual([]);
  });
});

describe('etags', () => {
  /** a/b/c, a/sibling and an unrelated top folder x. */
  async function tree(client: ApiClient) {
    const [a, b, c] = await chain(client, 3);
    const sibling = await client.mkdir('sibling', a!.id);
    const x = await client.mkdir('x');
    return { a: a!, b: b!, c: c!, sibling, x };
  }

  async function etags(client: ApiClient, ids: string[]): Promise<string[]> {
    return Promise.all(ids.map(async (id) => (await node(client, id)).etag));
  }

  it('changes every ancestor’s etag when something deep is created, renamed or deleted, but not unrelated ones', async () => {
    const alice = await t.newUser();
    const { a, b, c, sibling, x } = await tree(alice);
    const chainIds = [a.id, b.id, c.id];
    const otherIds = [sibling.id, x.id];
    const others = await etags(alice, otherIds);

    let before = await etags(alice, chainIds);
    const deep = await alice.mkdir('deep', c.id);
    let after = await etags(alice, chainIds);
    after.forEach((etag, i) => expect(etag).not.toBe(before[i]));

    before = after;
    expect((await alice.patch(`/api/nodes/${deep.id}`, { name: 'deeper' })).statusCode).toBe(200);
    after = await etags(alice, chainIds);
    after.forEach((etag, i) => expect(etag).not.toBe(before[i]));

    before = after;
    expect((await alice.delete(`/api/nodes/${deep.id}`)).statusCode).toBe(200);
    after = await etags(alice, chainIds);
    after.forEach((etag, i) => expect(etag).not.toBe(before[i]));

    expect(await etags(alice, otherIds)).toEqual(others);
  });

  it('changes both the old and the new ancestors’ etags on a move', async () => {
    const alice = await t.newUser();
    const { a, b, c, sibling, x } = await tree(alice);
    const before = await etags(alice, [a.id, b.id, c.id, sibling.id, x.id]);
    expect((await alice.patch(`/api/nodes/${c.id}`, { parentId: x.id })).statusCode).toBe(200);
    const after = await etags(alice, [a.id, b.id, c.id, sibling.id, x.id]);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(after[3]).toBe(before[3]);
    expect(after[4]).not.toBe(before[4]);
  });

  it('changes the target’s ancestors on a copy, not the source’s', async () => {
    const alice = await t.newUser();
    const { a, b, c, x } = await tree(alice);
    const before = await etags(alice, [a.id, b.id, c.id, x.id]);
    expect((await alice.post(`/api/nodes/${c.id}/copy`, { parentId: x.id })).statusCode).toBe(201);
    const after = await etags(alice, [a.id, b.id, c.id, x.id]);
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    expect(after[3]).not.toBe(before[3]);
  });
});
