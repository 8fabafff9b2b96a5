import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { postMultipart } from '../helpers/files.js';
import type { MultipartPart } from '../helpers/multipart.js';

/**
 * Every authenticated route × every wrong credential → the contract's answer, never data:
 * no credentials, a revoked token and an expired session → 401; another user's session or token
 * on the owner's resources → 404.
 */
let t: TestApp;
let alice: ApiClient;
let ids: Record<'folder' | 'file' | 'trashed' | 'share' | 'profile' | 'token' | 'session' | 'upload', string>;
let credentials: Record<'none' | 'bobSession' | 'bobToken' | 'revokedToken' | 'expiredSession', ApiClient>;

beforeAll(async () => {
  t = await createTestApp();
  alice = await t.newUser();
  const bob = await t.newUser();
  const folder = await alice.mkdir('Private');
  const file = await alice.upload('secret.txt', 'top secret', folder.id);
  const trashed = await alice.upload('old.txt', 'old');
  await alice.delete(`/api/nodes/${trashed.id}`);
  const share = (await alice.post('/api/shares', { nodeId: file.id })).json();
  const profile = (await alice.post('/api/search-profiles', { name: 'mine', query: 'secret', fileTypes: [] })).json();
  const token = (await alice.post('/api/tokens', { name: 'script' })).json();
  const session = (await alice.get('/api/sessions')).json().items[0];
  const upload = (await alice.post('/api/uploads', { name: 'secret-upload.bin', size: 100, parentId: folder.id })).json();
  ids = { folder: folder.id, file: file.id, trashed: trashed.id, share: share.id, profile: profile.id, token: token.id, session: session.id, upload: upload.id };

  const bobToken = (await bob.post('/api/tokens', { name: 'bob' })).json().token as string;
  const revoked = (await alice.post('/api/tokens', { name: 'revoked' })).json();
  await alice.delete(`/api/tokens/${revoked.id}`);
  const expired = await t.newUser();
  await t.database.db.execute(sql`update sessions set expires_at = now() - interval '1 minute' where user_id = ${expired.user.id}`);
  credentials = {
    none: t.anonymous,
    bobSession: bob,
    bobToken: bob.withToken(bobToken),
    revokedToken: alice.withToken(revoked.token as string),
    expiredSession: expired,
  };
});
afterAll(async () => {
  await t.close();
});

type Route = { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; body?: () => unknown; owned: boolean };

/** The URL with its :placeholders replaced by the ids made in beforeAll. */
const resolve = (url: string) => url.replace(/:(folder|file|trashed|share|profile|token|session|upload)\b/g, (_match, key: keyof typeof ids) => ids[key]);

// owned: the route names one of Alice's resources (another user gets 404); otherwise it is a
// collection or an account route (another user gets their own, empty, answer).
const routes: Route[] = [
  { method: 'GET', url: '/api/me', owned: false },
  { method: 'POST', url: '/api/me/password', body: () => ({ currentPassword: 'x', newPassword: 'yyyyyyyy' }), owned: false },
  { method: 'GET', url: '/api/tokens', owned: false },
  { method: 'POST', url: '/api/tokens', body: () => ({ name: 'n' }), owned: false },
  { method: 'DELETE', url: '/api/tokens/:token', owned: true },
  { method: 'GET', url: '/api/sessions', owned: false },
  { method: 'DELETE', url: '/api/sessions/:session', owned: true },
  { method: 'DELETE', url: '/api/sessions', owned: false },
  { method: 'GET', url: '/api/folders/root/children', owned: false },
  { method: 'GET', url: '/api/folders/:folder/children', owned: true },
  { method: 'POST', url: '/api/folders', body: () => ({ name: 'x', parentId: ids.folder }), owned: true },
  { method: 'GET', url: '/api/nodes/:file', owned: true },
  { method: 'GET', url: '/api/nodes/:file/breadcrumbs', owned: true },
  { method: 'PATCH', url: '/api/nodes/:file', body: () => ({ name: 'stolen.txt' }), owned: true },
  { method: 'POST', url: '/api/nodes/:file/copy', body: () => ({ parentId: null }), owned: true },
  { method: 'DELETE', url: '/api/nodes/:folder', owned: true },
  { method: 'GET', url: '/api/favorites', owned: false },
  { method: 'POST', url: '/api/files', body: () => [{ field: 'parentId', value: ids.folder }, { file: 'data', filename: 'x.txt' }], owned: true },
  { method: 'PUT', url: '/api/files/content?name=x.txt&parentId=:folder', body: () => 'data', owned: true },
  { method: 'GET', url: '/api/files/:file/content', owned: true },
  { method: 'POST', url: '/api/uploads', body: () => ({ name: 'x.bin', size: 1, parentId: ids.folder }), owned: true },
  { method: 'GET', url: '/api/uploads', owned: false },
  { method: 'GET', url: '/api/uploads/:upload', owned: true },
  { method: 'GET', url: '/api/uploads/:upload/chunks', owned: true },
  { method: 'PUT', url: '/api/uploads/:upload/content?offset=0', body: () => 'data', owned: true },
  { method: 'POST', url: '/api/uploads/:upload/complete', body: () => ({ conflict: 'rename' }), owned: true },
  { method: 'DELETE', url: '/api/uploads/:upload', owned: true },
  { method: 'GET', url: '/api/folders/:folder/zip', owned: true },
  { method: 'GET', url: '/api/zip?ids=:file', owned: true },
  { method: 'GET', url: '/api/trash', owned: false },
  { method: 'POST', url: '/api/trash/:trashed/restore', owned: true },
  { method: 'DELETE', url: '/api/trash/:trashed', owned: true },
  { method: 'DELETE', url: '/api/trash', owned: false },
  { method: 'GET', url: '/api/search?q=secret', owned: false },
  { method: 'GET', url: '/api/search-profiles', owned: false },
  { method: 'POST', url: '/api/search-profiles', body: () => ({ name: 'stolen', query: 'secret', fileTypes: [] }), owned: false },
  { method: 'GET', url: '/api/search-profiles/:profile', owned: true },
  { method: 'PATCH', url: '/api/search-profiles/:profile', body: () => ({ name: 'x' }), owned: true },
  { method: 'GET', url: '/api/search-profiles/:profile/results', owned: true },
  { method: 'DELETE', url: '/api/search-profiles/:profile', owned: true },
  { method: 'POST', url: '/api/shares', body: () => ({ nodeId: ids.file }), owned: true },
  { method: 'GET', url: '/api/shares', owned: false },
  { method: 'PATCH', url: '/api/shares/:share', body: () => ({ maxDownloads: 1 }), owned: true },
  { method: 'DELETE', url: '/api/shares/:share', owned: true },
];

