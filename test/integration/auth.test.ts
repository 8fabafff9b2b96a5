import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
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

const tag = () => randomBytes(5).toString('hex');
const details = () => {
  const id = tag();
  return { username: `u${id}`, email: `u${id}@example.test`, password: 'long enough password' };
};

/** The raw Set-Cookie header of the session cookie. */
function sessionSetCookie(res: { headers: Record<string, unknown> }): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header.map(String) : [String(header)];
  const found = all.find((value) => value.startsWith('ff_session='));
  if (!found) {
    throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  }
  return found;
}

const USER_KEYS = ['createdAt', 'email', 'id', 'storagePercentage', 'storageQuota', 'storageUsed', 'username'];

describe('POST /api/auth/register', () => {
  it('creates the account, answers 201 with the user and signs in with an HttpOnly, SameSite=Lax cookie', async () => {
    const input = details();
    const client = new ApiClient(t.app);
    const res = await client.post('/api/auth/register', input);
    expect(res.statusCode).toBe(201);
    const { user } = res.json();
    expect(Object.keys(user).sort()).toEqual(USER_KEYS);
    expect(user).toMatchObject({ username: input.username, email: input.email, storageUsed: 0, storagePercentage: 0 });
    expect(user.storageQuota).toBe(t.config.defaultQuota);
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
    expect(res.body).not.toContain(input.password);
    expect(res.body).not.toMatch(/argon2|hash/i);

    const cookie = sessionSetCookie(res);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    const me = await client.get('/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(user.id);
  });

  it('stores the email lower-cased', async () => {
    const input = details();
    const res = await t.anonymous.post('/api/auth/register', { ...input, email: input.email.toUpperCase() });
    expect(res.statusCode).toBe(201);
    expect(res.json().user.email).toBe(input.email.toLowerCase());
  });

  it.each([
    ['a short password', { password: 'short' }, 'password'],
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['an empty username', { username: '   ' }, 'username'],
    ['a username with a slash', { username: 'a/b' }, 'username'],
    ['a non-string password', { password: 12345678 }, 'password'],
  ])('refuses %s with 400 naming the field', async (_label, override, field) => {
    const res = await t.anonymous.post('/api/auth/register', { ...details(), ...override });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.message).toContain(field);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it.each(['username', 'email', 'password'])('refuses a body without %s with 400 naming it', async (field) => {
    const body: Record<string, string> = details();
    delete body[field];
    const res = await t.anonymous.post('/api/auth/register', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.message).toContain(field);
  });

  it('refuses a taken email with 409 email_taken, whatever its case', async () => {
    const first = details();
    expect((await t.anonymous.post('/api/auth/register', first)).statusCode).toBe(201);
    const res = await t.anonymous.post('/api/auth/register', { ...details(), email: first.email.toUpperCase() });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('email_taken');
  });

  it('refuses a taken username with 409 username_taken', async () => {
    const first = details();
    expect((await t.anonymous.post('/api/auth/register', first)).statusCode).toBe(201);
    const res = await t.anonymous.post('/api/auth/register', { ...details(), username: first.username });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('username_taken');
  });
});

describe('sign-up closed by the operator (FILEFLOW_REGISTRATION=closed)', () => {
  it('says sign-up is open by default', async () => {
    const res = await t.anonymous.get('/api/auth/registration');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ open: true });
  });

  it('refuses sign-up with 403 and says so, creating nothing', async () => {
    const closed = await createTestApp({ env: { FILEFLOW_REGISTRATION: 'closed' } });
    try {
      expect((await closed.anonymous.get('/api/auth/registration')).json()).toEqual({ open: false });
      const refused = await closed.anonymous.post('/api/auth/register', details());
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({ error: { code: 'forbidden', message: 'Sign-up is closed on this server: ask its operator for an account.' } });
      expect(refused.headers['set-cookie']).toBeUndefined();
      const count = await closed.database.db.execute(sql`select count(*)::int as n from users`);
      expect((count as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(0);
    } finally {
      await closed.close();
    }
  });
});

describe('POST /api/auth/login', () => {
  it('signs in with the right password, case-insensitively on the email', async () => {
    const alice = await t.newUser();
    const client = new ApiClient(t.app);
    const res = await client.post('/api/auth/login', { email: alice.user.email.toUpperCase(), password: alice.password });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(alice.user.id);
    expect(Object.keys(res.json().user).sort()).toEqual(USER_KEYS);
    const cookie = sessionSetCookie(res);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect((await client.get('/api/me')).json().id).toBe(alice.user.id);
  });

  it('gives the same 401 invalid_credentials for an unknown email and a wrong password', async () => {
    const alice = await t.newUser();
    const unknown = await t.anonymous.post('/api/auth/login', { email: `nobody${tag()}@example.test`, password: alice.password });
    const wrong = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: 'wrong password!' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect(unknown.body).toBe(wrong.body);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('sets a persistent cookie (Max-Age) with remember=true, and a browser-session cookie without', async () => {
    const alice = await t.newUser();
    const remembered = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password, remember: true });
    expect(remembered.statusCode).toBe(200);
    const maxAge = /;\s*Max-Age=(\d+)/i.exec(sessionSetCookie(remembered));
    expect(Number(maxAge?.[1])).toBeGreaterThanOrEqual(7 * 86_400);

    for (const body of [{}, { remember: false }]) {
      const res = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password, ...body });
      expect(res.statusCode).toBe(200);
      expect(sessionSetCookie(res)).not.toMatch(/Max-Age|Expires/i);
    }
  });

  it('refuses a body without a password with 400 naming it', async () => {
    const res = await t.anonymous.post('/api/auth/login', { email: 'a@example.test' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('password');
  });

  it.each([
    ['/files', '/files'],
    ['/folders/abc?x=1#top', '/folders/abc?x=1#top'],
    ['//evil.com', '/'],
    ['https://evil.com', '/'],
    ['/\\evil.com', '/'],
    ['\\\\evil.com', '/'],
    ['javascript:alert(1)', '/'],
    ['/\tevil', '/'],
    ['', '/'],
  ])('turns next=%j into redirectTo %j', async (next, expected) => {
    const alice = await t.newUser();
    const res = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password, next });
    expect(res.statusCode).toBe(200);
    expect(res.json().redirectTo).toBe(expected);
  });

  it.each([
    ['/files/x', '/files/x'],
    ['//evil.com', '/'],
    ['https://evil.com', '/'],
    ['/\\evil.com', '/'],
  ])('takes next=%j from the query string too, as redirectTo %j', async (next, expected) => {
    const alice = await t.newUser();
    const res = await t.anonymous.post(`/api/auth/login?next=${encodeURIComponent(next)}`, { email: alice.user.email, password: alice.password });
    expect(res.statusCode).toBe(200);
    expect(res.json().redirectTo).toBe(expected);
  });

  it('ignores a query next that is repeated or too long, and signs in', async () => {
    const alice = await t.newUser();
    for (const query of ['next=%2Fa&next=%2Fb', `next=%2F${'x'.repeat(3000)}`]) {
      const res = await t.anonymous.post(`/api/auth/login?${query}`, { email: alice.user.email, password: alice.password });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().redirectTo).toBe('/');
    }
    const withBody = await t.anonymous.post('/api/auth/login?next=%2Fa&next=%2Fb', { email: alice.user.email, password: alice.password, next: '/body' });
    expect(withBody.json().redirectTo).toBe('/body');
  });

  it("prefers the body's next to the query string's", async () => {
    const alice = await t.newUser();
    const res = await t.anonymous.post('/api/auth/login?next=%2Fquery', { email: alice.user.email, password: alice.password, next: '/body' });
    expect(res.json().redirectTo).toBe('/body');
  });
});

