import Fastify, { type FastifyInstance } from 'fastify';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../src/server/plugins/error-handler.js';
import { registerWebUi } from '../../src/server/plugins/web-ui.js';

let distDir: string;
let app: FastifyInstance;

/** A Fastify app like createApp's tail: the contract's error handling, one API route, then the UI. */
async function appWith(dir: string): Promise<FastifyInstance> {
  const instance = Fastify({ logger: false });
  registerErrorHandling(instance);
  instance.get('/api/ping', async () => ({ pong: true }));
  await registerWebUi(instance, { distDir: dir });
  await instance.ready();
  return instance;
}

beforeEach(async () => {
  distDir = await mkdtemp(path.join(tmpdir(), 'fileflow-web-'));
  await mkdir(path.join(distDir, 'assets'));
  await writeFile(path.join(distDir, 'index.html'), '<!doctype html><title>FileFlow</title>');
  await writeFile(path.join(distDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(distDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
});

afterEach(async () => {
  await app?.close();
  await rm(distDir, { recursive: true, force: true });
});

describe('registerWebUi', () => {
  it('serves index.html for the app root and for client-side routes, revalidated', async () => {
    app = await appWith(distDir);
    for (const url of ['/', '/folders/abc', '/s/some-token?x=1', '/settings']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<title>FileFlow</title>');
    }
  });

  it('serves built files, hashed assets cached for a year', async () => {
    app = await appWith(distDir);
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('leaves /api to the API: routes answer, unknown paths keep the JSON 404', async () => {
    app = await appWith(distDir);
    expect((await app.inject({ method: 'GET', url: '/api/ping' })).json()).toEqual({ pong: true });
    for (const url of ['/api/nope', '/api', '/api/folders/x/nothing']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('answers 404 for a missing asset instead of the page', async () => {
    app = await appWith(distDir);
    const response = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('does nothing when the UI has not been built', async () => {
    app = await appWith(path.join(distDir, 'missing'));
    const response = await app.inject({ method: 'GET', url: '/folders/abc' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
