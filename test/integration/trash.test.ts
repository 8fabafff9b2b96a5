import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { contentKey } from '../../src/server/blobs/blob-store.js';
import { children, readZip, sha256, storageOf } from '../helpers/files.js';
import { checkInvariants } from '../helpers/invariants.js';
import { queryRows } from '../../src/server/db/client.js';
import { sql } from 'drizzle-orm';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { FILEFLOW_SHARE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

interface TrashItem {
  id: string;
  name: string;
  type: 'file' | 'folder';
  parentId: string | null;
  size: number;
  trashedAt: string;
  originalParentId: string | null;
  originalFolderName?: string | null;
}

/** Whether the blob store (disk or S3) holds the content with this hash. */
function stored(sha: string): Promise<boolean> {
  return t.blobs.exists(contentKey(sha));
}

async function trashItems(client: ApiClient): Promise<TrashItem[]> {
  const res = await client.get('/api/trash');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

async function trash(client: ApiClient, id: string) {
  const res = await client.delete(`/api/nodes/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().trashed;
}

async function restore(client: ApiClient, id: string) {
  const res = await client.post(`/api/trash/${id}/restore`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function shareLink(client: ApiClient, nodeId: string): Promise<string> {
  const res = await client.post('/api/shares', { nodeId });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token;
}

describe('trashing a folder', () => {
  it('takes its whole subtree out of listings, GET, breadcrumbs, search, zips and share links', async () => {
    const alice = await t.newUser();
    const docs = await alice.mkdir('Docs');
    const sub = await alice.mkdir('Sub', docs.id);
    const deep = await alice.upload('deepzebra.txt', 'deep content', sub.id);
    const top = await alice.upload('topzebra.txt', 'top content', docs.id);
    const keep = await alice.upload('keepzebra.txt', 'keep');
    const fileLink = await shareLink(alice, deep.id);
    const folderLink = await shareLink(alice, sub.id);
    expect((await t.anonymous.get(`/api/public/shares/${fileLink}`)).statusCode).toBe(200);

    const trashed = await trash(alice, docs.id);
    expect(trashed.id).toBe(docs.id);

    expect((await children(alice)).map((n) => n.name)).toEqual(['keepzebra.txt']);
    for (const id of [docs.id, sub.id, deep.id, top.id]) {
      expect((await alice.get(`/api/nodes/${id}`)).statusCode).toBe(404);
      expect((await alice.get(`/api/nodes/${id}/breadcrumbs`)).statusCode).toBe(404);
    }
    for (const id of [docs.id, sub.id]) {
      expect((await alice.get(`/api/folders/${id}/children`)).statusCode).toBe(404);
      expect((await alice.get(`/api/folders/${id}/zip`)).statusCode).toBe(404);
    }
    expect((await alice.get(`/api/files/${deep.id}/content`)).statusCode).toBe(404);

    const search = await alice.get('/api/search?q=zebra');
    expect(search.statusCode).toBe(200);
    expect(search.json().results.map((r: { name: string }) => r.name)).toEqual(['keepzebra.txt']);

    const zip = await alice.get('/api/folders/root/zip');
    expect(zip.statusCode).toBe(200);
    expect(readZip(zip.rawPayload).map((e) => e.name)).toEqual(['keepzebra.txt']);

    for (const token of [fileLink, folderLink]) {
      expect((await t.anonymous.get(`/api/public/shares/${token}`)).statusCode).toBe(404);
      expect((await t.anonymous.get(`/api/public/shares/${token}/content`)).statusCode).toBe(404);
      expect((await t.anonymous.get(`/api/public/shares/${token}/children`)).statusCode).toBe(404);
    }
    // Moving, copying or uploading into a trashed folder is refused.
    expect((await alice.patch(`/api/nodes/${keep.id}`, { parentId: docs.id })).statusCode).toBe(404);
    expect((await alice.post(`/api/nodes/${keep.id}/copy`, { parentId: sub.id })).statusCode).toBe(404);
    expect((await alice.putFile('new.txt', 'x', { parentId: sub.id })).statusCode).toBe(404);
    expect((await alice.delete(`/api/nodes/${deep.id}`)).statusCode).toBe(404);

    // Restoring brings all of it back, links included.
    const restored = await restore(alice, docs.id);
    expect(restored).toMatchObject({ id: docs.id, name: 'Docs', parentId: null, type: 'folder' });
    expect((await children(alice, sub.id)).map((n) => n.name)).toEqual(['deepzebra.txt']);
    expect((await alice.get(`/api/nodes/${deep.id}/breadcrumbs`)).json().map((c: { name: string }) => c.name)).toEqual([
      'Docs',
      'Sub',
      'deepzebra.txt',
    ]);
    expect((await alice.get(`/api/files/${deep.id}/content`)).body).toBe('deep content');
    expect((await t.anonymous.get(`/api/public/shares/${fileLink}`)).statusCode).toBe(200);
    expect((await trashItems(alice)).length).toBe(0);
  });
});

describe('GET /api/trash', () => {
  it('names the folder each item was trashed from while it is live, and only then', async () => {
    const alice = await t.newUser();
    const docs = await alice.mkdir('Docs');
    const photos = await alice.mkdir('Photos');
    const year = await alice.mkdir('2024', photos.id);
    await trash(alice, (await alice.upload('notes.txt', 'notes', docs.id)).id);
    await trash(alice, (await alice.upload('beach.jpg', 'beach', year.id)).id);
    await trash(alice, (await alice.upload('top.txt', 'top')).id);
    let byName = new Map((await trashItems(alice)).map((i) => [i.name, i]));
    expect(byName.get('notes.txt')?.originalFolderName).toBe('Docs');
    expect(byName.get('beach.jpg')?.originalFolderName).toBe('2024');
    expect(byName.get('top.txt')?.originalFolderName).toBeNull();

    // 2024 goes to the trash inside Photos (it is not listed itself), then for good.
    await trash(alice, photos.id);
    byName = new Map((await trashItems(alice)).map((i) => [i.name, i]));
    expect(byName.get('beach.jpg')?.originalFolderName).toBeNull();
    expect((await alice.delete(`/api/trash/${photos.id}`)).statusCode).toBe(204);
    byName = new Map((await trashItems(alice)).map((i) => [i.name, i]));
    expect(byName.get('beach.jpg')).toMatchObject({ originalParentId: year.id, originalFolderName: null });
  });

  it('lists only the tops of trashed subtrees, with trashedAt and originalParentId', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Projects');
    const inner = await alice.mkdir('Inner', folder.id);
    const early = await alice.upload('early.txt', 'early', folder.id);
    await alice.upload('late.txt', 'late', inner.id);
    const before = Date.now();
    const trashedEarly = await trash(alice, early.id);
    expect(trashedEarly.id).toBe(early.id);
    await trash(alice, folder.id);
    const after = Date.now();

    const items = await trashItems(alice);
    expect(items.map((i) => i.name).sort()).toEqual(['Projects', 'early.txt']);
    const byName = new Map(items.map((i) => [i.name, i]));
    expect(byName.get('early.txt')).toMatchObject({ id: early.id, type: 'file', originalParentId: folder.id, size: 5 });
    expect(byName.get('Projects')).toMatchObject({ id: folder.id, type: 'folder', originalParentId: null });
    for (const item of items) {
      const at = Date.parse(item.trashedAt);
      expect(at).toBeGreaterThanOrEqual(before - 1000);
      expect(at).toBeLessThanOrEqual(after + 1000);
    }
    // The folder an item came from is named only while it is live: Projects is in the trash.
    expect(byName.get('early.txt')?.originalFolderName).toBeNull();
    expect(byName.get('Projects')?.originalFolderName).toBeNull();
    // Newest first.
    expect(items[0]!.name).toBe('Projects');
    // The retention comes with the list (FILEFLOW_TRASH_RETENTION, 30 days by default).
    expect((await alice.get('/api/trash')).json().retentionSeconds).toBe(30 * 24 * 3600);

    // Another user's trash is separate.
    const bob = await t.newUser();
    expect(await trashItems(bob)).toEqual([]);
    expect((await t.anonymous.get('/api/trash')).statusCode).toBe(401);
  });

  it('restores a file trashed before its folder to the root when the folder is in the trash', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Box');
    const file = await alice.upload('note.txt', 'note', folder.id);
    await trash(alice, file.id);
    await trash(alice, folder.id);
    const restored = await restore(alice, file.id);
    expect(restored).toMatchObject({ id: file.id, name: 'note.txt', parentId: null });
    // Restoring the folder afterwards does not bring the file back into it.
    const box = await restore(alice, folder.id);
    expect(box.parentId).toBeNull();
    expect(await children(alice, folder.id)).toEqual([]);
    expect((await children(alice)).map((n) => n.name)).toEqual(['Box', 'note.txt']);
  });
});

describe('POST /api/trash/:id/restore', () => {
  it('returns a node to its original folder', async () => {
    const alice = await t.newUser();
    const a = await alice.mkdir('A');
    const b = await alice.mkdir('B', a.id);
    const file = await alice.upload('f.txt', 'f', b.id);
    await trash(alice, file.id);
    expect(await children(alice, b.id)).toEqual([]);
    const restored = await restore(alice, file.id);
    expect(restored).toMatchObject({ id: file.id, parentId: b.id, name: 'f.txt', type: 'file' });
    expect(restored.trashedAt).toBeUndefined();
    expect((await children(alice, b.id)).map((n) => n.id)).toEqual([file.id]);
    expect(await trashItems(alice)).toEqual([]);
  });

  it('returns a node to the root when its original folder was deleted for good', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Gone');
    const file = await alice.upload('orphan.txt', 'orphan', folder.id);
    await trash(alice, file.id);
    await trash(alice, folder.id);
    expect((await alice.delete(`/api/trash/${folder.id}`)).statusCode).toBe(204);
    const restored = await restore(alice, file.id);
    expect(restored).toMatchObject({ id: file.id, parentId: null });
    expect((await alice.get(`/api/files/${file.id}/content`)).body).toBe('orphan');
  });

  it('returns a node to the root when its original folder was moved away and trashed inside another', async () => {
    const alice = await t.newUser();
    const outer = await alice.mkdir('Outer');
    const inner = await alice.mkdir('Inner', outer.id);
    const file = await alice.upload('x.bin', 'x', inner.id);
    await trash(alice, file.id);
    await trash(alice, outer.id);
    expect((await restore(alice, file.id)).parentId).toBeNull();
  });

  it('renames on a clash: "name (1)" for folders, "name (1).txt" for files', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Reports');
    const file = await alice.upload('data.txt', 'one');
    await trash(alice, folder.id);
    await trash(alice, file.id);
    await alice.mkdir('Reports');
    await alice.upload('data.txt', 'two');
    const restoredFolder = await restore(alice, folder.id);
    const restoredFile = await restore(alice, file.id);
    expect(restoredFolder.name).toBe('Reports (1)');
    expect(restoredFile.name).toBe('data (1).txt');
    // A second clash takes the next free number.
    const second = (await children(alice)).find((n) => n.name === 'data.txt')!;
    await trash(alice, second.id);
    await alice.upload('data.txt', 'four');
    expect((await restore(alice, second.id)).name).toBe('data (2).txt');
    expect((await children(alice)).map((n) => n.name)).toEqual(['Reports', 'Reports (1)', 'data (1).txt', 'data (2).txt', 'data.txt']);
    // A folder's name keeps its dots: "release.v2 (1)", not "release (1).v2".
    const dotted = await alice.mkdir('release.v2');
    await trash(alice, dotted.id);
    await alice.mkdir('release.v2');
    expect((await restore(alice, dotted.id)).name).toBe('release.v2 (1)');
    // A name that already ends in a number numbers on from it, as Dropbox does, not "b (1) (1).txt".
    const numbered = await alice.upload('b (1).txt', 'five');
    await trash(alice, numbered.id);
    await alice.upload('b (1).txt', 'six');
    expect((await restore(alice, numbered.id)).name).toBe('b (2).txt');
  });

  it('answers 404 for unknown ids, live nodes, nodes inside a trashed folder and other users’ items', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const folder = await alice.mkdir('Mine');
    const inside = await alice.upload('inside.txt', 'i', folder.id);
    const live = await alice.upload('live.txt', 'l');
    await trash(alice, folder.id);
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-an-id', live.id, inside.id]) {
      const res = await alice.post(`/api/trash/${id}/restore`);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      expect((await alice.delete(`/api/trash/${id}`)).statusCode, id).toBe(404);
    }
    expect((await bob.post(`/api/trash/${folder.id}/restore`)).statusCode).toBe(404);
    expect((await bob.delete(`/api/trash/${folder.id}`)).statusCode).toBe(404);
    expect((await bob.delete('/api/trash')).statusCode).toBe(204);
    // Bob's attempts changed nothing.
    expect((await trashItems(alice)).map((i) => i.id)).toEqual([folder.id]);
    expect((await alice.get(`/api/files/${live.id}/content`)).body).toBe('l');
    expect((await t.anonymous.post(`/api/trash/${folder.id}/restore`)).statusCode).toBe(401);
  });
});

describe('deleting for good', () => {
  it('DELETE /api/trash/:id frees exactly the files’ bytes and removes unreferenced content', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Big');
    const sub = await alice.mkdir('Deeper', folder.id);
    const contents = ['alpha unique content ' + Math.random(), 'beta unique content ' + Math.random(), 'gamma ' + Math.random()];
    await alice.upload('a.txt', contents[0]!, folder.id);
    await alice.upload('b.txt', contents[1]!, sub.id);
    await alice.upload('c.txt', contents[2]!, sub.id);
    // The same content twice in the subtree.
    await alice.upload('a-copy.txt', contents[0]!, sub.id);
    const keep = await alice.upload('keep.txt', 'kept content ' + Math.random());
    const total = contents.reduce((sum, c) => sum + Buffer.byteLength(c), 0) + Buffer.byteLength(contents[0]!);
    const before = await storageOf(alice);
    expect(before.storageUsed).toBe(total + keep.size);

    await trash(alice, folder.id);
    // Trashed files still count.
    expect((await storageOf(alice)).storageUsed).toBe(total + keep.size);
    for (const c of contents) {
      expect(await stored(sha256(c))).toBe(true);
    }

    const res = await alice.delete(`/api/trash/${folder.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');
    expect(await trashItems(alice)).toEqual([]);
    expect((await storageOf(alice)).storageUsed).toBe(keep.size);
    for (const c of contents) {
      expect(await stored(sha256(c))).toBe(false);
    }
    expect(await stored(keep.sha256)).toBe(true);
    // Gone for good: it cannot be restored or deleted again.
    expect((await alice.post(`/api/trash/${folder.id}/restore`)).statusCode).toBe(404);
    expect((await alice.delete(`/api/trash/${folder.id}`)).statusCode).toBe(404);
    expect((await alice.get(`/api/nodes/${sub.id}`)).statusCode).toBe(404);
  });

  it('keeps stored content another user’s file still uses', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const shared = 'content both users have ' + Math.random();
    const mine = await alice.upload('mine.txt', shared);
    const theirs = await bob.upload('theirs.txt', shared);
    expect(mine.sha256).toBe(theirs.sha256);
    await trash(alice, mine.id);
    expect((await alice.delete(`/api/trash/${mine.id}`)).statusCode).toBe(204);
    expect((await storageOf(alice)).storageUsed).toBe(0);
    expect((await storageOf(bob)).storageUsed).toBe(theirs.size);
    expect(await stored(mine.sha256)).toBe(true);
    expect((await bob.get(`/api/files/${theirs.id}/content`)).body).toBe(shared);
    // Once Bob's goes too, so does the content.
    await trash(bob, theirs.id);
    expect((await bob.delete(`/api/trash/${theirs.id}`)).statusCode).toBe(204);
    expect(await stored(mine.sha256)).toBe(false);
  });

  it('keeps content a live file of the same user still uses (a copy)', async () => {
    const alice = await t.newUser();
    const original = await alice.upload('orig.txt', 'copied content ' + Math.random());
    const copyRes = await alice.post(`/api/nodes/${original.id}/copy`, { parentId: null, name: 'copy.txt' });
    expect(copyRes.statusCode).toBe(201);
    await trash(alice, original.id);
    expect((await alice.delete(`/api/trash/${original.id}`)).statusCode).toBe(204);
    expect(await stored(original.sha256)).toBe(true);
    expect((await alice.get(`/api/files/${copyRes.json().id}/content`)).statusCode).toBe(200);
    expect((await storageOf(alice)).storageUsed).toBe(original.size);
  });

  it('DELETE /api/trash empties the trash and gives back the quota', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('F');
    await alice.upload('1.txt', 'one ' + Math.random(), folder.id);
    const loose = await alice.upload('2.txt', 'two ' + Math.random());
    const kept = await alice.upload('3.txt', 'three ' + Math.random());
    await trash(alice, folder.id);
    await trash(alice, loose.id);
    expect((await trashItems(alice)).length).toBe(2);
    const res = await alice.delete('/api/trash');
    expect(res.statusCode).toBe(204);
    expect(await trashItems(alice)).toEqual([]);
    expect((await storageOf(alice)).storageUsed).toBe(kept.size);
    expect((await children(alice)).map((n) => n.name)).toEqual(['3.txt']);
    expect((await alice.post(`/api/trash/${loose.id}/restore`)).statusCode).toBe(404);
    // Emptying an empty trash is fine.
    expect((await alice.delete('/api/trash')).statusCode).toBe(204);
  });

  it('deletes a deep chain of folders for good, giving back exactly its bytes and references', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    // 300 folders, each the only child of the one above, but for a side chain of 20 under the 200th.
    const chain = [await alice.mkdir('Deep')];
    for (let depth = 1; depth < 300; depth++) {
      chain.push(await alice.mkdir(`level ${depth}`, chain[depth - 1]!.id));
    }
    const side = [await alice.mkdir('side 0', chain[200]!.id)];
    for (let depth = 1; depth < 20; depth++) {
      side.push(await alice.mkdir(`side ${depth}`, side[depth - 1]!.id));
    }
    const unique = 'only at the bottom ' + Math.random();
    const twice = 'twice in the chain ' + Math.random();
    const withLive = 'also in a live file ' + Math.random();
    const withBob = 'also in another user’s file ' + Math.random();
    const inChain = [
      await alice.upload('bottom.txt', unique, chain[299]!.id),
      await alice.upload('twice-1.txt', twice, chain[150]!.id),
      await alice.upload('twice-2.txt', twice, side[19]!.id),
      await alice.upload('shared.txt', withLive, chain[100]!.id),
      await alice.upload('bobs-too.txt', withBob, chain[250]!.id),
    ];
    const live = await alice.upload('live.txt', withLive);
    const bobs = await bob.upload('mine.txt', withBob);
    expect((await storageOf(alice)).storageUsed).toBe(inChain.reduce((sum, file) => sum + file.size, 0) + live.size);

    await trash(alice, chain[0]!.id);
    const res = await alice.delete(`/api/trash/${chain[0]!.id}`);
    expect(res.statusCode, res.body).toBe(204);

    expect(await trashItems(alice)).toEqual([]);
    const gone = [...chain, ...side, ...inChain].map((node) => node.id);
    const left = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from file_nodes
          where trash_root_id = ${chain[0]!.id}::uuid or id = any(string_to_array(${gone.join(',')}, ',')::uuid[])`,
    );
    expect(left[0]!.n).toBe(0);
    expect((await alice.get(`/api/nodes/${chain[299]!.id}`)).statusCode).toBe(404);
    expect((await storageOf(alice)).storageUsed).toBe(live.size);
    expect((await storageOf(bob)).storageUsed).toBe(bobs.size);
    expect(await stored(sha256(unique))).toBe(false);
    expect(await stored(sha256(twice))).toBe(false);
    expect(await stored(sha256(withLive))).toBe(true);
    expect(await stored(sha256(withBob))).toBe(true);
    expect((await alice.get(`/api/files/${live.id}/content`)).body).toBe(withLive);
    expect((await bob.get(`/api/files/${bobs.id}/content`)).body).toBe(withBob);
    // Reference counts and every user's storage used are exact, the kept content intact.
    expect(await checkInvariants(t.database.db, t.blobs, { verifyContent: true })).toEqual([]);
  });

  it('removes share links of what was deleted for good', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('shared.txt', 'shared ' + Math.random());
    const token = await shareLink(alice, file.id);
    await trash(alice, file.id);
    expect((await alice.delete(`/api/trash/${file.id}`)).statusCode).toBe(204);
    expect((await t.anonymous.get(`/api/public/shares/${token}`)).statusCode).toBe(404);
    expect((await alice.get('/api/shares')).json().items).toEqual([]);
  });
});

describe('concurrent trash operations', () => {
  it('deletes an item for good exactly once when asked several times at once', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Twice');
    for (let i = 0; i < 5; i++) {
      await alice.upload(`${i}.txt`, `content ${i} ${Math.random()}`, folder.id);
    }
    const kept = await alice.upload('kept.txt', 'kept ' + Math.random());
    await trash(alice, folder.id);
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => alice.delete(`/api/trash/${folder.id}`)),
      alice.delete('/api/trash'),
      alice.post(`/api/trash/${folder.id}/restore`),
    ]);
    const [deletes, empty, restoreRes] = [results.slice(0, 4), results[4]!, results[5]!];
    expect(empty.statusCode).toBe(204);
    const wonDeletes = deletes.filter((r) => r.statusCode === 204).length;
    expect(deletes.every((r) => r.statusCode === 204 || r.statusCode === 404)).toBe(true);
    expect([200, 404]).toContain(restoreRes.statusCode);
    if (restoreRes.statusCode === 200) {
      // Restored before any deletion began: it is live and whole again.
      expect(wonDeletes).toBe(0);
      expect((await children(alice, folder.id)).length).toBe(5);
    } else {
      expect(wonDeletes).toBeLessThanOrEqual(1);
      expect((await alice.get(`/api/nodes/${folder.id}`)).statusCode).toBe(404);
    }
    expect(await trashItems(alice)).toEqual([]);
    const live = restoreRes.statusCode === 200 ? await children(alice, folder.id) : [];
    expect((await storageOf(alice)).storageUsed).toBe(kept.size + live.reduce((sum, n) => sum + n.size, 0));
  });
});

describe('quota and the trash', () => {
  it('trashed files keep counting against the quota until deleted for good', async () => {
    const small = await createTestApp({ env: { FILEFLOW_DEFAULT_QUOTA: '100' } });
    try {
      const alice = await small.newUser();
      const file = await alice.upload('sixty.bin', Buffer.alloc(60, 1));
      await trash(alice, file.id);
      const refused = await alice.putFile('fifty.bin', Buffer.alloc(50, 2));
      expect(refused.statusCode).toBe(507);
      expect(refused.json().error.code).toBe('quota_exceeded');
      expect((await storageOf(alice)).storageUsed).toBe(60);
      // Restoring is always allowed (it was already charged).
      await restore(alice, file.id);
      await trash(alice, file.id);
      expect((await alice.delete(`/api/trash/${file.id}`)).statusCode).toBe(204);
      expect((await storageOf(alice)).storageUsed).toBe(0);
      expect((await alice.putFile('fifty.bin', Buffer.alloc(50, 2))).statusCode).toBe(201);
    } finally {
      await small.close();
    }
  });
});

describe('a tree deeper than the walks that read it are bounded (12,000 folders)', () => {
  it('is never moved into itself, and its trash and purge take all of it, content and bytes given back', async () => {
    const alice = await t.newUser();
    const top = await alice.mkdir('top');
    // Through the API such a chain takes doubling (copy the chain, move the copy under its deepest
    // folder), minutes of it: it is made here in one statement instead, as the API would leave it.
    const depth = 12_000;
    const [deepest] = await queryRows<{ id: string }>(
      t.database.db,
      sql`
      with levels as (select g, gen_random_uuid() as id from generate_series(1, ${depth}) g),
      inserted as (
        insert into file_nodes (id, user_id, parent_id, name, type, etag)
        select l.id, ${alice.user.id}::uuid, coalesce(above.id, ${top.id}::uuid), 'level-' || l.g, 'folder', 'seeded'
        from levels l left join levels above on above.g = l.g - 1
        returning id, name
      )
      select id from inserted where name = ${`level-${depth}`}`,
    );
    // The statistics a server's upkeep (every minute on the embedded database) or autovacuum
    // would record after such growth: planned for the table as it was, each level of a walk read
    // the whole table (minutes at this depth).
    await queryRows(t.database.db, sql`analyze file_nodes`);
    const bottom = deepest!.id;
    const leaf = await alice.upload('deepest-leaf.txt', 'only here', bottom);
    expect((await alice.get(`/api/nodes/${bottom}/breadcrumbs`)).statusCode).toBe(200);

    // The walk up from the deepest folder must reach the top, however far.
    const intoItself = await alice.patch(`/api/nodes/${top.id}`, { parentId: bottom });
    expect(intoItself.statusCode).toBe(409);
    expect(intoItself.json().error.code).toBe('invalid_move');

    const copy = await alice.post(`/api/nodes/${top.id}/copy`, { parentId: null, name: 'copy' });
    expect(copy.statusCode).toBe(201);
    expect((await storageOf(alice)).storageUsed).toBe(18);
    expect((await alice.get('/api/search?q=deepest-leaf')).json().total).toBe(2);

    // Its zip walks down as far as paths fit in a zip, not to a depth: here the first path too
    // long is refused whole, where a depth bound stopped the walk and could leave files out.
    const zip = await alice.get(`/api/folders/${top.id}/zip`);
    expect(zip.statusCode).toBe(400);
    expect(zip.json().error.message).toMatch(/65535 bytes/);

    for (const id of [top.id, copy.json().id]) {
      expect((await alice.delete(`/api/nodes/${id}`)).statusCode).toBe(200);
    }
    expect((await alice.get(`/api/nodes/${leaf.id}`)).statusCode).toBe(404);
    expect((await alice.get('/api/search?q=deepest-leaf')).json().total).toBe(0);
    expect((await alice.delete('/api/trash')).statusCode).toBe(204);
    expect((await storageOf(alice)).storageUsed).toBe(0);
    expect(await t.blobs.exists(contentKey(leaf.sha256))).toBe(false);
    const [left] = await queryRows<{ count: string | number }>(t.database.db, sql`select count(*) as count from file_nodes where user_id = ${alice.user.id}::uuid`);
    expect(Number(left?.count)).toBe(0);
    const [blobRows] = await queryRows<{ count: string | number }>(t.database.db, sql`select count(*) as count from blobs where sha256 = ${leaf.sha256}`);
    expect(Number(blobRows?.count)).toBe(0);
  }, 120_000);
});
