import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { blobCount, blobFiles, readBlob, sha256, storageOf } from '../helpers/files.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function content(client: ApiClient, id: string): Promise<Buffer> {
  const res = await client.get(`/api/files/${id}/content`);
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

describe('content-addressed storage', () => {
  it('stores content once under its SHA-256, shared by two users, and charges both', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const bytes = randomBytes(4096);
    const sha = sha256(bytes);
    const totalBefore = (await blobFiles(t)).length;

    const a = await alice.upload('mine.bin', bytes);
    const b = await bob.upload('also-mine.bin', bytes);
    expect(a.id).not.toBe(b.id);
    expect(a.sha256).toBe(sha);
    expect(b.sha256).toBe(sha);
    expect(await blobCount(t, sha)).toBe(1);
    expect((await blobFiles(t)).length).toBe(totalBefore + 1);
    expect((await readBlob(t, sha)).equals(bytes)).toBe(true);

    expect((await content(alice, a.id)).equals(bytes)).toBe(true);
    expect((await content(bob, b.id)).equals(bytes)).toBe(true);
    expect((await storageOf(alice)).storageUsed).toBe(4096);
    expect((await storageOf(bob)).storageUsed).toBe(4096);
  });

  it('deletes stored content only when no node references it any more', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const shared = randomBytes(2000);
    const sha = sha256(shared);
    await alice.upload('shared.bin', shared);
    await alice.upload('shared-again.bin', shared);
    const bobs = await bob.upload('shared.bin', shared);
    expect(await blobCount(t, sha)).toBe(1);

    // Alice drops one of her two references: still stored.
    expect((await alice.putFile('shared.bin', 'other', { conflict: 'replace' })).statusCode).toBe(201);
    expect(await blobCount(t, sha)).toBe(1);
    // ... and the other.
    expect((await alice.putFile('shared-again.bin', 'other', { conflict: 'replace' })).statusCode).toBe(201);
    expect(await blobCount(t, sha)).toBe(1);
    expect((await content(bob, bobs.id)).equals(shared)).toBe(true);

    // Bob's was the last reference.
    expect((await bob.putFile('shared.bin', 'bob v2', { conflict: 'replace' })).statusCode).toBe(201);
    expect(await blobCount(t, sha)).toBe(0);
    expect((await content(bob, bobs.id)).toString()).toBe('bob v2');

    // The same content uploaded again is stored afresh.
    const back = await alice.upload('back.bin', shared);
    expect(await blobCount(t, sha)).toBe(1);
    expect((await content(alice, back.id)).equals(shared)).toBe(true);
  });

  it('keeps the content of a trashed file (the trash can restore it)', async () => {
    const alice = await t.newUser();
    const bytes = randomBytes(300);
    const node = await alice.upload('to-trash.bin', bytes);
    expect((await alice.delete(`/api/nodes/${node.id}`)).statusCode).toBe(200);
    expect(await blobCount(t, sha256(bytes))).toBe(1);
  });

  it('stores concurrent uploads of the same new content once, and every one reads back', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => t.newUser()));
    const bytes = randomBytes(1024 * 1024 + 3);
    const sha = sha256(bytes);
    const results = await Promise.all([
      ...users.map((user) => user.putFile('race.bin', bytes)),
      users[0]!.putFile('race-2.bin', bytes),
      users[1]!.putFile('race-2.bin', bytes),
    ]);
    expect(results.map((res) => res.statusCode)).toEqual(results.map(() => 201));
    expect(results.every((res) => res.json().sha256 === sha)).toBe(true);
    expect(await blobCount(t, sha)).toBe(1);
    expect((await readBlob(t, sha)).equals(bytes)).toBe(true);
    for (const [i, res] of results.entries()) {
      const owner = users[i < users.length ? i : i - users.length]!;
      expect((await content(owner, res.json().id)).equals(bytes)).toBe(true);
    }
  });

  it('never loses content that is re-referenced while its last reference is dropped', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    for (let round = 0; round < 8; round++) {
      const bytes = randomBytes(64 * 1024);
      const sha = sha256(bytes);
      await alice.upload(`r${round}.bin`, bytes);
      // Alice drops the last reference while Bob uploads the same content.
      const [replaced, uploaded] = await Promise.all([
        alice.putFile(`r${round}.bin`, `replacement ${round}`, { conflict: 'replace' }),
        bob.putFile(`r${round}.bin`, bytes),
      ]);
      expect(replaced.statusCode).toBe(201);
      expect(uploaded.statusCode).toBe(201);
      expect(await blobCount(t, sha)).toBe(1);
      expect((await content(bob, uploaded.json().id)).equals(bytes)).toBe(true);
    }
  });
});

