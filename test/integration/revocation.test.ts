import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';

// Credentials revoked by another process: on a PostgreSQL server, another worker or host deletes
// the row. This process has seen the credential work before, so it may act on that memory while
// it reads the credential again; nothing that relied on it may be sent once the read finds it gone.
// (On the embedded database no other process exists; clearing the cache stands in for one.)
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function revokeElsewhere(statement: ReturnType<typeof sql>): Promise<void> {
  await t.database.db.execute(statement);
  t.app.services.credentialCache.clear();
}

async function tokenClient(owner: ApiClient): Promise<{ client: ApiClient; id: string }> {
  const created = (await owner.post('/api/tokens', { name: 'script' })).json();
  return { client: owner.withToken(created.token as string), id: created.id as string };
}

describe('a credential revoked by another process', () => {
  it('refuses a token at once, for listings, downloads and HEAD, never sending the data', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('secret.txt', 'top secret');
    const { client, id } = await tokenClient(alice);
    for (let i = 0; i < 3; i++) {
      expect((await client.get('/api/folders/root/children')).statusCode).toBe(200);
      expect((await client.get(`/api/files/${file.id}/content`)).body).toBe('top secret');
    }
    await revokeElsewhere(sql`delete from api_tokens where id = ${id}`);

    const listing = await client.get('/api/folders/root/children');
    expect(listing.statusCode).toBe(401);
    expect(listing.json().error.code).toBe('unauthenticated');
    expect(listing.body).not.toContain('secret.txt');
    const download = await client.get(`/api/files/${file.id}/content`);
    expect(download.statusCode).toBe(401);
    expect(download.body).not.toContain('top secret');
    expect(download.headers['content-disposition']).toBeUndefined();
    expect(download.headers['etag']).toBeUndefined();
    expect(download.headers['content-type']).toMatch(/^application\/json/);
    const head = await client.request('HEAD', `/api/files/${file.id}/content`);
    expect(head.statusCode).toBe(401);
    expect(head.headers['content-disposition']).toBeUndefined();
    // A route that needs nobody answers a bad token as it answers anyone; one that needs a user, 401.
    expect((await client.get('/api/health')).statusCode).toBe(200);
    expect((await client.get('/api/folders/root/children')).statusCode).toBe(401);
  });

  it('refuses a session at once, but a public answer stays what it was without one', async () => {
    const alice = await t.newUser();
    for (let i = 0; i < 3; i++) {
      expect((await alice.get('/api/me')).statusCode).toBe(200);
    }
    await revokeElsewhere(sql`delete from sessions where user_id = ${alice.user.id}`);
    const me = await alice.get('/api/me');
    expect(me.statusCode).toBe(401);
    expect(me.body).not.toContain(alice.user.email);
    expect((await alice.get('/api/folders/root/children')).statusCode).toBe(401);
    expect((await alice.get('/api/health')).statusCode).toBe(200);
  });

  it('serves a public link to a token it has seen but that was revoked as to anyone, counted once', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('once.txt', 'only once');
    const link = (await alice.post('/api/shares', { nodeId: file.id, maxDownloads: 1 })).json();
    const { client, id } = await tokenClient(alice);
    for (let i = 0; i < 3; i++) {
      expect((await client.get('/api/folders/root/children')).statusCode).toBe(200);
    }
    await revokeElsewhere(sql`delete from api_tokens where id = ${id}`);
    const download = await client.get(`/api/public/shares/${link.token}/content`);
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('only once');
    expect((await t.anonymous.get(`/api/public/shares/${link.token}/content`)).statusCode).toBe(410);
    expect((await client.get('/api/folders/root/children')).statusCode).toBe(401);
  });

  it('answers 401, not the node, when a token it has seen is revoked', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Private');
    const { client, id } = await tokenClient(alice);
    expect((await client.get(`/api/nodes/${folder.id}`)).statusCode).toBe(200);
    await revokeElsewhere(sql`delete from api_tokens where id = ${id}`);
    const res = await client.get(`/api/nodes/${folder.id}`);
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('Private');
  });
});
