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

type Write = (client: ApiClient, headers: Record<string, string>) => Promise<LightMyRequestResponse>;

/** One cookie-authenticated write of each method, on a fresh folder of the client's. */
const writes: Array<[string, Write]> = [
  ['POST', (client, headers) => client.post('/api/folders', { name: `f${Math.random()}` }, headers)],
  [
    'PATCH',
    async (client, headers) => {
      const folder = await client.mkdir(`f${Math.random()}`);
      return client.patch(`/api/nodes/${folder.id}`, { favorite: true }, headers);
    },
  ],
  [
    'DELETE',
    async (client, headers) => {
      const folder = await client.mkdir(`f${Math.random()}`);
      return client.delete(`/api/nodes/${folder.id}`, headers);
    },
  ],
];

// app.inject sends "Host: localhost:80".
const HOST = 'localhost:80';

describe.each(writes)('cookie-authenticated %s', (_method, write) => {
  it.each(['cross-site', 'same-site'])('is refused with 403 forbidden for Sec-Fetch-Site: %s', async (site) => {
    const alice = await t.newUser();
    const res = await write(alice, { 'sec-fetch-site': site });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
  });

  it.each(['same-origin', 'none'])('passes for Sec-Fetch-Site: %s', async (site) => {
    const alice = await t.newUser();
    const res = await write(alice, { 'sec-fetch-site': site });
    expect(res.statusCode).toBeLessThan(300);
  });

  it('passes Sec-Fetch-Site: same-origin even with a foreign Origin (the header decides)', async () => {
    const alice = await t.newUser();
    const res = await write(alice, { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' });
    expect(res.statusCode).toBeLessThan(300);
  });

  it.each(['https://evil.example', 'http://localhost:8080', 'null', 'garbage'])(
    'without Sec-Fetch-Site, is refused with 403 for Origin %s',
    async (origin) => {
      const alice = await t.newUser();
      const res = await write(alice, { origin });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    },
  );

  it('without Sec-Fetch-Site, passes for an Origin on the request’s own host', async () => {
    const alice = await t.newUser();
    expect((await write(alice, { origin: `http://${HOST}` })).statusCode).toBeLessThan(300);
    expect((await write(alice, { origin: 'https://files.example.com', host: 'files.example.com' })).statusCode).toBeLessThan(300);
  });

  it('passes with neither header (non-browser clients)', async () => {
    const alice = await t.newUser();
    expect((await write(alice, {})).statusCode).toBeLessThan(300);
  });

  it('with a bearer token instead of the cookie, passes even with cross-site headers', async () => {
    const alice = await t.newUser();
    const token = (await alice.post('/api/tokens', { name: 'cli' })).json().token;
    const script = alice.withToken(token);
    const res = await write(script, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(res.statusCode).toBeLessThan(300);
  });
});

describe('cross-origin reads and the refusal itself', () => {
  it('lets GET through with cross-site headers', async () => {
    const alice = await t.newUser();
    const headers = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
    expect((await alice.get('/api/me', headers)).statusCode).toBe(200);
    expect((await alice.get('/api/folders/root/children', headers)).statusCode).toBe(200);
  });

  it('changes nothing when it refuses', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('keep me');
    const headers = { 'sec-fetch-site': 'cross-site' };
    expect((await alice.post('/api/folders', { name: 'nope' }, headers)).statusCode).toBe(403);
    expect((await alice.patch(`/api/nodes/${folder.id}`, { name: 'renamed' }, headers)).statusCode).toBe(403);
    expect((await alice.delete(`/api/nodes/${folder.id}`, headers)).statusCode).toBe(403);
    expect((await alice.post('/api/auth/logout', undefined, headers)).statusCode).toBe(403);
    const listing = (await alice.get('/api/folders/root/children')).json();
    expect(listing.items.map((n: { name: string }) => n.name)).toEqual(['keep me']);
    expect((await alice.get('/api/me')).statusCode).toBe(200);
  });

  it('treats a cookie that authenticates nobody as no cookie: 401, not 403', async () => {
    const headers = { 'sec-fetch-site': 'cross-site', cookie: 'ff_session=not-a-session' };
    const res = await t.anonymous.post('/api/folders', { name: 'x' }, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
    // A signed-out session's cookie too.
    const alice = await t.newUser();
    const stale = alice.cookie!;
    expect((await alice.post('/api/auth/logout')).statusCode).toBe(204);
    expect((await t.anonymous.post('/api/folders', { name: 'x' }, { 'sec-fetch-site': 'cross-site', cookie: stale })).statusCode).toBe(401);
  });

  it('refuses a cross-site password change and token creation', async () => {
    const alice = await t.newUser();
    const headers = { 'sec-fetch-site': 'cross-site' };
    expect(
      (await alice.post('/api/me/password', { currentPassword: alice.password, newPassword: 'attacker password' }, headers)).statusCode,
    ).toBe(403);
    expect((await alice.post('/api/tokens', { name: 'stolen' }, headers)).statusCode).toBe(403);
    const login = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password });
    expect(login.statusCode).toBe(200);
  });
});
