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

/** Creates a token for the client and returns the 201 body. */
async function createToken(client: ApiClient, name = 'script'): Promise<{ id: string; name: string; token: string; createdAt: string }> {
  const res = await client.post('/api/tokens', { name });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('personal access tokens', () => {
  it('creates a token: 201 with the secret once, prefixed ffp_', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/tokens', { name: '  backup script  ' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'id', 'name', 'token']);
    expect(body.name).toBe('backup script');
    expect(body.token).toMatch(/^ffp_[A-Za-z0-9_-]{40,}$/);
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
    const second = await createToken(alice);
    expect(second.token).not.toBe(body.token);
  });

  it('lists tokens without their secrets', async () => {
    const alice = await t.newUser();
    const one = await createToken(alice, 'one');
    const two = await createToken(alice, 'two');
    const res = await alice.get('/api/tokens');
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((item: { id: string }) => item.id).sort()).toEqual([one.id, two.id].sort());
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name']);
    }
    expect(res.body).not.toContain(one.token);
    expect(res.body).not.toContain(two.token);
    expect(res.body).not.toContain(one.token.slice(4));
  });

  it('lists only the caller’s own tokens', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    await createToken(alice);
    expect((await bob.get('/api/tokens')).json().items).toEqual([]);
  });

  it('refuses an empty name with 400 naming the field, and anonymous callers with 401', async () => {
    const alice = await t.newUser();
    const empty = await alice.post('/api/tokens', { name: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toContain('name');
    expect((await t.anonymous.post('/api/tokens', { name: 'x' })).statusCode).toBe(401);
    expect((await t.anonymous.get('/api/tokens')).statusCode).toBe(401);
  });

  it('authenticates with Authorization: Bearer on /api/me and the tree routes', async () => {
    const alice = await t.newUser();
    const { token } = await createToken(alice);
    const script = alice.withToken(token);
    expect(script.cookie).toBeUndefined();

    const me = await script.get('/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(alice.user.id);

    const created = await script.post('/api/folders', { name: 'from script' });
    expect(created.statusCode).toBe(201);
    const folder = created.json();
    const listing = await script.get('/api/folders/root/children');
    expect(listing.json().items.map((n: { id: string }) => n.id)).toEqual([folder.id]);
    expect((await script.patch(`/api/nodes/${folder.id}`, { name: 'renamed' })).statusCode).toBe(200);
    expect((await script.get(`/api/nodes/${folder.id}`)).json().name).toBe('renamed');
    expect((await script.delete(`/api/nodes/${folder.id}`)).statusCode).toBe(200);
    // The cookie session sees what the token did.
    expect((await alice.get('/api/folders/root/children')).json().items).toEqual([]);
  });

  it('accepts the scheme case-insensitively', async () => {
    const alice = await t.newUser();
    const { token } = await createToken(alice);
    const res = await t.anonymous.get('/api/me', { authorization: `bearer ${token}` });
    expect(res.statusCode).toBe(200);
  });

  it('records when a token was last used', async () => {
    const alice = await t.newUser();
    const created = await createToken(alice);
    expect((await alice.withToken(created.token).get('/api/me')).statusCode).toBe(200);
    await expect
      .poll(async () => (await alice.get('/api/tokens')).json().items.find((item: { id: string }) => item.id === created.id)?.lastUsedAt)
      .toEqual(expect.any(String));
  });

  it('revokes a token: 204, then the token answers 401 and is gone from the list', async () => {
    const alice = await t.newUser();
    const created = await createToken(alice);
    const kept = await createToken(alice, 'kept');
    const script = alice.withToken(created.token);
    expect((await script.get('/api/me')).statusCode).toBe(200);

    const res = await alice.delete(`/api/tokens/${created.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');

    const after = await script.get('/api/me');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
    expect((await script.post('/api/folders', { name: 'x' })).statusCode).toBe(401);
    expect((await alice.get('/api/tokens')).json().items.map((item: { id: string }) => item.id)).toEqual([kept.id]);
    expect((await alice.withToken(kept.token).get('/api/me')).statusCode).toBe(200);
    expect((await alice.delete(`/api/tokens/${created.id}`)).statusCode).toBe(404);
  });

  it('answers a bad or revoked token 401 where a user is needed, and like anyone where none is', async () => {
    const alice = await t.newUser();
    const created = await createToken(alice);
    await alice.delete(`/api/tokens/${created.id}`);
    const file = await alice.upload('shared.txt', 'for everyone');
    const link = (await alice.post('/api/shares', { nodeId: file.id })).json();
    for (const stale of [alice.withToken(created.token), alice.withToken('ffp_not_a_real_token'), alice.withToken('garbage')]) {
      const me = await stale.get('/api/me');
      expect(me.statusCode).toBe(401);
      expect(me.json().error).toEqual({ code: 'unauthenticated', message: 'The access token is invalid or has been revoked.' });
      // A bad token does not fall back to the session cookie the client also holds.
      expect((await stale.get('/api/folders/root/children', { cookie: alice.cookie! })).statusCode).toBe(401);
      // Routes that need nobody answer as they answer anyone: a monitor or a link still works.
      expect((await stale.get('/api/health')).statusCode).toBe(200);
      expect((await stale.get(`/api/public/shares/${link.token}`)).statusCode).toBe(200);
      expect((await stale.get(`/api/public/shares/${link.token}/content`)).body).toBe('for everyone');
      const login = await stale.post('/api/auth/login', { email: alice.user.email, password: alice.password });
      expect(login.statusCode).toBe(200);
    }
  });

  it('refuses a token at once after its revocation, even with requests racing it', async () => {
    const alice = await t.newUser();
    const created = await createToken(alice);
    const script = alice.withToken(created.token);
    const racing = Array.from({ length: 30 }, () => script.get('/api/folders/root/children'));
    const revoke = alice.delete(`/api/tokens/${created.id}`);
    const answers = await Promise.all([...racing, revoke]);
    expect(answers.at(-1)!.statusCode).toBe(204);
    for (const answer of answers.slice(0, -1)) {
      expect([200, 401]).toContain(answer.statusCode);
    }
    for (let i = 0; i < 3; i++) {
      expect((await script.get('/api/folders/root/children')).statusCode).toBe(401);
    }
  });

  it('a token can revoke itself', async () => {
    const alice = await t.newUser();
    const created = await createToken(alice);
    const script = alice.withToken(created.token);
    expect((await script.delete(`/api/tokens/${created.id}`)).statusCode).toBe(204);
    expect((await script.get('/api/me')).statusCode).toBe(401);
  });

  it('answers 404 for another user’s token id, which keeps working', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const created = await createToken(alice);
    const res = await bob.delete(`/api/tokens/${created.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    expect((await alice.withToken(created.token).get('/api/me')).statusCode).toBe(200);
  });

  it.each(['abc', "1' or 1=1", '00000000-0000-0000-0000-000000000000'])('answers 404 for the token id %j', async (id) => {
    const alice = await t.newUser();
    const res = await alice.delete(`/api/tokens/${encodeURIComponent(id)}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it.each(['garbage', 'ffp_garbage', `ffp_${'A'.repeat(43)}`, ''])('answers 401 for the bearer %j', async (bearer) => {
    const res = await t.anonymous.get('/api/me', { authorization: `Bearer ${bearer}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });

  it('does not fall back to the session cookie when the bearer token is bad', async () => {
    const alice = await t.newUser();
    const res = await alice.get('/api/me', { authorization: 'Bearer ffp_revoked-or-made-up' });
    expect(res.statusCode).toBe(401);
  });

  it('a session cookie cannot be used as a bearer token, nor a token as a cookie', async () => {
    const alice = await t.newUser();
    const { token } = await createToken(alice);
    const sessionSecret = alice.cookie!.replace(/^ff_session=/, '');
    expect((await t.anonymous.get('/api/me', { authorization: `Bearer ${sessionSecret}` })).statusCode).toBe(401);
    expect((await t.anonymous.get('/api/me', { cookie: `ff_session=${token}` })).statusCode).toBe(401);
  });
});