describe('POST /api/auth/logout', () => {
  it('answers 204 and revokes the session on the server, so a replayed cookie no longer works', async () => {
    const alice = await t.newUser();
    const oldCookie = alice.cookie!;
    const res = await alice.post('/api/auth/logout');
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(alice.cookie).toBeUndefined();
    const replay = await t.anonymous.get('/api/me', { cookie: oldCookie });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('unauthenticated');
    expect((await t.anonymous.post('/api/folders', { name: 'x' }, { cookie: oldCookie })).statusCode).toBe(401);
  });

  it('revokes the session for requests racing the logout: once it has answered, the cookie is refused', async () => {
    const alice = await t.newUser();
    const cookie = alice.cookie!;
    const racing = Array.from({ length: 30 }, () => t.anonymous.get('/api/folders/root/children', { cookie }));
    const logout = alice.post('/api/auth/logout');
    const answers = await Promise.all([...racing, logout]);
    expect(answers.at(-1)!.statusCode).toBe(204);
    for (const answer of answers.slice(0, -1)) {
      expect([200, 401]).toContain(answer.statusCode);
    }
    for (let i = 0; i < 3; i++) {
      expect((await t.anonymous.get('/api/folders/root/children', { cookie })).statusCode).toBe(401);
    }
  });

  it('leaves the same user’s other sessions alone', async () => {
    const alice = await t.newUser();
    const other = new ApiClient(t.app);
    expect((await other.post('/api/auth/login', { email: alice.user.email, password: alice.password })).statusCode).toBe(200);
    expect((await alice.post('/api/auth/logout')).statusCode).toBe(204);
    expect((await other.get('/api/me')).statusCode).toBe(200);
  });

  it('answers 204 and clears the cookie when no session is left to revoke (none, or signed out already)', async () => {
    expect((await t.anonymous.post('/api/auth/logout')).statusCode).toBe(204);
    const alice = await t.newUser();
    const cookie = alice.cookie!;
    expect((await alice.post('/api/auth/logout')).statusCode).toBe(204);
    const again = await t.anonymous.post('/api/auth/logout', undefined, { cookie });
    expect(again.statusCode).toBe(204);
    expect(again.headers['set-cookie']).toMatch(/^ff_session=;.*Expires=Thu, 01 Jan 1970/);
  });
});

