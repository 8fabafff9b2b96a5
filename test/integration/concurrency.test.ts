import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { ApiClient } from '../helpers/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The breadcrumbs of a node; throws unless they come back (a cycle would not terminate or would repeat ids). */
async function crumbs(client: ApiClient, id: string): Promise<Array<{ id: string; name: string }>> {
  const res = await client.get(`/api/nodes/${id}/breadcrumbs`);
  expect(res.statusCode, res.body).toBe(200);
  const list: Array<{ id: string; name: string }> = res.json();
  expect(new Set(list.map((crumb) => crumb.id)).size).toBe(list.length);
  expect(list.at(-1)!.id).toBe(id);
  return list;
}

/** Follows parentId from the node to the root; fails on a repeated id (a cycle). */
async function walkToRoot(client: ApiClient, id: string): Promise<string[]> {
  const seen: string[] = [];
  let current: string | null = id;
  while (current !== null) {
    expect(seen).not.toContain(current);
    seen.push(current);
    const res = await client.get(`/api/nodes/${current}`);
    expect(res.statusCode).toBe(200);
    current = res.json().parentId;
  }
  return seen;
}

describe('concurrent tree changes', () => {
  it('of two moves that together would form a cycle, exactly one succeeds and the other is invalid_move', async () => {
    const alice = await t.newUser();
    for (let round = 0; round < 10; round++) {
      const a = await alice.mkdir(`a${round}`);
      const b = await alice.mkdir(`b${round}`);
      const [intoB, intoA] = await Promise.all([
        alice.patch(`/api/nodes/${a.id}`, { parentId: b.id }),
        alice.patch(`/api/nodes/${b.id}`, { parentId: a.id }),
      ]);
      const statuses = [intoB.statusCode, intoA.statusCode].sort();
      expect(statuses).toEqual([200, 409]);
      const refused = intoB.statusCode === 409 ? intoB : intoA;
      expect(refused.json().error.code).toBe('invalid_move');

      const aCrumbs = await crumbs(alice, a.id);
      const bCrumbs = await crumbs(alice, b.id);
      expect(aCrumbs.length + bCrumbs.length).toBe(3);
      expect(await walkToRoot(alice, a.id)).toHaveLength(aCrumbs.length);
      expect(await walkToRoot(alice, b.id)).toHaveLength(bCrumbs.length);
    }
  });

  it('of three moves around a triangle, at most two succeed and no cycle forms', async () => {
    const alice = await t.newUser();
    for (let round = 0; round < 5; round++) {
      const nodes = await Promise.all(['x', 'y', 'z'].map((name) => alice.mkdir(`${name}${round}`)));
      const results = await Promise.all(nodes.map((node, i) => alice.patch(`/api/nodes/${node.id}`, { parentId: nodes[(i + 1) % 3]!.id })));
      const ok = results.filter((res) => res.statusCode === 200).length;
      expect(ok).toBe(2);
      for (const res of results.filter((r) => r.statusCode !== 200)) {
        expect(res.statusCode).toBe(409);
        expect(res.json().error.code).toBe('invalid_move');
      }
      for (const node of nodes) {
        await crumbs(alice, node.id);
        await walkToRoot(alice, node.id);
      }
    }
  });

  it('of ten creations of one folder name, exactly one is 201 and the rest 409 name_taken', async () => {
    const alice = await t.newUser();
    const parent = await alice.mkdir('parent');
    for (const parentId of [null, parent.id]) {
      const results = await Promise.all(Array.from({ length: 10 }, () => alice.post('/api/folders', { name: 'race', parentId })));
      expect(results.filter((res) => res.statusCode === 201)).toHaveLength(1);
      const losers = results.filter((res) => res.statusCode !== 201);
      expect(losers).toHaveLength(9);
      for (const res of losers) {
        expect(res.statusCode).toBe(409);
        expect(res.json().error.code).toBe('name_taken');
      }
      const listing = (await alice.get(`/api/folders/${parentId ?? 'root'}/children`)).json();
      expect(listing.items.filter((n: { name: string }) => n.name === 'race')).toHaveLength(1);
    }
  });

  it('of renames of two folders to one name, exactly one wins', async () => {
    const alice = await t.newUser();
    for (let round = 0; round < 5; round++) {
      const one = await alice.mkdir(`one${round}`);
      const two = await alice.mkdir(`two${round}`);
      const results = await Promise.all([
        alice.patch(`/api/nodes/${one.id}`, { name: `same${round}` }),
        alice.patch(`/api/nodes/${two.id}`, { name: `same${round}` }),
      ]);
      expect(results.map((res) => res.statusCode).sort()).toEqual([200, 409]);
      expect(results.find((res) => res.statusCode === 409)!.json().error.code).toBe('name_taken');
    }
  });

  it('of a move into a folder and the trashing of that folder, the tree stays consistent', async () => {
    const alice = await t.newUser();
    for (let round = 0; round < 5; round++) {
      const target = await alice.mkdir(`target${round}`);
      const moving = await alice.mkdir(`moving${round}`);
      const [moved, trashed] = await Promise.all([
        alice.patch(`/api/nodes/${moving.id}`, { parentId: target.id }),
        alice.delete(`/api/nodes/${target.id}`),
      ]);
      expect(trashed.statusCode).toBe(200);
      if (moved.statusCode === 200) {
        // Moved first: it went to the trash with the folder.
        expect((await alice.get(`/api/nodes/${moving.id}`)).statusCode).toBe(404);
      } else {
        expect(moved.statusCode).toBe(404);
        expect((await alice.get(`/api/nodes/${moving.id}`)).json().parentId).toBeNull();
      }
    }
  });
  it('of registrations with one email (in any case) or one username, exactly one is 201 and the rest 409', async () => {
    const tag = Math.random().toString(36).slice(2, 10);
    const sameEmail = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        new ApiClient(t.app).post('/api/auth/register', {
          username: `race${tag}${i}`,
          email: i % 2 === 0 ? `race${tag}@example.test` : `RACE${tag}@Example.test`,
          password: 'long enough password',
        }),
      ),
    );
    expect(sameEmail.filter((res) => res.statusCode === 201)).toHaveLength(1);
    for (const res of sameEmail.filter((r) => r.statusCode !== 201)) {
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('email_taken');
    }
    const sameUsername = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        new ApiClient(t.app).post('/api/auth/register', {
          username: `name${tag}`,
          email: `n${i}${tag}@example.test`,
          password: 'long enough password',
        }),
      ),
    );
    expect(sameUsername.filter((res) => res.statusCode === 201)).toHaveLength(1);
    for (const res of sameUsername.filter((r) => r.statusCode !== 201)) {
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('username_taken');
    }
  });

  it('of copies of one folder into one place, exactly one is 201 and the rest 409 name_taken', async () => {
    const alice = await t.newUser();
    const source = await alice.mkdir('source');
    await alice.mkdir('inner', source.id);
    const target = await alice.mkdir('target');
    const results = await Promise.all(Array.from({ length: 5 }, () => alice.post(`/api/nodes/${source.id}/copy`, { parentId: target.id })));
    expect(results.filter((res) => res.statusCode === 201)).toHaveLength(1);
    for (const res of results.filter((r) => r.statusCode !== 201)) {
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('name_taken');
    }
    const copies = (await alice.get(`/api/folders/${target.id}/children`)).json().items;
    expect(copies.map((n: { name: string }) => n.name)).toEqual(['source']);
    expect((await alice.get(`/api/folders/${copies[0].id}/children`)).json().items.map((n: { name: string }) => n.name)).toEqual(['inner']);
  });
});
