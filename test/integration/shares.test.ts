import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { readZip } from '../helpers/files.js';

let t: TestApp;
beforeAll(async () => {
  // The per-address limit is tested on its own app below; here many public requests come from one address.
  t = await createTestApp({ env: { FILEFLOW_SHARE_LIMIT: '1000000' } });
});
afterAll(async () => {
  await t.close();
});

const DAY = 86_400_000;
const SHARE_KEYS = ['accessCount', 'createdAt', 'expiresAt', 'hasPassword', 'id', 'maxDownloads', 'nodeId', 'nodeName', 'nodeType'];

interface Share {
  id: string;
  token: string;
  url: string;
  nodeId: string;
  expiresAt: string;
  maxDownloads: number | null;
  accessCount: number;
  hasPassword: boolean;
  createdAt: string;
}

async function share(client: ApiClient, body: Record<string, unknown>): Promise<Share> {
  const res = await client.post('/api/shares', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

function pub(token: string, rest = '', headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.anonymous.get(`/api/public/shares/${token}${rest}`, headers);
}

async function accessCount(client: ApiClient, s: Share): Promise<number> {
  const res = await client.get(`/api/shares?nodeId=${s.nodeId}`);
  expect(res.statusCode).toBe(200);
  const found = res.json().items.find((item: Share) => item.id === s.id);
  return found.accessCount;
}

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

describe('creating share links', () => {
  it('creates links to files and folders with an unguessable token and a 7-day default expiry', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('report.pdf', 'pdf bytes');
    const folder = await alice.mkdir('Album');
    const before = Date.now();
    const fileShare = await share(alice, { nodeId: file.id });
    const folderShare = await share(alice, { nodeId: folder.id });
    expect(Object.keys(fileShare).sort()).toEqual([...SHARE_KEYS, 'token', 'url'].sort());
    expect(fileShare).toMatchObject({
      nodeId: file.id,
      nodeName: 'report.pdf',
      nodeType: 'file',
      maxDownloads: null,
      accessCount: 0,
      hasPassword: false,
    });
    expect(folderShare).toMatchObject({ nodeId: folder.id, nodeType: 'folder' });
    for (const s of [fileShare, folderShare]) {
      // 256 bits in base64url is 43 characters.
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(s.url.endsWith(`/s/${s.token}`)).toBe(true);
      expect(s.url).toMatch(/^https?:\/\//);
      const expiry = Date.parse(s.expiresAt);
      expect(expiry).toBeGreaterThanOrEqual(before + 7 * DAY - 1000);
      expect(expiry).toBeLessThanOrEqual(Date.now() + 7 * DAY + 1000);
      // Seven days to the millisecond after the link was made, by the same clock.
      expect(expiry - Date.parse(s.createdAt)).toBe(7 * DAY);
    }
    expect(fileShare.token).not.toBe(folderShare.token);
    // null for an optional field is "not given", as the answers write it.
    const nulls = await share(alice, { nodeId: file.id, expiresAt: null, expiresInDays: null, password: null, maxDownloads: null });
    expect(nulls).toMatchObject({ maxDownloads: null, hasPassword: false });
    expect(Date.parse(nulls.expiresAt)).toBeGreaterThanOrEqual(before + 7 * DAY - 1000);
    // The token is stored only hashed (and sealed, share-addresses.test.ts).
    const rows = await t.database.db.execute(sql`select * from shares where id = ${fileShare.id}`);
    expect(JSON.stringify(rows)).not.toContain(fileShare.token);
  });

  it('builds the URL on FILEFLOW_PUBLIC_URL when set', async () => {
    const other = await createTestApp({ env: { FILEFLOW_PUBLIC_URL: 'https://files.example.com' } });
    try {
      const user = await other.newUser();
      const file = await user.upload('a.txt', 'a');
      const res = await user.post('/api/shares', { nodeId: file.id });
      expect(res.json().url).toBe(`https://files.example.com/s/${res.json().token}`);
    } finally {
      await other.close();
    }
  });

  it('takes expiresInDays or expiresAt, not both, and only in the future', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('a.txt', 'a');
    const inTwoDays = await share(alice, { nodeId: file.id, expiresInDays: 2 });
    expect(Math.abs(Date.parse(inTwoDays.expiresAt) - (Date.now() + 2 * DAY))).toBeLessThan(5000);
    expect(Date.parse(inTwoDays.expiresAt) - Date.parse(inTwoDays.createdAt)).toBe(2 * DAY);
    const at = new Date(Date.now() + 3 * 3600_000);
    at.setMilliseconds(0);
    const exact = await share(alice, { nodeId: file.id, expiresAt: at.toISOString(), maxDownloads: 3, password: 'pw' });
    expect(Date.parse(exact.expiresAt)).toBe(at.getTime());
    expect(exact).toMatchObject({ maxDownloads: 3, hasPassword: true });
    const withOffset = await share(alice, { nodeId: file.id, expiresAt: '2999-01-01T02:00:00+02:00' });
    expect(withOffset.expiresAt).toBe('2999-01-01T00:00:00.000Z');
    // A date alone is its start (UTC), as for upload times and search bounds.
    expect((await share(alice, { nodeId: file.id, expiresAt: '2999-06-30' })).expiresAt).toBe('2999-06-30T00:00:00.000Z');

    const bad: Array<[Record<string, unknown>, string]> = [
      [{ nodeId: file.id, expiresAt: at.toISOString(), expiresInDays: 2 }, 'expires'],
      [{ nodeId: file.id, expiresAt: new Date(Date.now() - 60_000).toISOString() }, 'expiresAt'],
      [{ nodeId: file.id, expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ nodeId: file.id, expiresAt: '2999-02-30' }, 'expiresAt'],
      [{ nodeId: file.id, expiresAt: '2020-01-01' }, 'expiresAt'],
      [{ nodeId: file.id, expiresInDays: 0 }, 'expiresInDays'],
      [{ nodeId: file.id, expiresInDays: -1 }, 'expiresInDays'],
      [{ nodeId: file.id, expiresInDays: 1.5 }, 'expiresInDays'],
      [{ nodeId: file.id, expiresInDays: '7' }, 'expiresInDays'],
      [{ nodeId: file.id, maxDownloads: 0 }, 'maxDownloads'],
      [{ nodeId: file.id, maxDownloads: -3 }, 'maxDownloads'],
      [{ nodeId: file.id, password: '' }, 'password'],
      [{ nodeId: file.id, password: 12345678 }, 'password'],
      [{}, 'nodeId'],
      [{ nodeId: 42 }, 'nodeId'],
    ];
    for (const [body, field] of bad) {
      const res = await alice.post('/api/shares', body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toContain(field);
    }
    const list = (await alice.get('/api/shares')).json().items;
    expect(list).toHaveLength(4);
  });

  it('answers 404 for another user’s node, an unknown id, a trashed node and anonymous callers get 401', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const bobs = await bob.upload('private.txt', 'private');
    const trashed = await alice.upload('trashed.txt', 'x');
    expect((await alice.delete(`/api/nodes/${trashed.id}`)).statusCode).toBe(200);
    for (const nodeId of [bobs.id, trashed.id, '00000000-0000-0000-0000-000000000000', 'garbage', "' or 1=1 --"]) {
      const res = await alice.post('/api/shares', { nodeId });
      expectError(res, 404, 'not_found');
    }
    expect((await t.anonymous.post('/api/shares', { nodeId: bobs.id })).statusCode).toBe(401);
    expect((await alice.get('/api/shares')).json().items).toEqual([]);
  });
});

describe('listing and revoking', () => {
  it('lists the owner’s links with their addresses, filters by node, and revokes at once', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const one = await alice.upload('one.txt', 'one');
    const two = await alice.upload('two.txt', 'two');
    const s1 = await share(alice, { nodeId: one.id });
    const s2 = await share(alice, { nodeId: two.id });
    const s3 = await share(alice, { nodeId: two.id, password: 'secret' });
    await share(bob, { nodeId: (await bob.upload('b.txt', 'b')).id });

    const all = await alice.get('/api/shares');
    expect(all.statusCode).toBe(200);
    const items = all.json().items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.id).sort()).toEqual([s1.id, s2.id, s3.id].sort());
    for (const made of [s1, s2, s3]) {
      const item = items.find((i) => i.id === made.id)!;
      expect(Object.keys(item).sort()).toEqual([...SHARE_KEYS, 'token', 'url'].sort());
      expect(item).toMatchObject({ token: made.token, url: made.url });
    }
    expect(items.find((i) => i.id === s3.id)).toMatchObject({ hasPassword: true, nodeName: 'two.txt' });
    const filtered = (await alice.get(`/api/shares?nodeId=${two.id}`)).json().items.map((i: Share) => i.id);
    expect(filtered.sort()).toEqual([s2.id, s3.id].sort());
    expect((await bob.get(`/api/shares?nodeId=${two.id}`)).json().items).toEqual([]);

    // Bob cannot revoke Alice's link.
    expectError(await bob.delete(`/api/shares/${s1.id}`), 404, 'not_found');
    expect((await pub(s1.token)).statusCode).toBe(200);

    const revoked = await alice.delete(`/api/shares/${s1.id}`);
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');
    for (const path of ['', '/content', '/children', '/zip']) {
      expectError(await pub(s1.token, path), 404, 'not_found');
    }
    expect((await alice.delete(`/api/shares/${s1.id}`)).statusCode).toBe(404);
    expect((await alice.delete('/api/shares/not-an-id')).statusCode).toBe(404);
    expect((await alice.get('/api/shares')).json().items).toHaveLength(2);
    expect((await pub(s2.token, '/content')).body).toBe('two');
  });
});

