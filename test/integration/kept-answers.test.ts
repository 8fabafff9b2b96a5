import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import type { ListedNode } from '../helpers/files.js';

// Folder pages (src/server/http/tree-answers.ts) and the nodes of downloaded files
// (src/server/services/tree-memo.ts) are kept between requests while the user's tree is unchanged.
// These tests read everything twice before each change, so that the second answer comes from what
// was kept, and then check that the next read shows the change.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

type Node = ListedNode;
interface Listing {
  folder: Node | null;
  breadcrumbs: Array<{ id: string; name: string }>;
  items: Node[];
  total: number;
}

async function list(client: ApiClient, folderId: string | null, query = ''): Promise<Listing> {
  const res = await client.get(`/api/folders/${folderId ?? 'root'}/children${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function nodeOf(client: ApiClient, id: string): Promise<Node> {
  const res = await client.get(`/api/nodes/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/**
 * Lists the folder twice (the second answer is a kept one) and returns the second, after
 * checking that both agree and that every item, the folder itself and the breadcrumbs are
 * exactly what the uncached single-node routes say now.
 */
async function freshListing(client: ApiClient, folderId: string | null): Promise<Listing> {
  const first = await list(client, folderId);
  const second = await list(client, folderId);
  expect(second).toEqual(first);
  for (const item of second.items) {
    expect(item).toEqual(await nodeOf(client, item.id));
  }
  if (folderId !== null) {
    expect(second.folder).toEqual(await nodeOf(client, folderId));
    const crumbs = await client.get(`/api/nodes/${folderId}/breadcrumbs`);
    expect(second.breadcrumbs).toEqual(crumbs.json());
  }
  expect(second.total).toBe(second.items.length);
  return second;
}

const namesOf = (listing: Listing) => listing.items.map((item) => item.name);

async function createFolder(client: ApiClient, name: string, parentId: string | null = null): Promise<Node> {
  const res = await client.post('/api/folders', { name, parentId });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function upload(client: ApiClient, name: string, content: string, parentId: string | null = null): Promise<Node> {
  const res = await client.putFile(name, content, { parentId });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

describe('kept folder pages', () => {
  it('show every kind of change to the tree on the very next listing', async () => {
    const alice = await t.newUser();
    await freshListing(alice, null);

    const docs = await createFolder(alice, 'Docs');
    expect(namesOf(await freshListing(alice, null))).toEqual(['Docs']);

    const deep = await createFolder(alice, 'Deep', docs.id);
    const report = await upload(alice, 'report.txt', 'first', docs.id);
    expect(namesOf(await freshListing(alice, docs.id))).toEqual(['Deep', 'report.txt']);

    // A change far below a listed folder changes that folder's etag in its parent's page.
    const before = (await freshListing(alice, null)).items[0]!.etag;
    await upload(alice, 'inner.txt', 'x', deep.id);
    expect((await freshListing(alice, null)).items[0]!.etag).not.toBe(before);

    // Same name, new content: the file's size, hash and etag change in the page.
    const oldEtag = (await freshListing(alice, docs.id)).items[1]!.etag;
    await alice.putFile('report.txt', 'second version', { parentId: docs.id, conflict: 'replace' });
    const replaced = (await freshListing(alice, docs.id)).items[1]!;
    expect(replaced.etag).not.toBe(oldEtag);
    expect(replaced).toMatchObject({ name: 'report.txt', size: 'second version'.length });

    expect((await alice.patch(`/api/nodes/${report.id}`, { name: 'renamed.txt' })).statusCode).toBe(200);
    expect(namesOf(await freshListing(alice, docs.id))).toEqual(['Deep', 'renamed.txt']);

    expect((await alice.patch(`/api/nodes/${report.id}`, { favorite: true })).statusCode).toBe(200);
    expect((await freshListing(alice, docs.id)).items[1]!.favorite).toBe(true);

    expect((await alice.patch(`/api/nodes/${report.id}`, { parentId: null })).statusCode).toBe(200);
    expect(namesOf(await freshListing(alice, docs.id))).toEqual(['Deep']);
    expect(namesOf(await freshListing(alice, null))).toEqual(['Docs', 'renamed.txt']);

    expect((await alice.post(`/api/nodes/${docs.id}/copy`, { parentId: null, name: 'Docs copy' })).statusCode).toBe(201);
    expect(namesOf(await freshListing(alice, null))).toEqual(['Docs', 'Docs copy', 'renamed.txt']);

    // A renamed ancestor shows in the breadcrumbs of a page below it.
    expect((await alice.patch(`/api/nodes/${docs.id}`, { name: 'Papers' })).statusCode).toBe(200);
    expect((await freshListing(alice, deep.id)).breadcrumbs.map((crumb) => crumb.name)).toEqual(['Papers', 'Deep']);

    expect((await alice.delete(`/api/nodes/${docs.id}`)).statusCode).toBe(200);
    expect(namesOf(await freshListing(alice, null))).toEqual(['Docs copy', 'renamed.txt']);
    expect((await alice.get(`/api/folders/${deep.id}/children`)).statusCode).toBe(404);

    expect((await alice.post(`/api/trash/${docs.id}/restore`)).statusCode).toBe(200);
    expect(namesOf(await freshListing(alice, null))).toEqual(['Docs copy', 'Papers', 'renamed.txt']);
    expect(namesOf(await freshListing(alice, deep.id))).toEqual(['inner.txt']);

    expect((await alice.delete(`/api/nodes/${deep.id}`)).statusCode).toBe(200);
    expect((await alice.delete(`/api/trash/${deep.id}`)).statusCode).toBe(204);
    expect(namesOf(await freshListing(alice, docs.id))).toEqual([]);
  });

  it('and breadcrumbs show a renamed or moved ancestor on the very next request', async () => {
    const alice = await t.newUser();
    const outer = await createFolder(alice, 'Outer');
    const inner = await createFolder(alice, 'Inner', outer.id);
    const crumbs = async () => {
      const first = await alice.get(`/api/nodes/${inner.id}/breadcrumbs`);
      const second = await alice.get(`/api/nodes/${inner.id}/breadcrumbs`, { 'if-none-match': first.headers.etag as string });
      expect(second.statusCode).toBe(304);
      return first.json<Array<{ name: string }>>().map((crumb) => crumb.name);
    };
    expect(await crumbs()).toEqual(['Outer', 'Inner']);
    expect((await alice.patch(`/api/nodes/${outer.id}`, { name: 'Renamed' })).statusCode).toBe(200);
    expect(await crumbs()).toEqual(['Renamed', 'Inner']);
    const top = await createFolder(alice, 'Top');
    expect((await alice.patch(`/api/nodes/${outer.id}`, { parentId: top.id })).statusCode).toBe(200);
    expect(await crumbs()).toEqual(['Top', 'Renamed', 'Inner']);
    expect((await alice.delete(`/api/nodes/${top.id}`)).statusCode).toBe(200);
    expect((await alice.get(`/api/nodes/${inner.id}/breadcrumbs`)).statusCode).toBe(404);
  });

  it('are kept apart per user, folder, order and page', async () => {
    const [alice, bob] = [await t.newUser(), await t.newUser()];
    for (const name of ['a.txt', 'b.txt', 'c.txt']) {
      await upload(alice, name, name);
    }
    await upload(bob, 'bob.txt', 'bob');
    for (let round = 0; round < 2; round++) {
      expect(namesOf(await list(alice, null))).toEqual(['a.txt', 'b.txt', 'c.txt']);
      expect(namesOf(await list(bob, null))).toEqual(['bob.txt']);
      expect(namesOf(await list(alice, null, '?order=desc'))).toEqual(['c.txt', 'b.txt', 'a.txt']);
      expect(await list(alice, null, '?limit=1&offset=1')).toMatchObject({ total: 3, items: [{ name: 'b.txt' }] });
      expect(await list(alice, null, '?limit=1&offset=2')).toMatchObject({ total: 3, items: [{ name: 'c.txt' }] });
    }
    // Another user's change leaves alice's pages as they were, and her own shows at once.
    await upload(bob, 'bob2.txt', 'bob2');
    expect(namesOf(await list(bob, null))).toEqual(['bob.txt', 'bob2.txt']);
    expect(namesOf(await list(alice, null))).toEqual(['a.txt', 'b.txt', 'c.txt']);
    await upload(alice, 'd.txt', 'd');
    expect(await list(alice, null, '?limit=1&offset=2')).toMatchObject({ total: 4, items: [{ name: 'c.txt' }] });
  });

  it('never show one user a page kept for another', async () => {
    const [alice, bob] = [await t.newUser(), await t.newUser()];
    const secret = await createFolder(alice, 'Secret');
    await upload(alice, 'plans.txt', 'plans', secret.id);
    expect(namesOf(await list(alice, secret.id))).toEqual(['plans.txt']);
    const res = await bob.get(`/api/folders/${secret.id}/children`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('plans');
    expect(res.headers.etag).toBeUndefined();
  });

  it('stop being served to a token once it is revoked', async () => {
    const alice = await t.newUser();
    await upload(alice, 'mine.txt', 'mine');
    const created = await alice.post('/api/tokens', { name: 'script' });
    expect(created.statusCode, created.body).toBe(201);
    const script = alice.withToken(created.json().token);
    expect(namesOf(await list(script, null))).toEqual(['mine.txt']);
    expect(namesOf(await list(script, null))).toEqual(['mine.txt']);
    expect((await alice.delete(`/api/tokens/${created.json().id}`)).statusCode).toBe(204);
    const res = await script.get('/api/folders/root/children');
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('mine.txt');
  });
});

/** GETs `url` (200, with a strong ETag that must be revalidated), then 304 for its ETag; returns the ETag. */
async function expectValidated(client: ApiClient, url: string): Promise<string> {
  const first = await client.get(url);
  expect(first.statusCode, first.body).toBe(200);
  const etag = first.headers.etag as string;
  expect(etag).toMatch(/^"[^"]+"$/);
  expect(first.headers['cache-control']).toBe('private, no-cache');
  const unchanged = await client.get(url, { 'if-none-match': etag });
  expect(unchanged.statusCode).toBe(304);
  expect(unchanged.body).toBe('');
  expect(unchanged.headers.etag).toBe(etag);
  return etag;
}

describe('conditional listings', () => {
  it('answer 304 while nothing changed, and the new page once something did', async () => {
    const alice = await t.newUser();
    const folder = await createFolder(alice, 'Polled');
    await upload(alice, 'one.txt', '1', folder.id);
    const url = `/api/folders/${folder.id}/children`;

    const etag = await expectValidated(alice, url);
    expect((await alice.get(url, { 'if-none-match': `"other", W/${etag}` })).statusCode).toBe(304);

    // Another folder's page, or another order of this one, has its own validator.
    const desc = await alice.get(`${url}?order=desc`);
    expect(desc.headers.etag).not.toBe(etag);
    expect((await alice.get(`${url}?order=desc`, { 'if-none-match': etag })).statusCode).toBe(200);

    await upload(alice, 'two.txt', '2', folder.id);
    const changed = await alice.get(url, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.json().items.map((item: Node) => item.name)).toEqual(['one.txt', 'two.txt']);
    expect((await alice.get(url, { 'if-none-match': changed.headers.etag as string })).statusCode).toBe(304);
  });

  it('answer HEAD with the validator and no body', async () => {
    const alice = await t.newUser();
    const get = await alice.get('/api/folders/root/children');
    const head = await alice.request('HEAD', '/api/folders/root/children');
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers.etag).toBe(get.headers.etag);
  });
});

interface SearchPage {
  results: Array<Node & { path: string }>;
  total: number;
}

/**
 * Searches twice (the second answer is a kept one) and returns the second, after checking that
 * both agree and that every result is exactly what the uncached single-node routes say now.
 */
async function freshSearch(client: ApiClient, query: string): Promise<SearchPage> {
  const first = await client.get(`/api/search?${query}`);
  expect(first.statusCode, first.body).toBe(200);
  const second = await client.get(`/api/search?${query}`);
  expect(second.statusCode, second.body).toBe(200);
  expect(second.headers.etag).toBe(first.headers.etag);
  expect(second.json()).toEqual(first.json());
  const page = second.json<SearchPage>();
  for (const { path, ...node } of page.results) {
    expect(node).toEqual(await nodeOf(client, node.id));
    const crumbs = await client.get(`/api/nodes/${node.id}/breadcrumbs`);
    expect(path).toBe(`/${crumbs.json<Array<{ name: string }>>().map((crumb) => crumb.name).join('/')}`);
  }
  return page;
}

const pathsOf = (page: SearchPage) => page.results.map((result) => result.path).sort();

describe('kept search results', () => {
  it('show every kind of change to the tree on the very next search', async () => {
    const alice = await t.newUser();
    expect(await freshSearch(alice, 'q=plan')).toEqual({ results: [], total: 0 });

    const docs = await createFolder(alice, 'Docs');
    const plan = await upload(alice, 'plan.txt', 'first', docs.id);
    expect(pathsOf(await freshSearch(alice, 'q=plan'))).toEqual(['/Docs/plan.txt']);

    // New content under the same name: size, hash and etag change in the results.
    await alice.putFile('plan.txt', 'second version', { parentId: docs.id, conflict: 'replace' });
    expect((await freshSearch(alice, 'q=plan')).results[0]).toMatchObject({ size: 'second version'.length });

    // A renamed or moved ancestor changes the path; a rename out of the query drops the result.
    expect((await alice.patch(`/api/nodes/${docs.id}`, { name: 'Papers' })).statusCode).toBe(200);
    expect(pathsOf(await freshSearch(alice, 'q=plan'))).toEqual(['/Papers/plan.txt']);
    const top = await createFolder(alice, 'Top');
    expect((await alice.patch(`/api/nodes/${docs.id}`, { parentId: top.id })).statusCode).toBe(200);
    expect(pathsOf(await freshSearch(alice, 'q=plan'))).toEqual(['/Top/Papers/plan.txt']);
    expect((await alice.patch(`/api/nodes/${plan.id}`, { favorite: true })).statusCode).toBe(200);
    expect((await freshSearch(alice, 'q=plan')).results[0]!.favorite).toBe(true);
    expect((await alice.post(`/api/nodes/${plan.id}/copy`, { parentId: null, name: 'plan copy.txt' })).statusCode).toBe(201);
    expect(pathsOf(await freshSearch(alice, 'q=plan'))).toEqual(['/Top/Papers/plan.txt', '/plan copy.txt']);
    expect((await alice.patch(`/api/nodes/${plan.id}`, { name: 'notes.txt' })).statusCode).toBe(200);
    expect(pathsOf(await freshSearch(alice, 'q=plan'))).toEqual(['/plan copy.txt']);

    // Trash hides a whole subtree; restore brings it back; deleting for good removes it.
    expect((await alice.delete(`/api/nodes/${top.id}`)).statusCode).toBe(200);
    expect(pathsOf(await freshSearch(alice, 'q=notes'))).toEqual([]);
    expect((await alice.post(`/api/trash/${top.id}/restore`)).statusCode).toBe(200);
    expect(pathsOf(await freshSearch(alice, 'q=notes'))).toEqual(['/Top/Papers/notes.txt']);
    expect((await alice.delete(`/api/nodes/${top.id}`)).statusCode).toBe(200);
    expect((await alice.delete(`/api/trash/${top.id}`)).statusCode).toBe(204);
    expect(pathsOf(await freshSearch(alice, 'q=notes'))).toEqual([]);
  });

  it('are kept apart per user, query, filter and page', async () => {
    const [alice, bob] = [await t.newUser(), await t.newUser()];
    for (const name of ['one.txt', 'two.pdf', 'three.txt']) {
      await upload(alice, name, name);
    }
    await upload(bob, 'bob.txt', 'bob');
    const names = (page: SearchPage) => page.results.map((result) => result.name);
    for (let round = 0; round < 2; round++) {
      expect(names(await freshSearch(alice, 'q=t'))).toEqual(['three.txt', 'two.pdf', 'one.txt']);
      expect(names(await freshSearch(bob, 'q=t'))).toEqual(['bob.txt']);
      expect(names(await freshSearch(alice, 'q=t&types=pdf'))).toEqual(['two.pdf']);
      expect(names(await freshSearch(alice, 'q=t&sizeMin=8'))).toEqual(['three.txt']);
      expect(await freshSearch(alice, 'q=t&limit=1&offset=1')).toMatchObject({ total: 3, results: [{ name: 'two.pdf' }] });
      expect(await freshSearch(alice, 'q=t&limit=1&offset=5')).toEqual({ total: 3, results: [] });
    }
    // Another user's change leaves alice's results as they were; her own shows at once.
    await upload(bob, 'bob2.txt', 'bob2');
    expect(names(await freshSearch(alice, 'q=t'))).toEqual(['three.txt', 'two.pdf', 'one.txt']);
    await upload(alice, 'four.txt', 'four');
    expect(await freshSearch(alice, 'q=t&limit=1&offset=5')).toEqual({ total: 4, results: [] });
    expect(await freshSearch(alice, 'q=t&limit=1&offset=0')).toMatchObject({ total: 4, results: [{ name: 'four.txt' }] });
  });

  it('answer 304 while nothing changed, and the new results once something did', async () => {
    const alice = await t.newUser();
    await upload(alice, 'budget.txt', 'b');
    const url = '/api/search?q=budget';
    const etag = await expectValidated(alice, url);
    // Another query, or another user's same query, has its own validator.
    expect((await alice.get('/api/search?q=budg', { 'if-none-match': etag })).statusCode).toBe(200);
    const bob = await t.newUser();
    expect((await bob.get(url, { 'if-none-match': etag })).statusCode).toBe(200);

    await upload(alice, 'budget 2.txt', 'b2');
    const changed = await alice.get(url, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.json<SearchPage>().total).toBe(2);
    expect((await alice.get(url, { 'if-none-match': changed.headers.etag as string })).statusCode).toBe(304);
  });

  it("follow a saved profile's new values at once", async () => {
    const alice = await t.newUser();
    await upload(alice, 'alpha.txt', 'a');
    await upload(alice, 'beta.txt', 'b');
    const created = await alice.post('/api/search-profiles', { name: 'Mine', query: 'alpha' });
    expect(created.statusCode, created.body).toBe(201);
    const url = `/api/search-profiles/${created.json().id}/results`;
    const names = async () => {
      const first = await alice.get(url);
      const second = await alice.get(url, { 'if-none-match': first.headers.etag as string });
      expect(second.statusCode).toBe(304);
      return first.json<SearchPage>().results.map((result) => result.name);
    };
    expect(await names()).toEqual(['alpha.txt']);
    expect((await alice.patch(`/api/search-profiles/${created.json().id}`, { query: 'beta' })).statusCode).toBe(200);
    expect(await names()).toEqual(['beta.txt']);
  });

  it('stop being served to a token once it is revoked', async () => {
    const alice = await t.newUser();
    await upload(alice, 'secret-plan.txt', 'mine');
    const created = await alice.post('/api/tokens', { name: 'script' });
    const script = alice.withToken(created.json().token);
    expect(pathsOf(await freshSearch(script, 'q=secret'))).toEqual(['/secret-plan.txt']);
    expect((await alice.delete(`/api/tokens/${created.json().id}`)).statusCode).toBe(204);
    const res = await script.get('/api/search?q=secret');
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('secret-plan');
  });
});

describe('downloads of a file again', () => {
  const download = async (client: ApiClient, id: string) => {
    const first = await client.get(`/api/files/${id}/content`);
    const second = await client.get(`/api/files/${id}/content`);
    expect(second.statusCode).toBe(first.statusCode);
    expect(second.body).toBe(first.body);
    expect(second.headers['content-disposition']).toBe(first.headers['content-disposition']);
    return second;
  };

  it('follow every change to the file at once', async () => {
    const alice = await t.newUser();
    const file = await upload(alice, 'song.txt', 'la la');
    expect((await download(alice, file.id)).body).toBe('la la');

    const replaced = await alice.putFile('song.txt', 'la la la', { conflict: 'replace' });
    expect(replaced.json().id).toBe(file.id);
    const again = await download(alice, file.id);
    expect(again.body).toBe('la la la');
    expect(again.headers.etag).toBe(`"${replaced.json().sha256}"`);

    expect((await alice.patch(`/api/nodes/${file.id}`, { name: 'tune.txt' })).statusCode).toBe(200);
    expect((await download(alice, file.id)).headers['content-disposition']).toContain('tune.txt');

    expect((await alice.delete(`/api/nodes/${file.id}`)).statusCode).toBe(200);
    expect((await download(alice, file.id)).statusCode).toBe(404);
    expect((await alice.post(`/api/trash/${file.id}/restore`)).statusCode).toBe(200);
    expect((await download(alice, file.id)).body).toBe('la la la');
    expect((await alice.delete(`/api/nodes/${file.id}`)).statusCode).toBe(200);
    expect((await alice.delete(`/api/trash/${file.id}`)).statusCode).toBe(204);
    expect((await download(alice, file.id)).statusCode).toBe(404);
  });

  it('never serve one user a file kept for another', async () => {
    const [alice, bob] = [await t.newUser(), await t.newUser()];
    const file = await upload(alice, 'private.txt', 'for alice only');
    expect((await download(alice, file.id)).body).toBe('for alice only');
    const res = await bob.get(`/api/files/${file.id}/content`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('for alice only');
  });
});

describe('with the page cache turned off', () => {
  let off: TestApp;
  beforeAll(async () => {
    off = await createTestApp({ env: { FILEFLOW_ANSWER_CACHE: '0' } });
  });
  afterAll(async () => {
    await off.close();
  });

  it('lists and validates the same way', async () => {
    const alice = await off.newUser();
    await upload(alice, 'a.txt', 'a');
    const first = await alice.get('/api/folders/root/children');
    expect(first.json().items.map((item: Node) => item.name)).toEqual(['a.txt']);
    expect((await alice.get('/api/folders/root/children', { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304);
    await upload(alice, 'b.txt', 'b');
    expect(namesOf(await freshListing(alice, null))).toEqual(['a.txt', 'b.txt']);
  });
});