// Routes that take no credentials at all, or take them in another form (a share token, also in
// the link's web page, /s/{token}); signing out answers 204 whether or not a session was left, and
// asking who is signed in, or whether sign-up is open, answers 200 either way (auth.test.ts).
const PUBLIC_ROUTES = /^\/(api\/(public\/|auth\/(login|register|registration|logout|session)$|health|openapi\.json$|docs)|s\/)/;

it('covers every route of the OpenAPI document that needs a signed-in user', async () => {
  const spec = (await t.anonymous.get('/api/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>();
  const covered = new Set(routes.map((route) => `${route.method} ${route.url.split('?')[0]!.replace(/:[a-z]+/g, '{id}')}`));
  const missing = Object.entries(spec.paths)
    .filter(([path]) => !PUBLIC_ROUTES.test(path))
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{id}')}`))
    .filter((route) => !route.startsWith('HEAD ') && !covered.has(route));
  expect(missing).toEqual([]);
});

it('documents which routes need no signed-in user, and only those', async () => {
  const spec = (await t.anonymous.get('/api/openapi.json')).json<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>();
  const misdocumented = Object.entries(spec.paths)
    .filter(([path]) => !path.startsWith('/api/docs'))
    .flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => (operation.security?.length === 0) !== PUBLIC_ROUTES.test(path))
        .map(([method]) => `${method} ${path}`),
    );
  expect(misdocumented).toEqual([]);
});

function send(client: ApiClient, route: Route) {
  const body = route.body?.();
  if (route.url === '/api/files') {
    return postMultipart(client, body as MultipartPart[]);
  }
  if (route.method === 'PUT') {
    return client.request('PUT', resolve(route.url), Buffer.from(String(body)), { 'content-type': 'application/octet-stream' });
  }
  return client.request(route.method, resolve(route.url), body);
}

describe.each(['none', 'revokedToken', 'expiredSession'] as const)('with %s', (kind) => {
  it.each(routes.map((route) => [`${route.method} ${route.url}`, route] as const))('%s → 401', async (_label, route) => {
    const res = await send(credentials[kind], route);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });
});

describe.each(['bobSession', 'bobToken'] as const)("with another user's %s", (kind) => {
  it.each(routes.filter((route) => route.owned).map((route) => [`${route.method} ${route.url}`, route] as const))('%s → 404', async (_label, route) => {
    const res = await send(credentials[kind], route);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    expect(res.body).not.toContain('secret');
  });

  it('sees none of the owner data on collection routes', async () => {
    const client = credentials[kind];
    const answers = await Promise.all(
      ['/api/folders/root/children', '/api/trash', '/api/search?q=secret', '/api/shares', '/api/search-profiles', '/api/favorites', '/api/sessions', '/api/uploads'].map((url) =>
        client.get(url),
      ),
    );
    for (const res of answers) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('secret');
      expect(res.body).not.toContain(ids.file);
      expect(res.body).not.toContain(ids.session);
      expect(res.body).not.toContain(ids.upload);
    }
  });
});

it('leaves the owner data untouched after all of that', async () => {
  const res = await alice.get(`/api/files/${ids.file}/content`);
  expect(res.statusCode).toBe(200);
  expect(res.body).toBe('top secret');
  expect((await alice.get(`/api/nodes/${ids.file}`)).json().name).toBe('secret.txt');
  expect((await alice.get('/api/trash')).json().items.map((item: { id: string }) => item.id)).toContain(ids.trashed);
  expect((await alice.get('/api/sessions')).json().items.map((item: { id: string }) => item.id)).toContain(ids.session);
  expect((await alice.get(`/api/uploads/${ids.upload}`)).json()).toMatchObject({ name: 'secret-upload.bin', offset: 0 });
  expect((await alice.get('/api/shares')).json().items.find((item: { id: string }) => item.id === ids.share).maxDownloads).toBeNull();
});