describe('changing a link', () => {
  it('changes expiry and download limit, keeps the address and the counted downloads, and only for the owner', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const file = await alice.upload('plan.txt', 'the plan');
    const s = await share(alice, { nodeId: file.id, maxDownloads: 1 });
    expect((await pub(s.token, '/content')).body).toBe('the plan');
    expectError(await pub(s.token, '/content'), 410, 'share_exhausted');

    // A higher limit lets the link work again; downloads already counted stay counted.
    const raised = await alice.patch(`/api/shares/${s.id}`, { maxDownloads: 3 });
    expect(raised.statusCode, raised.body).toBe(200);
    expect(Object.keys(raised.json()).sort()).toEqual([...SHARE_KEYS, 'token', 'url'].sort());
    expect(raised.json()).toMatchObject({
      id: s.id,
      token: s.token,
      url: s.url,
      maxDownloads: 3,
      accessCount: 1,
      expiresAt: s.expiresAt,
      hasPassword: false,
      nodeName: 'plan.txt',
    });
    expect((await pub(s.token)).json().downloadsLeft).toBe(2);
    expect((await pub(s.token, '/content')).statusCode).toBe(200);

    // null removes the limit; an absent field stays as it is.
    const unlimited = await alice.patch(`/api/shares/${s.id}`, { maxDownloads: null });
    expect(unlimited.json()).toMatchObject({ maxDownloads: null, accessCount: 2 });
    expect((await pub(s.token)).json().downloadsLeft).toBeNull();

    // A new expiry, by days or by date; a past one is refused and changes nothing.
    const before = Date.now();
    const longer = (await alice.patch(`/api/shares/${s.id}`, { expiresInDays: 30 })).json();
    expect(Date.parse(longer.expiresAt)).toBeGreaterThanOrEqual(before + 30 * DAY - 1000);
    const soon = new Date(Date.now() + 2 * DAY).toISOString();
    expect(Date.parse((await alice.patch(`/api/shares/${s.id}`, { expiresAt: soon })).json().expiresAt)).toBe(Date.parse(soon));
    expectError(await alice.patch(`/api/shares/${s.id}`, { expiresAt: new Date(Date.now() - 1000).toISOString() }), 400, 'invalid_request');
    expectError(await alice.patch(`/api/shares/${s.id}`, { expiresAt: soon, expiresInDays: 3 }), 400, 'invalid_request');
    expectError(await alice.patch(`/api/shares/${s.id}`, { maxDownloads: 0 }), 400, 'invalid_request');
    expectError(await alice.patch(`/api/shares/${s.id}`, { password: '' }), 400, 'invalid_request');
    // An empty change answers the link as it is.
    const same = await alice.patch(`/api/shares/${s.id}`, {});
    expect(same.statusCode).toBe(200);
    expect(Date.parse(same.json().expiresAt)).toBe(Date.parse(soon));

    // Moving the expiry to the next second makes the link expire then.
    await alice.patch(`/api/shares/${s.id}`, { expiresAt: new Date(Date.now() + 1000).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectError(await pub(s.token), 410, 'share_expired');
    expect((await alice.patch(`/api/shares/${s.id}`, { expiresInDays: 1 })).statusCode).toBe(200);
    expect((await pub(s.token)).statusCode).toBe(200);

    // Someone else's link, an unknown one and a revoked one are all 404; anonymous callers 401.
    expectError(await bob.patch(`/api/shares/${s.id}`, { maxDownloads: 1 }), 404, 'not_found');
    expect((await alice.get(`/api/shares?nodeId=${file.id}`)).json().items[0].maxDownloads).toBeNull();
    expectError(await alice.patch('/api/shares/not-an-id', { maxDownloads: 1 }), 404, 'not_found');
    expectError(await t.anonymous.patch(`/api/shares/${s.id}`, { maxDownloads: 1 }), 401, 'unauthenticated');
    await alice.delete(`/api/shares/${s.id}`);
    expectError(await alice.patch(`/api/shares/${s.id}`, { maxDownloads: 1 }), 404, 'not_found');
  });

  it('sets, changes and removes a password; the old password and its unlock cookies stop working at once', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('diary.txt', 'dear diary');
    const s = await share(alice, { nodeId: file.id, password: 'first' });
    const unlock = await t.anonymous.post(`/api/public/shares/${s.token}/unlock`, { password: 'first' });
    const cookie = `ff_share_unlock=${unlock.cookies.find((c) => c.name === 'ff_share_unlock')!.value}`;
    expect((await pub(s.token, '/content', { cookie })).statusCode).toBe(200);

    // A new password, even the same one again, voids the cookies of the old one.
    const again = await alice.patch(`/api/shares/${s.id}`, { password: 'first' });
    expect(again.json().hasPassword).toBe(true);
    expectError(await pub(s.token, '/content', { cookie }), 401, 'password_required');
    await alice.patch(`/api/shares/${s.id}`, { password: 'second' });
    expectError(await pub(s.token, '/content', { 'x-share-password': 'first' }), 401, 'password_required');
    expect((await pub(s.token, '/content', { 'x-share-password': 'second' })).body).toBe('dear diary');

    // null removes it: the link opens for anyone with it.
    const open = await alice.patch(`/api/shares/${s.id}`, { password: null });
    expect(open.json().hasPassword).toBe(false);
    expect((await pub(s.token)).json().requiresPassword).toBe(false);
    expect((await pub(s.token, '/content')).body).toBe('dear diary');

    // And a link made without one can get one.
    const locked = await alice.patch(`/api/shares/${s.id}`, { password: 'third' });
    expect(locked.json().hasPassword).toBe(true);
    expectError(await pub(s.token, '/content'), 401, 'password_required');
  });
});