describe('sessions', () => {
  /** A second browser signed in as the same user, with its own User-Agent. */
  async function secondBrowser(alice: ApiClient, userAgent: string): Promise<ApiClient> {
    const other = new ApiClient(t.app);
    const res = await other.post('/api/auth/login', { email: alice.user.email, password: alice.password }, { 'user-agent': userAgent });
    expect(res.statusCode).toBe(200);
    return other;
  }
  const listOf = async (client: ApiClient) => {
    const res = await client.get('/api/sessions');
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      items: Array<{ id: string; userAgent: string | null; current: boolean; createdAt: string; lastSeenAt: string; expiresAt: string }>;
    }>().items;
  };

  it('lists the signed-in browsers with the current one marked, and signs one out at once', async () => {
    const alice = await t.newUser();
    const phone = await secondBrowser(alice, 'Phone Browser 1.0');
    const sessions = await listOf(alice);
    expect(sessions).toHaveLength(2);
    expect(Object.keys(sessions[0]!).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'lastSeenAt', 'userAgent']);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const phoneSession = sessions.find((s) => !s.current)!;
    expect(phoneSession.userAgent).toBe('Phone Browser 1.0');
    expect((await listOf(phone)).find((s) => s.current)!.id).toBe(phoneSession.id);

    expect((await alice.delete(`/api/sessions/${phoneSession.id}`)).statusCode).toBe(204);
    expect((await phone.get('/api/me')).statusCode).toBe(401);
    expect((await alice.get('/api/me')).statusCode).toBe(200);
    expect((await listOf(alice)).map((s) => s.id)).not.toContain(phoneSession.id);
    expect((await alice.delete(`/api/sessions/${phoneSession.id}`)).statusCode).toBe(404);
  });

  it('signs out its own session like a logout, cookie included', async () => {
    const alice = await t.newUser();
    const [mine] = await listOf(alice);
    const cookie = alice.cookie!;
    expect((await alice.delete(`/api/sessions/${mine!.id}`)).statusCode).toBe(204);
    expect(alice.cookie).toBeUndefined();
    expect((await t.anonymous.get('/api/me', { cookie })).statusCode).toBe(401);
  });

  it('signs out every other session, or every session when asked with a token', async () => {
    const alice = await t.newUser();
    const [laptop, phone] = [await secondBrowser(alice, 'Laptop'), await secondBrowser(alice, 'Phone')];
    expect((await alice.delete('/api/sessions')).statusCode).toBe(204);
    expect((await laptop.get('/api/me')).statusCode).toBe(401);
    expect((await phone.get('/api/me')).statusCode).toBe(401);
    expect((await listOf(alice)).map((s) => s.current)).toEqual([true]);

    const created = await alice.post('/api/tokens', { name: 'script' });
    const script = alice.withToken(created.json().token);
    expect((await listOf(script)).every((s) => !s.current)).toBe(true);
    expect((await script.delete('/api/sessions')).statusCode).toBe(204);
    expect((await alice.get('/api/me')).statusCode).toBe(401);
    expect((await script.get('/api/me')).statusCode).toBe(200);
  });

  it("never shows or signs out another user's sessions", async () => {
    const [alice, bob] = [await t.newUser(), await t.newUser()];
    const [bobSession] = await listOf(bob);
    expect((await listOf(alice)).map((s) => s.id)).not.toContain(bobSession!.id);
    expect((await alice.delete(`/api/sessions/${bobSession!.id}`)).statusCode).toBe(404);
    expect((await alice.delete('/api/sessions/not-an-id')).statusCode).toBe(404);
    expect((await alice.delete('/api/sessions')).statusCode).toBe(204);
    expect((await bob.get('/api/me')).statusCode).toBe(200);
  });
});