describe('copies share content', () => {
  it('a file copy adds no stored content, is charged, and reads back byte-exact', async () => {
    const alice = await t.newUser();
    const bytes = randomBytes(5000);
    const sha = sha256(bytes);
    const original = await alice.upload('orig.bin', bytes);
    const folder = await alice.mkdir('copies');
    const totalBefore = (await blobFiles(t)).length;

    const res = await alice.post(`/api/nodes/${original.id}/copy`, { parentId: folder.id });
    expect(res.statusCode).toBe(201);
    const copy = res.json();
    expect(copy).toMatchObject({ name: 'orig.bin', parentId: folder.id, type: 'file', size: 5000, sha256: sha });
    expect(copy.id).not.toBe(original.id);
    expect((await blobFiles(t)).length).toBe(totalBefore);
    expect(await blobCount(t, sha)).toBe(1);
    expect((await storageOf(alice)).storageUsed).toBe(10_000);
    expect((await content(alice, copy.id)).equals(bytes)).toBe(true);

    // The copy holds its own reference: replacing the original away keeps the content.
    expect((await alice.putFile('orig.bin', 'changed', { conflict: 'replace' })).statusCode).toBe(201);
    expect(await blobCount(t, sha)).toBe(1);
    expect((await content(alice, copy.id)).equals(bytes)).toBe(true);
    expect((await storageOf(alice)).storageUsed).toBe(5000 + 'changed'.length);

    // And once the copy is replaced too, the content goes.
    expect((await alice.putFile('orig.bin', 'changed too', { conflict: 'replace', parentId: folder.id })).statusCode).toBe(201);
    expect(await blobCount(t, sha)).toBe(0);
  });

  it('a folder copy shares the content of every file beneath it', async () => {
    const alice = await t.newUser();
    const top = await alice.mkdir('project');
    const sub = await alice.mkdir('src', top.id);
    const one = randomBytes(700);
    const two = randomBytes(900);
    await alice.upload('one.bin', one, top.id);
    await alice.upload('two.bin', two, sub.id);
    const totalBefore = (await blobFiles(t)).length;

    const res = await alice.post(`/api/nodes/${top.id}/copy`, { parentId: null, name: 'project copy' });
    expect(res.statusCode).toBe(201);
    expect((await blobFiles(t)).length).toBe(totalBefore);
    expect((await storageOf(alice)).storageUsed).toBe(2 * (700 + 900));

    const listing = (await alice.get(`/api/folders/${res.json().id}/children`)).json().items;
    const copiedOne = listing.find((n: { name: string }) => n.name === 'one.bin');
    const copiedSub = listing.find((n: { name: string }) => n.name === 'src');
    const copiedTwo = (await alice.get(`/api/folders/${copiedSub.id}/children`)).json().items[0];
    expect((await content(alice, copiedOne.id)).equals(one)).toBe(true);
    expect((await content(alice, copiedTwo.id)).equals(two)).toBe(true);
  });
});

// The embedded database has one session, in which advisory locks never wait: this runs in the
// PostgreSQL pass of CI.
describe.runIf(process.env.DATABASE_URL)('the content lock (PostgreSQL)', () => {
  it('makes an upload wait while another transaction holds its content’s lock, as the orphan sweep does', async () => {
    const alice = await t.newUser();
    const bytes = randomBytes(4096);
    const sha = sha256(bytes);
    // The sweep of objects no row knows of holds this lock from its check to its deletion
    // (ContentService.deleteOrphanObject); an upload that did not wait could see the object, keep
    // it, and lose it to the deletion.
    const sweep = new pg.Client({ connectionString: t.database.url });
    await sweep.connect();
    try {
      await sweep.query('begin');
      await sweep.query(`select pg_advisory_xact_lock(hashtextextended('blob:' || $1, 0))`, [sha]);
      let finished = false;
      const upload = alice.upload('waits.bin', bytes).finally(() => {
        finished = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(finished).toBe(false);
      await sweep.query('commit');
      const node = await upload;
      expect(node.sha256).toBe(sha);
      expect((await content(alice, node.id)).equals(bytes)).toBe(true);
    } finally {
      await sweep.end();
    }
  });
});