describe('public metadata and tokens', () => {
  it('shows name, type, size, expiry and whether a password is needed, without the password', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('holiday.jpg', Buffer.alloc(1234, 7));
    const folder = await alice.mkdir('Trip');
    await alice.upload('in.txt', 'in', folder.id);
    const fileShare = await share(alice, { nodeId: file.id, password: 'open sesame' });
    const folderShare = await share(alice, { nodeId: folder.id });
    const meta = await pub(fileShare.token);
    expect(meta.statusCode).toBe(200);
    expect(meta.json()).toMatchObject({
      name: 'holiday.jpg',
      type: 'file',
      size: 1234,
      expiresAt: fileShare.expiresAt,
      requiresPassword: true,
      downloadsLeft: null,
    });
    expect(meta.json()).not.toHaveProperty('id');
    expect(meta.json()).not.toHaveProperty('sha256');
    const folderMeta = await pub(folderShare.token);
    expect(folderMeta.json()).toMatchObject({ name: 'Trip', type: 'folder', size: 0, requiresPassword: false });
  });

  it('previews with ?inline=1 or true, as the owner’s downloads do, and refuses other values with 400', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Pictures');
    const file = await alice.upload('pic.png', 'png', folder.id);
    const fileShare = await share(alice, { nodeId: file.id });
    const folderShare = await share(alice, { nodeId: folder.id });
    for (const path of [`${fileShare.token}/content`, `${folderShare.token}/files/${file.id}/content`]) {
      for (const inline of ['1', 'true']) {
        const res = await t.anonymous.get(`/api/public/shares/${path}?inline=${inline}`);
        expect(res.statusCode, `${path} ${inline}`).toBe(200);
        expect(String(res.headers['content-disposition'])).toMatch(/^inline;/);
      }
      for (const inline of ['0', 'false']) {
        expect(String((await t.anonymous.get(`/api/public/shares/${path}?inline=${inline}`)).headers['content-disposition'])).toMatch(/^attachment;/);
      }
      const bad = await t.anonymous.get(`/api/public/shares/${path}?inline=yes`);
      expectError(bad, 400, 'invalid_request');
      expect(bad.json().error.message).toContain('inline');
    }
  });

  it('answers 404, never 500, for unknown tokens of every length and shape', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('f.txt', 'f');
    const real = await share(alice, { nodeId: file.id });
    const alphabet = Array.from('ABCxyz019-_.~!$&\'()*+,;=:@%/?# éü😀\\"<>`{}|^[]');
    const tokens: string[] = [];
    for (let length = 0; length <= 250; length++) {
      tokens.push('a'.repeat(length));
      tokens.push(Array.from({ length }, (_, i) => alphabet[(i * 7 + length) % alphabet.length]).join(''));
    }
    tokens.push(
      real.token.slice(0, 42),
      `${real.token}A`,
      real.token.toUpperCase(),
      `${real.token.slice(0, 42)}${real.token[42] === 'A' ? 'B' : 'A'}`,
      "' or 1=1 --",
      "'; drop table shares; --",
      '%00',
      '..',
      '../../api/me',
      'null',
      'undefined',
      '0',
      '-1',
    );
    for (const token of tokens) {
      const encoded = encodeURIComponent(token);
      for (const path of ['', '/content', '/children', '/zip', `/files/${file.id}/content`]) {
        const res = await pub(encoded, path);
        expect(res.statusCode, `${JSON.stringify(token)} ${path}: ${res.body}`).toBe(404);
      }
      const unlock = await t.anonymous.post(`/api/public/shares/${encoded}/unlock`, { password: 'x' });
      expect([404, 400], JSON.stringify(token)).toContain(unlock.statusCode);
    }
    // The real link still works.
    expect((await pub(real.token, '/content')).body).toBe('f');
  });
});