describe('GET /api/me', () => {
  it('returns exactly the documented fields', async () => {
    const alice = await t.newUser();
    const res = await alice.get('/api/me');
    expect(res.statusCode).toBe(200);
    const me = res.json();
    expect(Object.keys(me).sort()).toEqual(USER_KEYS);
    expect(me).toMatchObject({
      id: alice.user.id,
      username: alice.user.username,
      email: alice.user.email,
      storageUsed: 0,
      storagePercentage: 0,
    });
    expect(typeof me.storageQuota).toBe('number');
  });

  it('answers 401 without a session, and with an unknown cookie', async () => {
    const variants: Array<Record<string, string>> = [{}, { cookie: 'ff_session=not-a-real-session' }];
    for (const headers of variants) {
      const res = await t.anonymous.get('/api/me', headers);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
  });
});

describe('GET /api/auth/session', () => {
  it('answers 200 with the signed-in user, and 200 with null when signed out, where /api/me stays 401', async () => {
    const alice = await t.newUser();
    const signedIn = await alice.get('/api/auth/session');
    expect(signedIn.statusCode).toBe(200);
    expect(Object.keys(signedIn.json().user).sort()).toEqual(USER_KEYS);
    expect(signedIn.json().user).toEqual((await alice.get('/api/me')).json());

    const cookie = alice.cookie!;
    expect((await alice.post('/api/auth/logout')).statusCode).toBe(204);
    const variants: Array<Record<string, string>> = [
      {},
      { cookie },
      { cookie: 'ff_session=not-a-real-session' },
      { authorization: 'Bearer nope' },
    ];
    for (const headers of variants) {
      const res = await t.anonymous.get('/api/auth/session', headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ user: null });
      expect((await t.anonymous.get('/api/me', headers)).statusCode).toBe(401);
    }
  });
});

describe('POST /api/me/password', () => {
  it('refuses a wrong current password with 400, keeping the old password', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/me/password', { currentPassword: 'not my password', newPassword: 'a brand new password' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.message).toContain('currentPassword');
    const login = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password });
    expect(login.statusCode).toBe(200);
  });

  it('refuses a short new password with 400 naming it', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/me/password', { currentPassword: alice.password, newPassword: 'short' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('newPassword');
  });

  it('changes the password and signs out every other session, keeping this one', async () => {
    const alice = await t.newUser();
    const laptop = new ApiClient(t.app);
    expect((await laptop.post('/api/auth/login', { email: alice.user.email, password: alice.password })).statusCode).toBe(200);
    // Used once before, so a server that remembers valid sessions has this one in memory.
    expect((await laptop.get('/api/me')).statusCode).toBe(200);
    const newPassword = 'a brand new password';

    const res = await alice.post('/api/me/password', { currentPassword: alice.password, newPassword });
    expect(res.statusCode).toBe(204);

    expect((await alice.get('/api/me')).statusCode).toBe(200);
    expect((await laptop.get('/api/me')).statusCode).toBe(401);
    const old = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password });
    expect(old.statusCode).toBe(401);
    expect(old.json().error.code).toBe('invalid_credentials');
    const fresh = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: newPassword });
    expect(fresh.statusCode).toBe(200);
  });

  it('needs a session', async () => {
    const res = await t.anonymous.post('/api/me/password', { currentPassword: 'whatever1', newPassword: 'whatever2' });
    expect(res.statusCode).toBe(401);
  });
});

describe('login rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { FILEFLOW_LOGIN_LIMIT_ACCOUNT: '3' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 rate_limited with Retry-After after 3 failures on one account, even for the right password', async () => {
    const alice = await limited.newUser();
    for (let i = 0; i < 3; i++) {
      const res = await limited.anonymous.post('/api/auth/login', { email: alice.user.email, password: `wrong password ${i}` });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await limited.anonymous.post('/api/auth/login', { email: alice.user.email, password: 'wrong password again' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    const right = await limited.anonymous.post('/api/auth/login', { email: alice.user.email.toUpperCase(), password: alice.password });
    expect(right.statusCode).toBe(429);
  });

  it('holds under parallel guesses: no more than 3 of 10 concurrent failures are even checked', async () => {
    const alice = await limited.newUser();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => limited.anonymous.post('/api/auth/login', { email: alice.user.email, password: `guess ${i}` })),
    );
    const statuses = results.map((res) => res.statusCode);
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });

  it('counts per account: another account still signs in', async () => {
    const alice = await limited.newUser();
    const bob = await limited.newUser();
    for (let i = 0; i < 4; i++) {
      await limited.anonymous.post('/api/auth/login', { email: alice.user.email, password: 'wrong password' });
    }
    const res = await limited.anonymous.post('/api/auth/login', { email: bob.user.email, password: bob.password });
    expect(res.statusCode).toBe(200);
  });

  it('forgets earlier failures after a successful login', async () => {
    const alice = await limited.newUser();
    for (let i = 0; i < 2; i++) {
      expect((await limited.anonymous.post('/api/auth/login', { email: alice.user.email, password: 'wrong password' })).statusCode).toBe(
        401,
      );
    }
    expect((await limited.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password })).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) {
      expect((await limited.anonymous.post('/api/auth/login', { email: alice.user.email, password: 'wrong password' })).statusCode).toBe(
        401,
      );
    }
  });
});

