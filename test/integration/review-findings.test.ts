import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { checkInvariants } from '../helpers/invariants.js';

// Regression tests for problems found in review: each would be caught by a test of the contract.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { FILEFLOW_SHARE_LIMIT: '1000000' } });
});
afterAll(async () => {
  await t.close();
});

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

async function accessCount(client: ApiClient, shareId: string): Promise<number> {
  const res = await client.get('/api/shares');
  expect(res.statusCode).toBe(200);
  return res.json().items.find((item: { id: string }) => item.id === shareId).accessCount;
}

describe('share download limits', () => {
  it.each([['bytes=abc'], ['bytes=0-1,4-5'], ['items=0-3'], ['bytes=5-2']])(
    'counts a whole-file answer to a GET whose Range header (%s) is ignored, and enforces maxDownloads',
    async (range) => {
      const alice = await t.newUser();
      const file = await alice.upload('ranged.txt', '0123456789');
      const created = await alice.post('/api/shares', { nodeId: file.id, maxDownloads: 1 });
      expect(created.statusCode, created.body).toBe(201);
      const { id, token } = created.json();

      const first = await t.anonymous.get(`/api/public/shares/${token}/content`, { range });
      expect(first.statusCode).toBe(200);
      expect(first.body).toBe('0123456789');
      expect(await accessCount(alice, id)).toBe(1);
      expectError(await t.anonymous.get(`/api/public/shares/${token}/content`, { range }), 410, 'share_exhausted');
    },
  );
});