describe('expiry and download limits', () => {
  it('answers 410 share_expired once the link is past its expiry', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('e.txt', 'e');
    const folder = await alice.mkdir('E');
    const fileShare = await share(alice, { nodeId: file.id });
    const folderShare = await share(alice, { nodeId: folder.id, password: 'pw' });
    await t.database.db.execute(
      sql`update shares set expires_at = now() - interval '1 second' where id in (${fileShare.id}, ${folderShare.id})`,
    );
    for (const [s, paths] of [
      [fileShare, ['', '/content']],
      [folderShare, ['', '/children', '/zip']],
    ] as const) {
      for (const path of paths) {
        expectError(await pub(s.token, path), 410, 'share_expired');
      }
      expectError(await t.anonymous.post(`/api/public/shares/${s.token}/unlock`, { password: 'pw' }), 410, 'share_expired');
    }
  });

  it('expires a link created with a near expiresAt on time', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('soon.txt', 'soon');
    const s = await share(alice, { nodeId: file.id, expiresAt: new Date(Date.now() + 1200).toISOString() });
    expect((await pub(s.token, '/content')).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expectError(await pub(s.token, '/content'), 410, 'share_expired');
  });

  it('answers 410 share_exhausted after maxDownloads completed downloads, and counts them for the owner', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('limited.txt', 'limited content');
    const s = await share(alice, { nodeId: file.id, maxDownloads: 2 });
    for (let i = 0; i < 2; i++) {
      expect((await pub(s.token)).json().downloadsLeft).toBe(2 - i);
      const res = await pub(s.token, '/content');
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('limited content');
      expect(res.headers['content-disposition']).toContain('limited.txt');
      expect(await accessCount(alice, s)).toBe(i + 1);
    }
    expectError(await pub(s.token, '/content'), 410, 'share_exhausted');
    expectError(await pub(s.token), 410, 'share_exhausted');
    expect(await accessCount(alice, s)).toBe(2);
  });

  it('lets exactly one of ten concurrent downloads through a one-download link', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('race.bin', Buffer.alloc(64 * 1024, 3));
    const s = await share(alice, { nodeId: file.id, maxDownloads: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, () => pub(s.token, '/content')));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, ...Array<number>(9).fill(410)]);
    const ok = results.find((r) => r.statusCode === 200)!;
    expect(ok.rawPayload.length).toBe(64 * 1024);
    for (const r of results.filter((res) => res.statusCode === 410)) {
      expect(r.json().error.code).toBe('share_exhausted');
    }
    expect(await accessCount(alice, s)).toBe(1);
  });

  it('does not count HEAD or 304s, and counts range answers as their share of the file', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('ranged.txt', '0123456789');
    const s = await share(alice, { nodeId: file.id });
    for (let i = 0; i < 3; i++) {
      const head = await t.anonymous.request('HEAD', `/api/public/shares/${s.token}/content`);
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe('10');
      const cached = await pub(s.token, '/content', { 'if-none-match': `"${file.sha256}"` });
      expect(cached.statusCode).toBe(304);
    }
    expect(await accessCount(alice, s)).toBe(0);
    // Four tenths, three times: one download, and two tenths carried over.
    for (let i = 0; i < 3; i++) {
      const part = await pub(s.token, '/content', { range: 'bytes=2-5' });
      expect(part.statusCode).toBe(206);
      expect(part.body).toBe('2345');
    }
    expect(await accessCount(alice, s)).toBe(1);
    expect((await pub(s.token, '/content')).body).toBe('0123456789');
    expect((await pub(s.token, '/content', { range: 'bytes=0-' })).statusCode).toBe(206);
    expect(await accessCount(alice, s)).toBe(3);
    // The two tenths carried over and eight more make the fourth.
    expect((await pub(s.token, '/content', { range: 'bytes=-8' })).body).toBe('23456789');
    expect(await accessCount(alice, s)).toBe(4);
  });

  it('counts pieces that make up the file once, so it cannot be fetched in pieces past the limit', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('pieces.txt', '0123456789');
    const s = await share(alice, { nodeId: file.id, maxDownloads: 2 });
    // HEAD and 304 still cost nothing.
    expect((await t.anonymous.request('HEAD', `/api/public/shares/${s.token}/content`)).statusCode).toBe(200);
    expect((await pub(s.token, '/content', { 'if-none-match': `"${file.sha256}"` })).statusCode).toBe(304);
    expect(await accessCount(alice, s)).toBe(0);
    const first = await pub(s.token, '/content', { range: 'bytes=0-4' });
    expect(first.statusCode).toBe(206);
    expect(first.body).toBe('01234');
    expect((await pub(s.token)).json().downloadsLeft).toBe(2);
    const second = await pub(s.token, '/content', { range: 'bytes=5-' });
    expect(second.statusCode).toBe(206);
    expect(second.body).toBe('56789');
    expect(await accessCount(alice, s)).toBe(1);
    expect((await pub(s.token)).json().downloadsLeft).toBe(1);
    // A player re-reading the same piece pays for it each time.
    for (let i = 0; i < 10; i++) {
      expect((await pub(s.token, '/content', { range: 'bytes=0-0' })).statusCode).toBe(206);
    }
    expect(await accessCount(alice, s)).toBe(2);
    expectError(await pub(s.token, '/content', { range: 'bytes=0-4' }), 410, 'share_exhausted');
    expectError(await pub(s.token, '/content'), 410, 'share_exhausted');
  });

  it('gives the count back when the client goes away before the download completes (real socket)', async () => {
    const alice = await t.newUser();
    const size = 32 * 1024 * 1024;
    const file = await alice.upload('big.bin', Buffer.alloc(size, 9));
    const s = await share(alice, { nodeId: file.id, maxDownloads: 1 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const get = (abortAfterFirstChunk: boolean) =>
      new Promise<{ status: number; bytes: number }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: `/api/public/shares/${s.token}/content` }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (abortAfterFirstChunk) {
              req.destroy();
              resolve({ status: res.statusCode ?? 0, bytes });
            }
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
          res.on('error', () => undefined);
        });
        req.on('error', (error) => (abortAfterFirstChunk ? undefined : reject(error)));
        req.end();
      });
    const aborted = await get(true);
    expect(aborted.status).toBe(200);
    expect(aborted.bytes).toBeLessThan(size);
    const deadline = Date.now() + 5000;
    while ((await accessCount(alice, s)) !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await accessCount(alice, s)).toBe(0);
    const complete = await get(false);
    expect(complete).toEqual({ status: 200, bytes: size });
    expect(await accessCount(alice, s)).toBe(1);
    const after = await get(false);
    expect(after.status).toBe(410);

    // A piece given up on is given back too: almost the whole file, abandoned, then half of it
    // fetched; had the piece stayed counted, the half would have made a second download.
    const pieces = await share(alice, { nodeId: file.id });
    const abandoned = await new Promise<number>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: `/api/public/shares/${pieces.token}/content`, headers: { range: 'bytes=1-' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve(res.statusCode ?? 0);
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.end();
    });
    expect(abandoned).toBe(206);
    const half = await pub(pieces.token, '/content', { range: `bytes=0-${size / 2 - 1}` });
    expect(half.statusCode).toBe(206);
    const settle = Date.now() + 5000;
    while ((await accessCount(alice, pieces)) !== 0 && Date.now() < settle) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await accessCount(alice, pieces)).toBe(0);
  });

  it('counts a folder zip as a download, but not a HEAD of it', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Zipped');
    await alice.upload('z.txt', 'z', folder.id);
    const s = await share(alice, { nodeId: folder.id, maxDownloads: 1 });
    const head = await t.anonymous.request('HEAD', `/api/public/shares/${s.token}/zip`);
    expect(head.statusCode).toBe(200);
    expect(await accessCount(alice, s)).toBe(0);
    // Listing does not count either.
    expect((await pub(s.token, '/children')).statusCode).toBe(200);
    const zip = await pub(s.token, '/zip');
    expect(zip.statusCode).toBe(200);
    expect(readZip(zip.rawPayload).map((e) => e.name)).toEqual(['z.txt']);
    expect(await accessCount(alice, s)).toBe(1);
    expectError(await pub(s.token, '/zip'), 410, 'share_exhausted');
  });
});