describe('login rate limit over a rolling window', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { FILEFLOW_LOGIN_LIMIT_ACCOUNT: '3', FILEFLOW_LOGIN_LIMIT_ADDRESS: '5' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  /** Moves the account's counted failures this many minutes into the past, as if time had passed. */
  const age = (minutes: number) =>
    limited.database.db.execute(
      sql`update rate_limits set window_start = window_start - make_interval(secs => ${minutes * 60}), last_event_at = last_event_at - make_interval(secs => ${minutes * 60}) where key like 'login-account:%'`,
    );
  const fail = (email: string) => limited.anonymous.post('/api/auth/login', { email, password: 'wrong password' });

  it('holds over any 15 minutes, not per clock-aligned window, and frees each failure 15 minutes after it', async () => {
    const alice = await limited.newUser();
    await limited.database.db.execute(sql`delete from rate_limits`);
    for (let i = 0; i < 3; i++) {
      expect((await fail(alice.user.email)).statusCode).toBe(401);
    }
    expect((await fail(alice.user.email)).statusCode).toBe(429);
    // 14 minutes later the three failures are still inside the window, whatever the clock says.
    await age(14);
    const blocked = await fail(alice.user.email);
    expect(blocked.statusCode).toBe(429);
    const retryAfter = Number(blocked.headers['retry-after']);
    // The failures leave the window a minute from now.
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(61);
    // Past 15 minutes, they are forgotten.
    await age(1.05);
    expect((await fail(alice.user.email)).statusCode).toBe(401);
  });

  it('does not count attempts it refuses, against the account or the address', async () => {
    const alice = await limited.newUser();
    const bob = await limited.newUser();
    await limited.database.db.execute(sql`delete from rate_limits`);
    for (let i = 0; i < 3; i++) {
      expect((await fail(alice.user.email)).statusCode).toBe(401);
    }
    // Refused for the account: these spend nothing of the address's five.
    for (let i = 0; i < 6; i++) {
      expect((await fail(alice.user.email)).statusCode).toBe(429);
    }
    expect((await fail(bob.user.email)).statusCode).toBe(401);
    expect((await fail(bob.user.email)).statusCode).toBe(401);
    // Five failures from this address now: the sixth attempt is refused, whoever it is for.
    expect((await limited.anonymous.post('/api/auth/login', { email: bob.user.email, password: bob.password })).statusCode).toBe(429);
    // The refused attempts did not lengthen the account's lock either: 16 minutes on, both are free.
    await limited.database.db.execute(
      sql`update rate_limits set window_start = window_start - interval '16 minutes', last_event_at = last_event_at - interval '16 minutes'`,
    );
    expect((await limited.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password })).statusCode).toBe(200);
  });
});

describe('login rate limit per client address', () => {
  it('counts failures across accounts, but not successful logins', async () => {
    const app = await createTestApp({ env: { FILEFLOW_LOGIN_LIMIT_ADDRESS: '3' } });
    try {
      const users = [await app.newUser(), await app.newUser(), await app.newUser(), await app.newUser()];
      for (let i = 0; i < 5; i++) {
        const user = users[i % users.length]!;
        expect((await app.anonymous.post('/api/auth/login', { email: user.user.email, password: user.password })).statusCode).toBe(200);
      }
      for (const user of users.slice(0, 3)) {
        expect((await app.anonymous.post('/api/auth/login', { email: user.user.email, password: 'wrong password' })).statusCode).toBe(401);
      }
      const blocked = await app.anonymous.post('/api/auth/login', { email: users[3]!.user.email, password: users[3]!.password });
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error.code).toBe('rate_limited');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
