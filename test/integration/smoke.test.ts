import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('smoke', () => {
  it('registers, creates a folder and lists it', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Docs');
    const res = await alice.get('/api/folders/root/children');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((n: { id: string }) => n.id)).toEqual([folder.id]);
    const health = await t.anonymous.get('/api/health');
    expect(health.json()).toEqual({ status: 'ok' });
  });
});