describe('numbered names stay within 255 bytes', () => {
  const long = `${'a'.repeat(251)}.txt`;

  it('conflict=rename on a 255-byte name gives a valid name of at most 255 bytes', async () => {
    const alice = await t.newUser();
    await alice.upload(long, 'one');
    const names: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await alice.putFile(long, `copy ${i}`, { conflict: 'rename' });
      expect(res.statusCode, res.body).toBe(201);
      names.push(res.json().name);
    }
    for (const name of names) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      expect(name).toMatch(/ \(\d\)\.txt$/);
    }
    expect(new Set(names).size).toBe(2);
    // The numbered name is a name like any other: it can be given back unchanged.
    const listing = (await alice.get('/api/folders/root/children')).json();
    for (const item of listing.items as Array<{ id: string; name: string }>) {
      const res = await alice.patch(`/api/nodes/${item.id}`, { name: item.name });
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  it('restoring onto a taken 255-byte name gives a valid name of at most 255 bytes', async () => {
    const alice = await t.newUser();
    const folderName = 'b'.repeat(255);
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const folder = await alice.mkdir(folderName);
      expect((await alice.delete(`/api/nodes/${folder.id}`)).statusCode).toBe(200);
      names.push(folder.id);
    }
    await alice.mkdir(folderName);
    const restored: string[] = [];
    for (const id of names) {
      const res = await alice.post(`/api/trash/${id}/restore`);
      expect(res.statusCode, res.body).toBe(200);
      restored.push(res.json().name);
    }
    for (const name of restored) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    }
    expect(new Set(restored).size).toBe(3);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});

describe('bad input is a 4xx, never a 500', () => {
  it('login with a NUL in the email', async () => {
    const res = await t.anonymous.post('/api/auth/login', { email: 'a\u0000b@example.com', password: 'whatever1' });
    expect(res.statusCode, res.body).toBeLessThan(500);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('a personal access token named with a NUL', async () => {
    const alice = await t.newUser();
    expectError(await alice.post('/api/tokens', { name: 'to\u0000ken' }), 400, 'invalid_request');
  });

  it.each([['from=0000-01-01'], ['to=0000-01-01'], ['from=0001-01-01T00:00:00%2B01:00']])(
    'a search bound before year 1 (%s)',
    async (query) => {
      const alice = await t.newUser();
      const res = await alice.get(`/api/search?${query}`);
      expectError(res, 400, 'invalid_request');
      expect(res.json().error.message).toMatch(/^(from|to):/);
    },
  );

  it('a search up to the last day of year 9999 finds everything', async () => {
    const alice = await t.newUser();
    await alice.upload('found.txt', 'x');
    for (const to of ['9999-12-31', '9999-12-31T23:59:59.999Z']) {
      const res = await alice.get(`/api/search?to=${to}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().total).toBe(1);
    }
  });

  it('a search profile up to the last day of year 9999, and its results', async () => {
    const alice = await t.newUser();
    await alice.upload('found.txt', 'x');
    const created = await alice.post('/api/search-profiles', { name: 'all', dateTo: '9999-12-31' });
    expect(created.statusCode, created.body).toBe(201);
    const results = await alice.get(`/api/search-profiles/${created.json().id}/results`);
    expect(results.statusCode, results.body).toBe(200);
    expect(results.json().total).toBe(1);
    expectError(await alice.post('/api/search-profiles', { name: 'zero', dateFrom: '0000-01-01' }), 400, 'invalid_request');
  });

  it('a share expiring after the year 9999 (UTC)', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('far.txt', 'x');
    const res = await alice.post('/api/shares', { nodeId: file.id, expiresAt: '9999-12-31T23:59:59-05:00' });
    expectError(res, 400, 'invalid_request');
    expect(res.json().error.message).toMatch(/^expiresAt:/);
  });
});

describe('authentication comes before validation', () => {
  // A client without credentials learns that it must sign in, whatever it sent.
  it.each([
    ['POST', '/api/folders', undefined],
    ['POST', '/api/folders', {}],
    ['PATCH', '/api/nodes/00000000-0000-4000-8000-000000000000', {}],
    ['POST', '/api/nodes/00000000-0000-4000-8000-000000000000/copy', undefined],
    ['PUT', '/api/files/content', 'data'],
    ['GET', '/api/folders/root/children?limit=0', undefined],
    ['GET', '/api/search?sizeMin=-1', undefined],
    ['POST', '/api/search-profiles', {}],
    ['POST', '/api/shares', {}],
    ['POST', '/api/tokens', {}],
    ['POST', '/api/me/password', {}],
  ] as const)('%s %s without credentials and with a bad body or query is 401', async (method, url, body) => {
    const res = await t.anonymous.request(method, url, body);
    expectError(res, 401, 'unauthenticated');
  });

  it('still serves the public endpoints without credentials', async () => {
    expect((await t.anonymous.get('/api/health')).statusCode).toBe(200);
    expectError(await t.anonymous.post('/api/auth/login', {}), 400, 'invalid_request');
    expectError(await t.anonymous.post('/api/auth/register', {}), 400, 'invalid_request');
    expect((await t.anonymous.get(`/api/public/shares/${'a'.repeat(43)}`)).statusCode).toBe(404);
  });
});

describe('concurrent replacements', () => {
  it('two users replacing files with each other’s content at once both succeed (no deadlock), invariants hold', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const failures: string[] = [];
    for (let i = 0; i < 15; i++) {
      const x = `x content ${i}`;
      const y = `y content ${i}`;
      expect((await alice.putFile('swap.txt', x, { conflict: 'replace' })).statusCode).toBe(201);
      expect((await bob.putFile('swap.txt', y, { conflict: 'replace' })).statusCode).toBe(201);
      const results = await Promise.all([
        alice.putFile('swap.txt', y, { conflict: 'replace' }),
        bob.putFile('swap.txt', x, { conflict: 'replace' }),
      ]);
      failures.push(...results.filter((res) => res.statusCode !== 201).map((res) => `${res.statusCode} ${res.body}`));
    }
    expect(failures).toEqual([]);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});

describe('second-round review follow-ups', () => {
  it('counts a range covering the whole file (bytes=0-) as a download, but not a partial range (on a link without a limit)', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('whole.txt', '0123456789');
    const { id, token } = (await alice.post('/api/shares', { nodeId: file.id })).json();
    expect((await t.anonymous.get(`/api/public/shares/${token}/content`, { range: 'bytes=2-5' })).statusCode).toBe(206);
    expect(await accessCount(alice, id)).toBe(0);
    expect((await t.anonymous.get(`/api/public/shares/${token}/content`, { range: 'bytes=0-' })).statusCode).toBe(206);
    expect(await accessCount(alice, id)).toBe(1);
  });

  it('a file renamed or copied under another extension is served with the new type', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('report.txt', '%PDF-1.4');
    expect(file.mimeType).toBe('text/plain');
    const renamed = await alice.patch(`/api/nodes/${file.id}`, { name: 'report.pdf' });
    expect(renamed.json().mimeType).toBe('application/pdf');
    expect((await alice.get(`/api/files/${file.id}/content`)).headers['content-type']).toBe('application/pdf');
    const copy = await alice.post(`/api/nodes/${file.id}/copy`, { parentId: null, name: 'report.png' });
    expect(copy.json().mimeType).toBe('image/png');
  });

  it('the retention job finishes a deletion for good that was cut off', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('interrupted.bin', 'abcdef');
    await alice.delete(`/api/nodes/${file.id}`);
    // A purge that began (the item left the trash) and then stopped, as after a crash.
    const { sql } = await import('drizzle-orm');
    await t.database.db.execute(sql`update file_nodes set purge_started_at = now() - interval '1 hour' where id = ${file.id}`);
    expect((await alice.get('/api/trash')).json().items).toEqual([]);
    expect((await alice.get('/api/me')).json().storageUsed).toBe(6);
    await t.app.services.maintenance.purgeTrash();
    expect((await alice.get('/api/me')).json().storageUsed).toBe(0);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});
