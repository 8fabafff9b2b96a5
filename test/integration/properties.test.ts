import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { checkInvariants } from '../helpers/invariants.js';

/** Runs and steps per run: small in CI, larger with PROPERTY_RUNS / PROPERTY_STEPS (the --long mode). */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);
const STEPS = Number(process.env.PROPERTY_STEPS ?? 40);

// A small pool of contents, so that dedup and shared references happen often.
const CONTENTS = ['alpha', 'beta', 'gamma', 'delta', 'a somewhat longer piece of content', ''];
const NAMES = ['a.txt', 'b.txt', 'A.txt', 'notes', 'x (1).txt', 'Ünïcode ✓.md'];

type Op =
  | { kind: 'upload'; user: number; folder: number; name: number; content: number; conflict: 'fail' | 'rename' | 'replace' }
  | { kind: 'mkdir'; user: number; folder: number; name: number }
  | { kind: 'copy'; user: number; node: number; folder: number }
  | { kind: 'move'; user: number; node: number; folder: number }
  | { kind: 'rename'; user: number; node: number; name: number }
  | { kind: 'trash'; user: number; node: number }
  | { kind: 'restore'; user: number; item: number }
  | { kind: 'purge'; user: number; item: number }
  | { kind: 'share'; user: number; node: number }
  | { kind: 'crossUser'; user: number; node: number };

const pick = fc.nat({ max: 50 });
const user = fc.nat({ max: 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('upload' as const), user, folder: pick, name: fc.nat({ max: NAMES.length - 1 }), content: fc.nat({ max: CONTENTS.length - 1 }), conflict: fc.constantFrom('fail' as const, 'rename' as const, 'replace' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mkdir' as const), user, folder: pick, name: fc.nat({ max: NAMES.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('copy' as const), user, node: pick, folder: pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), user, node: pick, folder: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), user, node: pick, name: fc.nat({ max: NAMES.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('trash' as const), user, node: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restore' as const), user, item: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('purge' as const), user, item: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('share' as const), user, node: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crossUser' as const), user, node: pick }) },
);

interface NodeRef {
  id: string;
  type: 'file' | 'folder';
  name: string;
  /** "/Docs/2024/report.pdf", as the walk down from the root found it. */
  path: string;
}

/** Every live node of a user, with its path, found by walking the tree through the API. */
async function liveNodes(client: ApiClient): Promise<NodeRef[]> {
  const result: NodeRef[] = [];
  const queue: Array<{ id: string | null; path: string }> = [{ id: null, path: '' }];
  while (queue.length > 0) {
    const folder = queue.shift()!;
    const res = await client.get(folder.id ? `/api/folders/${folder.id}/children?limit=1000` : '/api/folders/root/children?limit=1000');
    for (const item of res.json().items as NodeRef[]) {
      const path = `${folder.path}/${item.name}`;
      result.push({ id: item.id, type: item.type, name: item.name, path });
      if (item.type === 'folder') {
        queue.push({ id: item.id, path });
      }
    }
  }
  return result;
}

/**
 * Checks that searches (kept between requests while the tree is unchanged) find exactly the
 * live nodes the folder listings show, each at the path the listings lead to: everything, and
 * the names with "txt" in them.
 */
async function expectSearchesMatch(client: ApiClient, nodes: NodeRef[]): Promise<void> {
  const pathsOf = (items: Array<{ id: string; path: string }>) => items.map((item) => `${item.id} ${item.path}`).sort();
  const everything = (await client.get('/api/search?limit=200')).json<{ results: NodeRef[]; total: number }>();
  expect(pathsOf(everything.results)).toEqual(pathsOf(nodes));
  expect(everything.total).toBe(nodes.length);
  const txt = (await client.get('/api/search?q=txt&limit=200')).json<{ results: NodeRef[]; total: number }>();
  expect(pathsOf(txt.results)).toEqual(pathsOf(nodes.filter((node) => node.name.toLowerCase().includes('txt'))));
}

const at = <T>(items: T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { FILEFLOW_DEFAULT_QUOTA: '2000' } });
});
afterAll(async () => {
  await t.close();
});

describe('random operation sequences keep the invariants', () => {
  it(
    `${RUNS} runs of ${STEPS} steps`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArbitrary, { minLength: Math.ceil(STEPS / 2), maxLength: STEPS }), async (ops) => {
          const users = [await t.newUser(), await t.newUser()];
          for (const op of ops) {
            const client = users[op.user]!;
            const nodes = await liveNodes(client);
            await expectSearchesMatch(client, nodes);
            const folders = nodes.filter((node) => node.type === 'folder');
            const folderId = (index: number) => (index % (folders.length + 1) === 0 ? null : (at(folders, index)?.id ?? null));
            let status = 0;
            switch (op.kind) {
              case 'upload': {
                const params = new URLSearchParams({ name: NAMES[op.name]!, conflict: op.conflict });
                const parent = folderId(op.folder);
                if (parent) {
                  params.set('parentId', parent);
                }
                status = (await client.put(`/api/files/content?${params.toString()}`, Buffer.from(CONTENTS[op.content]!), { 'content-type': 'application/octet-stream' })).statusCode;
                break;
              }
              case 'mkdir':
                status = (await client.post('/api/folders', { name: NAMES[op.name], parentId: folderId(op.folder) })).statusCode;
                break;
              case 'copy': {
                const node = at(nodes, op.node);
                status = node ? (await client.post(`/api/nodes/${node.id}/copy`, { parentId: folderId(op.folder) })).statusCode : 0;
                break;
              }
              case 'move': {
                const node = at(nodes, op.node);
                status = node ? (await client.patch(`/api/nodes/${node.id}`, { parentId: folderId(op.folder) })).statusCode : 0;
                break;
              }
              case 'rename': {
                const node = at(nodes, op.node);
                status = node ? (await client.patch(`/api/nodes/${node.id}`, { name: NAMES[op.name] })).statusCode : 0;
                break;
              }
              case 'trash': {
                const node = at(nodes, op.node);
                status = node ? (await client.delete(`/api/nodes/${node.id}`)).statusCode : 0;
                break;
              }
              case 'restore':
              case 'purge': {
                const items = (await client.get('/api/trash')).json().items as NodeRef[];
                const item = at(items, op.item);
                if (item) {
                  status = (op.kind === 'restore' ? await client.post(`/api/trash/${item.id}/restore`) : await client.delete(`/api/trash/${item.id}`)).statusCode;
                }
                break;
              }
              case 'share': {
                const node = at(nodes, op.node);
                status = node ? (await client.post('/api/shares', { nodeId: node.id })).statusCode : 0;
                break;
              }
              case 'crossUser': {
                // Another user's node is never reachable.
                const node = at(nodes, op.node);
                if (node) {
                  const other = users[1 - op.user]!;
                  const answers = await Promise.all([other.get(`/api/nodes/${node.id}`), other.patch(`/api/nodes/${node.id}`, { name: 'stolen' }), other.delete(`/api/nodes/${node.id}`)]);
                  expect(answers.map((res) => res.statusCode)).toEqual([404, 404, 404]);
                }
                break;
              }
            }
            // Refusals (404, 409, 507 ...) are fine; a server error never is.
            expect(status, `${op.kind} answered ${status}`).toBeLessThan(500);
            const problems = await checkInvariants(t.database.db, t.blobs);
            expect(problems, `after ${JSON.stringify(op)}`).toEqual([]);
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
    600_000,
  );
});
