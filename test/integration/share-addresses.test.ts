import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';

const apps: TestApp[] = [];
afterEach(async () => {
  // Newest first: the first app owns the data directory and the database, and removes them last.
  for (const app of apps.splice(0).reverse()) {
    await app.close();
  }
});

async function start(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const app = await createTestApp(options);
  apps.push(app);
  return app;
}

interface Share {
  id: string;
  token?: string;
  url?: string;
  nodeId: string;
}

async function createShare(client: ApiClient, nodeId: string): Promise<Required<Share>> {
  const res = await client.post('/api/shares', { nodeId });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The user's links as another app (after a restart) lists them, by cookie. */
async function listedBy(app: TestApp, client: ApiClient): Promise<Share[]> {
  const res = await app.anonymous.get('/api/shares', { cookie: client.cookie! });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

const addressOf = (items: Share[], id: string) => {
  const item = items.find((share) => share.id === id);
  expect(item, `link ${id} listed`).toBeDefined();
  return { token: item?.token, url: item?.url };
};

describe('share link addresses', () => {
  it('lists and changes a link with the address it was made with, kept in the database only sealed', async () => {
    const t = await start();
    const alice = await t.newUser();
    const file = await alice.upload('report.pdf', 'pdf bytes');
    const made = await createShare(alice, file.id);

    const listed = await alice.get('/api/shares');
    expect(addressOf(listed.json().items, made.id)).toEqual({ token: made.token, url: made.url });
    const ofNode = await alice.get(`/api/shares?nodeId=${file.id}`);
    expect(addressOf(ofNode.json().items, made.id)).toEqual({ token: made.token, url: made.url });
    const changed = await alice.patch(`/api/shares/${made.id}`, { maxDownloads: 5 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ token: made.token, url: made.url, maxDownloads: 5 });

    // Nothing in the link's row is the token: a leaked database hands out no working link.
    const rows = await t.database.db.execute(sql`select * from shares where id = ${made.id}`);
    expect(JSON.stringify(rows)).toContain(made.id);
    expect(JSON.stringify(rows)).not.toContain(made.token);
    // The key is the data directory's own, readable by the server's user only.
    const key = await stat(path.join(t.dataDir, 'sealing.key'));
    expect(key.mode & 0o777).toBe(0o600);

    // Answers that carry a working link are kept in no cache (a shared computer's browser after
    // sign out, a proxy): the browser's own copy of addresses is cleared at sign out for the same reason.
    for (const answer of [listed, ofNode, changed, await alice.post('/api/shares', { nodeId: file.id })]) {
      expect(answer.headers['cache-control']).toBe('no-store');
    }

    // Another user sees none of it.
    const bob = await t.newUser();
    expect((await bob.get('/api/shares')).json().items).toEqual([]);
    expect((await bob.patch(`/api/shares/${made.id}`, { maxDownloads: 1 })).statusCode).toBe(404);
  });

  it('shows addresses after a restart, and not under another key, while every link keeps working', async () => {
    const first = await start({ persistent: true });
    const alice = await first.newUser();
    const file = await first.anonymous.put(`/api/files/content?name=a.txt`, 'a', { cookie: alice.cookie! });
    expect(file.statusCode, file.body).toBe(201);
    const madeFirst = await createShare(alice, file.json().id);
    const old = await createShare(alice, file.json().id);
    // A link made before tokens were sealed has no sealed token.
    await first.database.db.execute(sql`update shares set token_sealed = null where id = ${old.id}`);
    await first.stop();

    const same = { dataDir: first.dataDir, databaseUrl: first.database.url };
    const restarted = await start(same);
    let items = await listedBy(restarted, alice);
    expect(addressOf(items, madeFirst.id)).toEqual({ token: madeFirst.token, url: madeFirst.url });
    expect(addressOf(items, old.id)).toEqual({ token: undefined, url: undefined });
    await restarted.stop();

    // FILEFLOW_SEALING_KEY (what servers on several machines share) takes the place of the data directory's key.
    const sharedKey = randomBytes(32).toString('base64');
    const withKey = await start({ ...same, env: { FILEFLOW_SEALING_KEY: sharedKey } });
    items = await listedBy(withKey, alice);
    expect(addressOf(items, madeFirst.id)).toEqual({ token: undefined, url: undefined });
    const madeWithKey = (await withKey.anonymous.post('/api/shares', { nodeId: file.json().id }, { cookie: alice.cookie! })).json();
    items = await listedBy(withKey, alice);
    expect(addressOf(items, madeWithKey.id)).toEqual({ token: madeWithKey.token, url: madeWithKey.url });
    for (const token of [madeFirst.token, old.token, madeWithKey.token]) {
      expect((await withKey.anonymous.get(`/api/public/shares/${token}/content`)).body).toBe('a');
    }
    await withKey.stop();

    // Back on the data directory's key: its links show again, the other key's do not, and all work.
    const back = await start(same);
    items = await listedBy(back, alice);
    expect(addressOf(items, madeFirst.id).token).toBe(madeFirst.token);
    expect(addressOf(items, madeWithKey.id).token).toBeUndefined();
    for (const token of [madeFirst.token, old.token, madeWithKey.token]) {
      expect((await back.anonymous.get(`/api/public/shares/${token}`)).statusCode).toBe(200);
    }
  });
});
