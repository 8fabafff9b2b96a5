import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * Which address the per-address rate limits count (API.md, "Rate limits"): with
 * FILEFLOW_TRUST_PROXY the one X-Forwarded-For entry the trusted proxies wrote, never an entry
 * the client wrote itself in front of them (a proxy that appends, like nginx's
 * $proxy_add_x_forwarded_for, keeps what the client sent on the left).
 */
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

async function appWith(env: Record<string, string>): Promise<TestApp> {
  const app = await createTestApp({ env });
  apps.push(app);
  return app;
}

/** A random address from TEST-NET-3, as a client inventing its own X-Forwarded-For entry would. */
const invented = () => `203.0.113.${1 + (randomBytes(1)[0]! % 254)}`;

/** A failed login (wrong password for nobody) arriving from `remoteAddress` with `forwardedFor`. */
function failedLogin(t: TestApp, remoteAddress: string, forwardedFor?: string): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    headers: { 'content-type': 'application/json', ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }) },
    payload: JSON.stringify({ email: `nobody${randomBytes(4).toString('hex')}@example.test`, password: 'wrong password' }),
  });
}

function register(t: TestApp, remoteAddress: string, forwardedFor: string): Promise<LightMyRequestResponse> {
  const tag = randomBytes(5).toString('hex');
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/register',
    remoteAddress,
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    payload: JSON.stringify({ username: `proxied${tag}`, email: `proxied${tag}@example.test`, password: 'correct horse battery' }),
  });
}

describe('FILEFLOW_TRUST_PROXY=true: the one proxy in front of us', () => {
  it('counts failed logins by the right-most entry, whatever the client put to its left', async () => {
    const t = await appWith({ FILEFLOW_TRUST_PROXY: 'true', FILEFLOW_LOGIN_LIMIT_ADDRESS: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await failedLogin(t, '127.0.0.1', `${invented()}, 198.51.100.7`)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Even with no entry of its own, the client is still the address the proxy saw.
    expect((await failedLogin(t, '127.0.0.1', '198.51.100.7')).statusCode).toBe(429);
    // Another client behind the same proxy has its own budget: the header is read.
    expect((await failedLogin(t, '127.0.0.1', `${invented()}, 198.51.100.8`)).statusCode).toBe(401);
  });

  it('counts registrations by the right-most entry', async () => {
    const t = await appWith({ FILEFLOW_TRUST_PROXY: 'true', FILEFLOW_REGISTER_LIMIT: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await register(t, '127.0.0.1', `${invented()}, ${invented()}, 198.51.100.9`)).statusCode);
    }
    expect(statuses).toEqual([201, 201, 429]);
    expect((await register(t, '127.0.0.1', '198.51.100.10')).statusCode).toBe(201);
  });

  it('counts public link requests by the right-most entry', async () => {
    const t = await appWith({ FILEFLOW_TRUST_PROXY: 'true', FILEFLOW_SHARE_LIMIT: '3' });
    const owner = await t.newUser();
    const file = await owner.upload('p.txt', 'proxied');
    const token: string = (await owner.post('/api/shares', { nodeId: file.id })).json().token;
    const fetchLink = (forwardedFor: string) =>
      t.app.inject({ method: 'GET', url: `/api/public/shares/${token}`, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': forwardedFor } });
    // The limit counts per minute: do not straddle the end of one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) {
      await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
    }
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await fetchLink(`${invented()}, 198.51.100.11`)).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('FILEFLOW_TRUST_PROXY as a hop count or a list of proxies', () => {
  it('with 2 hops, takes the entry the outer proxy wrote', async () => {
    const t = await appWith({ FILEFLOW_TRUST_PROXY: '2', FILEFLOW_LOGIN_LIMIT_ADDRESS: '2' });
    // client -> CDN (writes the client, 198.51.100.20) -> nginx (writes the CDN, 10.0.0.9) -> us.
    for (const expected of [401, 401, 429]) {
      expect((await failedLogin(t, '127.0.0.1', `${invented()}, 198.51.100.20, 10.0.0.9`)).statusCode).toBe(expected);
    }
    expect((await failedLogin(t, '127.0.0.1', `${invented()}, 198.51.100.21, 10.0.0.9`)).statusCode).toBe(401);
  });

  it('with addresses, skips the listed proxies from the right and takes the first other entry', async () => {
    const t = await appWith({ FILEFLOW_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8', FILEFLOW_LOGIN_LIMIT_ADDRESS: '2' });
    for (const expected of [401, 401, 429]) {
      expect((await failedLogin(t, '127.0.0.1', `${invented()}, 198.51.100.30, 10.1.2.3`)).statusCode).toBe(expected);
    }
    // A request straight from an address not listed is counted by that address: its header is ignored.
    for (const expected of [401, 401, 429]) {
      expect((await failedLogin(t, '192.0.2.40', invented())).statusCode).toBe(expected);
    }
  });
});

describe('the address a proxy wrote, as rate limits count it', () => {
  it('drops a port, counts an entry that is no address as the proxy itself, and IPv6 by its /64', async () => {
    const t = await appWith({ FILEFLOW_TRUST_PROXY: 'true', FILEFLOW_LOGIN_LIMIT_ADDRESS: '2' });
    const twice = async (remote: string, entries: [string, string]) => [
      (await failedLogin(t, remote, entries[0])).statusCode,
      (await failedLogin(t, remote, entries[1])).statusCode,
      (await failedLogin(t, remote, entries[1])).statusCode,
    ];
    // A new port for each connection is still one client.
    expect(await twice('127.0.0.1', ['198.51.100.20:50001', '198.51.100.20:50002'])).toEqual([401, 401, 429]);
    expect(await twice('127.0.0.1', ['[2001:db8:1:2::1]:443', '[2001:db8:1:2::1]:444'])).toEqual([401, 401, 429]);
    // Another address of the same /64 is the same subscriber; another /64 is not.
    expect((await failedLogin(t, '127.0.0.1', '2001:db8:1:2:ffff::9')).statusCode).toBe(429);
    expect((await failedLogin(t, '127.0.0.1', '2001:db8:1:3::1')).statusCode).toBe(401);
    // "unknown" is not a budget every client shares: it counts as the proxy that sent it.
    expect(await twice('127.0.0.2', ['unknown', 'unknown'])).toEqual([401, 401, 429]);
    expect((await failedLogin(t, '127.0.0.3', 'unknown')).statusCode).toBe(401);
  });
});

describe('FILEFLOW_TRUST_PROXY unset', () => {
  it('ignores X-Forwarded-For and counts the socket address', async () => {
    const t = await appWith({ FILEFLOW_LOGIN_LIMIT_ADDRESS: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await failedLogin(t, '192.0.2.50', invented())).statusCode);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });
});