describe('password-protected links', () => {
  it('needs the password by header or by the unlock cookie of that link', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('secret.txt', 'the secret');
    const other = await alice.upload('other.txt', 'other secret');
    const s = await share(alice, { nodeId: file.id, password: 'correct horse' });
    const sameP = await share(alice, { nodeId: other.id, password: 'correct horse' });

    expect((await pub(s.token)).json().requiresPassword).toBe(true);
    expectError(await pub(s.token, '/content'), 401, 'password_required');
    expectError(await pub(s.token, '/content', { 'x-share-password': 'wrong' }), 401, 'password_required');
    expectError(await pub(s.token, '/content', { 'x-share-password': '' }), 401, 'password_required');
    const ok = await pub(s.token, '/content', { 'x-share-password': 'correct horse' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('the secret');

    expectError(await t.anonymous.post(`/api/public/shares/${s.token}/unlock`, { password: 'wrong' }), 401, 'password_required');
    expect((await t.anonymous.post(`/api/public/shares/${s.token}/unlock`, {})).statusCode).toBe(400);
    const unlock = await t.anonymous.post(`/api/public/shares/${s.token}/unlock`, { password: 'correct horse' });
    expect(unlock.statusCode, unlock.body).toBe(204);
    const cookie = unlock.cookies.find((c) => c.name === 'ff_share_unlock');
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.path).toBe(`/api/public/shares/${s.token}`);
    const setCookie = String(unlock.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain('correct horse');

    const withCookie = await pub(s.token, '/content', { cookie: `ff_share_unlock=${cookie!.value}` });
    expect(withCookie.statusCode).toBe(200);
    expect(withCookie.body).toBe('the secret');
    // A wrong header does not spoil a valid cookie, and a forged cookie does nothing.
    expect((await pub(s.token, '/content', { cookie: `ff_share_unlock=${cookie!.value}`, 'x-share-password': 'nope' })).statusCode).toBe(
      200,
    );
    const [expires] = cookie!.value.split('.');
    for (const forged of [`${expires}.forged`, `${Number(expires) + 1000}.${cookie!.value.split('.')[1]}`, 'garbage', '']) {
      expectError(await pub(s.token, '/content', { cookie: `ff_share_unlock=${forged}` }), 401, 'password_required');
    }
    // The cookie of one link does not unlock another, even one with the same password.
    expectError(await pub(sameP.token, '/content', { cookie: `ff_share_unlock=${cookie!.value}` }), 401, 'password_required');
  });

  it('takes a password with non-ASCII characters in X-Share-Password, sent as UTF-8 or Latin-1 (real socket)', async () => {
    const alice = await t.newUser();
    const file = await alice.upload('umlaut.txt', 'grüße');
    if (!t.app.server.listening) {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
    }
    const { port } = t.app.server.address() as AddressInfo;
    // Header bytes as given: a string of code points 0-255, one byte each.
    const status = (token: string, headerBytes: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: `/api/public/shares/${token}/content`, headers: { 'x-share-password': headerBytes } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const euro = await share(alice, { nodeId: file.id, password: 'geheim€123' });
    expect(await status(euro.token, utf8('geheim€123'))).toBe(200);
    expect(await status(euro.token, utf8('geheim€124'))).toBe(401);
    const umlauts = await share(alice, { nodeId: file.id, password: 'pässwörd' });
    expect(await status(umlauts.token, utf8('pässwörd'))).toBe(200);
    expect(await status(umlauts.token, 'pässwörd')).toBe(200);
    expect(await status(umlauts.token, utf8('passwort'))).toBe(401);
  });

  it('protects folder listings, files inside and the zip', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Locked');
    const inside = await alice.upload('inside.txt', 'inside', folder.id);
    const s = await share(alice, { nodeId: folder.id, password: 'pw' });
    for (const path of ['/children', `/files/${inside.id}/content`, '/zip']) {
      expectError(await pub(s.token, path), 401, 'password_required');
      expect((await pub(s.token, path, { 'x-share-password': 'pw' })).statusCode, path).toBe(200);
    }
  });
});

describe('folder shares', () => {
  it('lists the shared folder and its subfolders, with breadcrumbs starting at the shared folder', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const parent = await alice.mkdir('Parent');
    const shared = await alice.mkdir('Shared', parent.id);
    const sibling = await alice.mkdir('Sibling', parent.id);
    const sub = await alice.mkdir('Sub', shared.id);
    const deeper = await alice.mkdir('Deeper', sub.id);
    const a = await alice.upload('a.txt', 'A', shared.id);
    const b = await alice.upload('b.txt', 'B', sub.id);
    const c = await alice.upload('c.txt', 'C', deeper.id);
    const x = await alice.upload('x.txt', 'X', sibling.id);
    const p = await alice.upload('p.txt', 'P', parent.id);
    const root = await alice.upload('root.txt', 'R');
    const bobs = await bob.upload('bob.txt', 'BOB');
    const bobFolder = await bob.mkdir('BobFolder');
    const s = await share(alice, { nodeId: shared.id });
    // The owner's favourites are not part of what is shared.
    for (const id of [shared.id, sub.id, a.id]) {
      expect((await alice.patch(`/api/nodes/${id}`, { favorite: true })).statusCode).toBe(200);
    }

    const top = await pub(s.token, '/children');
    expect(top.statusCode, top.body).toBe(200);
    expect(top.json().folder).toMatchObject({ id: shared.id, name: 'Shared', favorite: false });
    expect(top.json().items.map((i: { favorite: boolean }) => i.favorite)).toEqual([false, false]);
    expect(top.json().breadcrumbs).toEqual([{ id: shared.id, name: 'Shared' }]);
    expect(top.json().items.map((i: { name: string }) => i.name)).toEqual(['Sub', 'a.txt']);
    expect(top.json().total).toBe(2);
    expect(JSON.stringify(top.json())).not.toContain(parent.id);

    const inSub = await pub(s.token, `/children?folderId=${sub.id}`);
    expect(inSub.statusCode).toBe(200);
    expect(inSub.json().breadcrumbs).toEqual([
      { id: shared.id, name: 'Shared' },
      { id: sub.id, name: 'Sub' },
    ]);
    expect(inSub.json().items.map((i: { name: string }) => i.name)).toEqual(['Deeper', 'b.txt']);
    const inDeeper = await pub(s.token, `/children?folderId=${deeper.id}`);
    expect(inDeeper.json().breadcrumbs.map((crumb: { name: string }) => crumb.name)).toEqual(['Shared', 'Sub', 'Deeper']);
    expect((await pub(s.token, `/children?folderId=${shared.id}`)).json().items).toHaveLength(2);
    expect((await pub(s.token, `/children?folderId=${sub.id}&limit=1&offset=1`)).json().items.map((i: { name: string }) => i.name)).toEqual(
      ['b.txt'],
    );

    // Nothing outside the shared folder.
    for (const folderId of [parent.id, sibling.id, bobFolder.id, a.id, '00000000-0000-0000-0000-000000000000', 'garbage', 'root']) {
      expectError(await pub(s.token, `/children?folderId=${folderId}`), 404, 'not_found');
    }
    for (const fileId of [x.id, p.id, root.id, bobs.id, sub.id, shared.id, 'garbage']) {
      expectError(await pub(s.token, `/files/${fileId}/content`), 404, 'not_found');
    }
    for (const [file, body] of [
      [a, 'A'],
      [b, 'B'],
      [c, 'C'],
    ] as const) {
      const res = await pub(s.token, `/files/${file.id}/content`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(body);
      expect(res.headers['content-disposition']).toContain(file.name);
    }
    // A folder link has no /content; a file link has no folder routes.
    expectError(await pub(s.token, '/content'), 404, 'not_found');
    const fileShare = await share(alice, { nodeId: a.id });
    for (const path of ['/children', '/zip', `/files/${a.id}/content`]) {
      expectError(await pub(fileShare.token, path), 404, 'not_found');
    }

    const zip = await pub(s.token, '/zip');
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toContain('application/zip');
    const entries = readZip(zip.rawPayload);
    expect(entries.map((e) => e.name).sort()).toEqual(['Sub/', 'Sub/Deeper/', 'Sub/Deeper/c.txt', 'Sub/b.txt', 'a.txt']);
    expect(entries.find((e) => e.name === 'Sub/Deeper/c.txt')!.content.toString()).toBe('C');

    // A folder inside the shared one as a zip of its own; nothing outside the shared folder.
    const subZip = await pub(s.token, `/zip?folderId=${sub.id}`);
    expect(subZip.statusCode).toBe(200);
    expect(subZip.headers['content-disposition']).toContain('Sub.zip');
    expect(
      readZip(subZip.rawPayload)
        .map((e) => e.name)
        .sort(),
    ).toEqual(['Deeper/', 'Deeper/c.txt', 'b.txt']);
    for (const outside of [parent.id, sibling.id, bobFolder.id, b.id, 'nope']) {
      expectError(await pub(s.token, `/zip?folderId=${outside}`), 404, 'not_found');
    }
    expect((await pub(s.token, `/zip?folderId=${shared.id}`)).statusCode).toBe(200);
  });

  it('follows changes: trashed or moved-out nodes are no longer reachable through the link', async () => {
    const alice = await t.newUser();
    const shared = await alice.mkdir('Shared');
    const sub = await alice.mkdir('Sub', shared.id);
    const moved = await alice.upload('moved.txt', 'M', shared.id);
    const inSub = await alice.upload('insub.txt', 'S', sub.id);
    const s = await share(alice, { nodeId: shared.id });
    expect((await pub(s.token, `/files/${moved.id}/content`)).statusCode).toBe(200);

    expect((await alice.patch(`/api/nodes/${moved.id}`, { parentId: null })).statusCode).toBe(200);
    expectError(await pub(s.token, `/files/${moved.id}/content`), 404, 'not_found');
    expect((await alice.delete(`/api/nodes/${sub.id}`)).statusCode).toBe(200);
    expectError(await pub(s.token, `/children?folderId=${sub.id}`), 404, 'not_found');
    expectError(await pub(s.token, `/files/${inSub.id}/content`), 404, 'not_found');
    expect((await pub(s.token, '/children')).json().items).toEqual([]);
    expect(readZip((await pub(s.token, '/zip')).rawPayload)).toEqual([]);
  });
});

describe('links to trashed and deleted nodes', () => {
  it('answer 404 while the node (or a folder above it) is in the trash, work again after restore, and 404 after deletion for good', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Outer');
    const file = await alice.upload('inner.txt', 'inner', folder.id);
    const fileShare = await share(alice, { nodeId: file.id });
    const folderShare = await share(alice, { nodeId: folder.id });

    expect((await alice.delete(`/api/nodes/${folder.id}`)).statusCode).toBe(200);
    for (const [s, paths] of [
      [fileShare, ['', '/content']],
      [folderShare, ['', '/children', '/zip', `/files/${file.id}/content`]],
    ] as const) {
      for (const path of paths) {
        expectError(await pub(s.token, path), 404, 'not_found');
      }
      expectError(await t.anonymous.post(`/api/public/shares/${s.token}/unlock`, { password: 'x' }), 404, 'not_found');
    }
    expect((await alice.post(`/api/trash/${folder.id}/restore`)).statusCode).toBe(200);
    expect((await pub(fileShare.token, '/content')).body).toBe('inner');
    expect((await pub(folderShare.token, '/children')).statusCode).toBe(200);

    expect((await alice.delete(`/api/nodes/${file.id}`)).statusCode).toBe(200);
    expectError(await pub(fileShare.token), 404, 'not_found');
    expect((await alice.delete(`/api/trash/${file.id}`)).statusCode).toBe(204);
    expectError(await pub(fileShare.token), 404, 'not_found');
    expectError(await pub(fileShare.token, '/content'), 404, 'not_found');
    expect((await alice.get('/api/shares')).json().items.map((i: Share) => i.id)).toEqual([folderShare.id]);
  });
});

