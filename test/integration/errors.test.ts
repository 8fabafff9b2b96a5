import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The response is the contract's error body, as JSON, with nothing internal in it. */
function expectErrorBody(res: LightMyRequestResponse, status: number, code: string): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = res.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(res.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts:\d+|stack|FST_|ZodError/);
  return body.error.message;
}

describe('the error body', () => {
  it('is invalid_request for a malformed JSON body', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/folders', '{"name": "x",', { 'content-type': 'application/json' });
    const message = expectErrorBody(res, 400, 'invalid_request');
    expect(message).toContain('body');
  });

  it('is invalid_request for an empty JSON body', async () => {
    const alice = await t.newUser();
    const res = await alice.request('POST', '/api/folders', undefined, { 'content-type': 'application/json' });
    expectErrorBody(res, 400, 'invalid_request');
  });

  it('takes Content-Type: application/json with no body as no body', async () => {
    const json = { 'content-type': 'application/json' };
    const alice = await t.newUser();
    const folder = await alice.mkdir('gone');
    expect((await alice.request('DELETE', `/api/nodes/${folder.id}`, undefined, json)).statusCode).toBe(200);
    expect((await alice.request('POST', `/api/trash/${folder.id}/restore`, undefined, json)).statusCode).toBe(200);
    // A route that needs a body still says so.
    const missing = await alice.request('POST', '/api/folders', undefined, json);
    expectErrorBody(missing, 400, 'invalid_request');
    expect(missing.json().error.message).toMatch(/^body/);
    expect((await alice.request('POST', '/api/auth/logout', undefined, json)).statusCode).toBe(204);
    expect((await alice.get('/api/me')).statusCode).toBe(401);
  });

  it('is invalid_request for JSON that is not an object', async () => {
    const alice = await t.newUser();
    for (const payload of ['"just a string"', '[1,2]', 'null', '42']) {
      const res = await alice.post('/api/folders', payload, { 'content-type': 'application/json' });
      expectErrorBody(res, 400, 'invalid_request');
    }
  });

  it('is invalid_request naming the content type for a body in a format the route does not read (the contract has no 415)', async () => {
    const alice = await t.newUser();
    for (const contentType of ['application/x-www-form-urlencoded', 'application/xml', 'image/png']) {
      const res = await alice.post('/api/folders', 'name=x', { 'content-type': contentType });
      expectErrorBody(res, 400, 'invalid_request');
      expect(res.json().error.message).toMatch(/^content-type: /);
    }
    expect((await alice.get('/api/folders/root/children')).json().items).toEqual([]);
  });

  it('is invalid_request naming the body for plain text where JSON is expected', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/folders', '{"name":"x"}', { 'content-type': 'text/plain' });
    expect(expectErrorBody(res, 400, 'invalid_request')).toContain('body');
    expect((await alice.get('/api/folders/root/children')).json().items).toEqual([]);
  });

  it('is too_large for a JSON body over the limit', async () => {
    const alice = await t.newUser();
    const res = await alice.post('/api/folders', { name: 'x', padding: 'p'.repeat(2 * 1024 * 1024) });
    expectErrorBody(res, 413, 'too_large');
  });

  it('is not_found as JSON for an unknown /api route, whatever the method', async () => {
    const alice = await t.newUser();
    expectErrorBody(await alice.get('/api/does-not-exist'), 404, 'not_found');
    expectErrorBody(await alice.post('/api/nodes', { name: 'x' }), 404, 'not_found');
    expectErrorBody(await t.anonymous.get('/api/nope/nope/nope?x=1'), 404, 'not_found');
    expectErrorBody(await alice.put('/api/folders', { name: 'x' }), 404, 'not_found');
  });

  it('names the failing field for schema failures', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('f');
    const cases: Array<[Promise<LightMyRequestResponse>, string]> = [
      [alice.post('/api/folders', { name: 5 }), 'name'],
      [alice.post('/api/folders', { name: 'x', parentId: 5 }), 'parentId'],
      [alice.patch(`/api/nodes/${folder.id}`, { favorite: 'yes' }), 'favorite'],
      [alice.post(`/api/nodes/${folder.id}/copy`, { parentId: null, name: ['a'] }), 'name'],
      [alice.get('/api/folders/root/children?limit=nope'), 'limit'],
      [alice.post('/api/tokens', {}), 'name'],
      [t.anonymous.post('/api/auth/login', { email: 'x@example.test', password: 7 }), 'password'],
    ];
    for (const [pending, field] of cases) {
      const message = expectErrorBody(await pending, 400, 'invalid_request');
      expect(message).toContain(field);
    }
  });

  it('is unauthenticated for protected routes without credentials', async () => {
    for (const [method, url] of [
      ['GET', '/api/me'],
      ['GET', '/api/folders/root/children'],
      ['GET', '/api/favorites'],
      ['GET', '/api/tokens'],
      ['DELETE', '/api/nodes/00000000-0000-4000-8000-000000000000'],
    ] as const) {
      expectErrorBody(await t.anonymous.request(method, url), 401, 'unauthenticated');
    }
  });

  it('is the contract’s shape for conflicts and not-found', async () => {
    const alice = await t.newUser();
    await alice.mkdir('dup');
    expectErrorBody(await alice.post('/api/folders', { name: 'dup' }), 409, 'name_taken');
    expectErrorBody(await alice.get('/api/nodes/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });
});
