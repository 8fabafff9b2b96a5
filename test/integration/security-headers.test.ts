import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';

let t: TestApp;
let alice: ApiClient;
let fileId: string;

beforeAll(async () => {
  t = await createTestApp();
  alice = await t.newUser();
  fileId = (await alice.upload('page.html', '<script>alert(1)</script>')).id;
});
afterAll(async () => {
  await t.close();
});

describe('security headers on every response', () => {
  const cases: Array<[string, () => Promise<{ headers: Record<string, unknown>; statusCode: number }>]> = [
    ['a JSON answer', () => alice.get('/api/me')],
    ['a 401', () => t.anonymous.get('/api/me')],
    ['a 404 for an unknown route', () => t.anonymous.get('/api/nope')],
    ['a 400', () => alice.post('/api/folders', { name: '' })],
    ['a download', () => alice.get(`/api/files/${fileId}/content`)],
    ['an inline request for HTML', () => alice.get(`/api/files/${fileId}/content?inline=1`)],
    ['the health check', () => t.anonymous.get('/api/health')],
    ['the API docs', () => t.anonymous.get('/api/docs/')],
  ];
  it.each(cases)('%s', async (_label, request) => {
    const res = await request();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toMatch(/default-src 'self'|sandbox/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sends the whole policy: scripts only from us, no plugins, no framing by others', async () => {
    const csp = String((await t.anonymous.get('/api/health')).headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'", "form-action 'self'"]) {
      expect(csp.split(';')).toContain(directive);
    }
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
  });

  it('lets the web UI fetch nothing from another origin (SECURITY.md, "UI script injection")', async () => {
    const csp = String((await t.anonymous.get('/api/health')).headers['content-security-policy']);
    const fetchDirectives = csp
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name?.endsWith('-src'));
    expect(fetchDirectives.map(([name]) => name)).toContain('font-src');
    for (const [name, ...sources] of fetchDirectives) {
      for (const source of sources) {
        expect(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:'], `${name} ${source}`).toContain(source);
      }
    }
  });

  it('lets the API docs page load its assets over plain HTTP, as the rest of the server does', async () => {
    for (const url of ['/api/docs', '/api/docs/static/swagger-ui.css', '/api/docs/static/swagger-initializer.js']) {
      const res = await t.anonymous.get(url);
      expect(res.statusCode, url).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toMatch(/script-src 'self'/);
      expect(csp, url).not.toMatch(/upgrade-insecure-requests/);
    }
  });

  it('never renders stored HTML as our origin', async () => {
    const res = await alice.get(`/api/files/${fileId}/content?inline=1`);
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.headers['content-security-policy']).toBe('sandbox');
  });

  it('session cookies are HttpOnly and SameSite', async () => {
    const res = await t.anonymous.post('/api/auth/login', { email: alice.user.email, password: alice.password });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});
