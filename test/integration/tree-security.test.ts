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

function expectNotFound(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBe(404);
  expect(res.json().error.code).toBe('not_found');
}

/** Bob's folder (with a child and a file) and Alice's own folder, for probing one with the other. */
async function setup() {
  const alice = await t.newUser();
  const bob = await t.newUser();
  const bobs = await bob.mkdir('private');
  const bobsChild = await bob.mkdir('child', bobs.id);
  const bobsFile = await bob.upload('secret.txt', 'top secret', bobs.id);
  const own = await alice.mkdir('mine');
  return { alice, bob, bobs, bobsChild, bobsFile, own };
}

/** Everything Bob can see of his tree, to check it did not change. */
async function snapshot(bob: ApiClient, folderId: string) {
  const listing = (await bob.get(`/api/folders/${folderId}/children`)).json();
  const self = (await bob.get(`/api/nodes/${folderId}`)).json();
  return { listing, self, root: (await bob.get('/api/folders/root/children')).json(), favorites: (await bob.get('/api/favorites')).json() };
}

describe('another user’s nodes are not found on every tree route', () => {
  it('GET node, breadcrumbs and children', async () => {
    const { alice, bobs, bobsFile } = await setup();
    for (const id of [bobs.id, bobsFile.id]) {
      expectNotFound(await alice.get(`/api/nodes/${id}`));
      expectNotFound(await alice.get(`/api/nodes/${id}/breadcrumbs`));
    }
    expectNotFound(await alice.get(`/api/folders/${bobs.id}/children`));
  });

  it('PATCH: rename, favourite and move of their node', async () => {
    const { alice, bob, bobs, bobsFile, own } = await setup();
    const before = await snapshot(bob, bobs.id);
    for (const id of [bobs.id, bobsFile.id]) {
      expectNotFound(await alice.patch(`/api/nodes/${id}`, { name: 'pwned' }));
      expectNotFound(await alice.patch(`/api/nodes/${id}`, { favorite: true }));
      expectNotFound(await alice.patch(`/api/nodes/${id}`, { parentId: own.id }));
      expectNotFound(await alice.patch(`/api/nodes/${id}`, { parentId: null }));
    }
    expect(await snapshot(bob, bobs.id)).toEqual(before);
  });

  it('copy of their node, and DELETE of it', async () => {
    const { alice, bob, bobs, bobsFile, own } = await setup();
    const before = await snapshot(bob, bobs.id);
    for (const id of [bobs.id, bobsFile.id]) {
      expectNotFound(await alice.post(`/api/nodes/${id}/copy`, { parentId: own.id }));
      expectNotFound(await alice.post(`/api/nodes/${id}/copy`, { parentId: null }));
      expectNotFound(await alice.delete(`/api/nodes/${id}`));
    }
    expect(await snapshot(bob, bobs.id)).toEqual(before);
    expect(await (await alice.get(`/api/folders/${own.id}/children`)).json().items).toEqual([]);
    expect((await alice.get('/api/folders/root/children')).json().items.map((n: { id: string }) => n.id)).toEqual([own.id]);
    expect((await alice.get('/api/me')).json().storageUsed).toBe(0);
  });

  it('their folder as parentId of create, move and copy', async () => {
    const { alice, bob, bobs, own } = await setup();
    const before = await snapshot(bob, bobs.id);
    expectNotFound(await alice.post('/api/folders', { name: 'planted', parentId: bobs.id }));
    expectNotFound(await alice.patch(`/api/nodes/${own.id}`, { parentId: bobs.id }));
    expectNotFound(await alice.patch(`/api/nodes/${own.id}`, { parentId: bobs.id, name: 'renamed too' }));
    expectNotFound(await alice.post(`/api/nodes/${own.id}/copy`, { parentId: bobs.id }));
    expect(await snapshot(bob, bobs.id)).toEqual(before);
    expect((await alice.get(`/api/nodes/${own.id}`)).json()).toMatchObject({ name: 'mine', parentId: null });
  });

  it('answers exactly as for an id that does not exist', async () => {
    const { alice, bobs } = await setup();
    const theirs = await alice.get(`/api/nodes/${bobs.id}`);
    const nobodys = await alice.get('/api/nodes/00000000-0000-4000-8000-000000000000');
    expect(theirs.statusCode).toBe(nobodys.statusCode);
    expect(theirs.body).toBe(nobodys.body);
    const theirChildren = await alice.get(`/api/folders/${bobs.id}/children`);
    const nobodysChildren = await alice.get('/api/folders/00000000-0000-4000-8000-000000000000/children');
    expect(theirChildren.body).toBe(nobodysChildren.body);
  });

  it('their favourites never show up in mine', async () => {
    const { alice, bob, bobs } = await setup();
    await bob.patch(`/api/nodes/${bobs.id}`, { favorite: true });
    expect((await alice.get('/api/favorites')).json().items).toEqual([]);
  });
});

describe('malformed ids are 404, never 500', () => {
  const ids = [
    'abc',
    "1' or 1=1",
    "1'; drop table file_nodes; --",
    '../../etc/passwd',
    '%00',
    'null',
    '0',
    '-1',
    '00000000-0000-0000-0000-00000000000g',
    'x'.repeat(150),
    'y'.repeat(300),
  ];

  it.each(ids)('id %j on every route', async (raw) => {
    const { alice, own } = await setup();
    const id = encodeURIComponent(raw);
    expectNotFound(await alice.get(`/api/nodes/${id}`));
    expectNotFound(await alice.get(`/api/nodes/${id}/breadcrumbs`));
    expectNotFound(await alice.get(`/api/folders/${id}/children`));
    expectNotFound(await alice.patch(`/api/nodes/${id}`, { name: 'x' }));
    expectNotFound(await alice.post(`/api/nodes/${id}/copy`, { parentId: null }));
    expectNotFound(await alice.delete(`/api/nodes/${id}`));
    expectNotFound(await alice.post('/api/folders', { name: 'x', parentId: raw }));
    expectNotFound(await alice.patch(`/api/nodes/${own.id}`, { parentId: raw }));
    expectNotFound(await alice.post(`/api/nodes/${own.id}/copy`, { parentId: raw }));
  });

  it('a badly percent-encoded id', async () => {
    const { alice } = await setup();
    for (const url of ['/api/nodes/%E0%A4%A', '/api/nodes/%zz/breadcrumbs', '/api/folders/%/children']) {
      expectNotFound(await alice.get(url));
    }
    expectNotFound(await alice.delete('/api/nodes/%E0%A4%A'));
  });

  it('the tables are intact afterwards', async () => {
    const { alice, own } = await setup();
    await alice.get(`/api/nodes/${encodeURIComponent("1'; drop table file_nodes; --")}`);
    expect((await alice.get(`/api/nodes/${own.id}`)).statusCode).toBe(200);
  });
});
