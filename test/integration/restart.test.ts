import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { ApiClient } from '../helpers/client.js';

const apps: TestApp[] = [];
afterEach(async () => {
  // Newest first: the first app owns the data directory and the database, and removes them last.
  for (const app of apps.splice(0).reverse()) {
    await app.close();
  }
});

describe('restart', () => {
  it('keeps sessions, tokens and the tree across a restart on the same data', async () => {
    const first = await createTestApp({ persistent: true });
    apps.push(first);
    const alice = await first.newUser();
    const remembered = new ApiClient(first.app);
    expect(
      (await remembered.post('/api/auth/login', { email: alice.user.email, password: alice.password, remember: true })).statusCode,
    ).toBe(200);
    const docs = await alice.mkdir('Documents');
    const deep = await alice.mkdir('Deep', docs.id);
    await alice.mkdir('Photos');
    await alice.patch(`/api/nodes/${deep.id}`, { favorite: true });
    const token = (await alice.post('/api/tokens', { name: 'cli' })).json();
    const revoked = (await alice.post('/api/tokens', { name: 'old' })).json();
    expect((await alice.delete(`/api/tokens/${revoked.id}`)).statusCode).toBe(204);
    const loggedOut = new ApiClient(first.app);
    await loggedOut.post('/api/auth/login', { email: alice.user.email, password: alice.password });
    const loggedOutCookie = loggedOut.cookie!;
    expect((await loggedOut.post('/api/auth/logout')).statusCode).toBe(204);
    const rootBefore = (await alice.get('/api/folders/root/children')).json();
    const deepBefore = (await alice.get(`/api/folders/${deep.id}/children`)).json();
    await first.stop();

    const second = await createTestApp({ dataDir: first.dataDir, databaseUrl: first.database.url });
    apps.push(second);
    const cookie = (client: ApiClient) => ({ cookie: client.cookie! });

    const me = await second.anonymous.get('/api/me', cookie(alice));
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(alice.user.id);
    expect((await second.anonymous.get('/api/me', cookie(remembered))).statusCode).toBe(200);
    expect((await second.anonymous.get('/api/me', { authorization: `Bearer ${token.token}` })).json().id).toBe(alice.user.id);
    expect((await second.anonymous.get('/api/me', { authorization: `Bearer ${revoked.token}` })).statusCode).toBe(401);
    expect((await second.anonymous.get('/api/me', { cookie: loggedOutCookie })).statusCode).toBe(401);

    expect((await second.anonymous.get('/api/folders/root/children', cookie(alice))).json()).toEqual(rootBefore);
    expect((await second.anonymous.get(`/api/folders/${deep.id}/children`, cookie(alice))).json()).toEqual(deepBefore);
    expect((await second.anonymous.get(`/api/nodes/${deep.id}/breadcrumbs`, { authorization: `Bearer ${token.token}` })).json()).toEqual([
      { id: docs.id, name: 'Documents' },
      { id: deep.id, name: 'Deep' },
    ]);
    expect((await second.anonymous.get('/api/favorites', cookie(alice))).json().items.map((n: { id: string }) => n.id)).toEqual([deep.id]);

    // The restarted server still enforces the rules on the old data, and the password still works.
    expect((await second.anonymous.post('/api/folders', { name: 'Documents' }, cookie(alice))).statusCode).toBe(409);
    expect((await second.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password })).statusCode).toBe(200);
    expect(
      (
        await second.anonymous.post('/api/auth/register', {
          username: alice.user.username,
          email: 'other@example.test',
          password: 'long enough',
        })
      ).statusCode,
    ).toBe(409);
  });
});