describe('public share rate limit', () => {
  it('answers the 6th request within a minute from one address with 429 and Retry-After (FILEFLOW_SHARE_LIMIT=5)', async () => {
    const limited = await createTestApp({ env: { FILEFLOW_SHARE_LIMIT: '5' } });
    try {
      const owner = await limited.newUser();
      const file = await owner.upload('l.txt', 'l');
      const res = await owner.post('/api/shares', { nodeId: file.id });
      const token: string = res.json().token;
      const from = (remoteAddress: string, path = '') =>
        limited.app.inject({ method: 'GET', url: `/api/public/shares/${token}${path}`, remoteAddress });
      // The limit counts in fixed one-minute windows: do not straddle the end of one.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 50_000) {
        await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
      }
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await from('203.0.113.7', i % 2 === 0 ? '' : '/content')).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const sixth = await from('203.0.113.7', '/content');
      expectError(sixth, 429, 'rate_limited');
      const retryAfter = Number(sixth.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Unknown tokens count too (no free guessing), and the limit holds for every public route.
      expectError(
        await limited.app.inject({ method: 'GET', url: '/api/public/shares/guess', remoteAddress: '203.0.113.7' }),
        429,
        'rate_limited',
      );
      // Another address has its own budget; the owner's own API is not limited.
      expect((await from('203.0.113.8')).statusCode).toBe(200);
      expect((await owner.get('/api/shares')).statusCode).toBe(200);
      // Only completed downloads counted: the refused ones did not.
      expect((await owner.get('/api/shares')).json().items[0].accessCount).toBe(2);
    } finally {
      await limited.close();
    }
  });
});
