import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { readZip, type ZipEntry } from '../helpers/files.js';
import { contentKey } from '../../src/server/blobs/blob-store.js';

let t: TestApp;
let scratch: string;
beforeAll(async () => {
  t = await createTestApp({ captureLogs: true });
  scratch = await mkdtemp(path.join(tmpdir(), 'fileflow-zip-'));
});
afterAll(async () => {
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Downloads a zip, checks the response and parses it. */
async function fetchZip(client: ApiClient, folder: string): Promise<{ entries: ZipEntry[]; raw: Buffer; disposition: string }> {
  const res = await client.get(`/api/folders/${folder}/zip`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/zip/);
  if (res.headers['content-length'] !== undefined) {
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
  }
  return { entries: readZip(res.rawPayload), raw: res.rawPayload, disposition: String(res.headers['content-disposition']) };
}

/** The entry names as an independent reader (Python's zipfile, after its CRC test) sees them. */
async function pythonNames(zip: Buffer): Promise<string[]> {
  const file = path.join(scratch, `${randomBytes(6).toString('hex')}.zip`);
  await writeFile(file, zip);
  const script = 'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps(z.namelist()))';
  const { stdout } = await promisify(execFile)('python3', ['-c', script, file]);
  return JSON.parse(stdout);
}

function byName(entries: ZipEntry[]): Map<string, ZipEntry> {
  return new Map(entries.map((entry) => [entry.name, entry]));
}

describe('GET /api/folders/:id/zip', () => {
  it('streams the live subtree with paths from the tree, byte-exact', async () => {
    const alice = await t.newUser();
    const top = await alice.mkdir('Project');
    const docs = await alice.mkdir('docs', top.id);
    const deep = await alice.mkdir('deep', docs.id);
    await alice.mkdir('empty', top.id);
    const unicode = await alice.mkdir('日本 データ', top.id);
    const readme = Buffer.from('# readme\n');
    const big = randomBytes(1024 * 1024 + 17);
    const note = Buffer.from('caf\u00e9 ☕');
    await alice.upload('README.md', readme, top.id);
    await alice.upload('big.bin', big, docs.id);
    await alice.upload('empty.txt', Buffer.alloc(0), deep.id);
    await alice.upload('résumé.txt', note, unicode.id);
    // Trashed items are not part of the archive.
    const trashedFile = await alice.upload('trashed.txt', 'gone', docs.id);
    const trashedFolder = await alice.mkdir('trashed-folder', top.id);
    await alice.upload('inside-trashed.txt', 'gone too', trashedFolder.id);
    expect((await alice.delete(`/api/nodes/${trashedFile.id}`)).statusCode).toBe(200);
    expect((await alice.delete(`/api/nodes/${trashedFolder.id}`)).statusCode).toBe(200);
    // Something outside the folder.
    await alice.upload('outside.txt', 'not in the zip');

    const { entries, raw, disposition } = await fetchZip(alice, top.id);
    expect(disposition).toBe(`attachment; filename="Project.zip"; filename*=UTF-8''Project.zip`);
    const expectedNames = [
      'README.md',
      'docs/',
      'docs/big.bin',
      'docs/deep/',
      'docs/deep/empty.txt',
      'empty/',
      '日本 データ/',
      '日本 データ/résumé.txt',
    ];
    expect(entries.map((entry) => entry.name).sort()).toEqual([...expectedNames].sort());
    const files = byName(entries);
    expect(files.get('README.md')!.content.equals(readme)).toBe(true);
    expect(files.get('docs/big.bin')!.content.equals(big)).toBe(true);
    expect(files.get('docs/deep/empty.txt')!.content.length).toBe(0);
    expect(files.get('日本 データ/résumé.txt')!.content.equals(note)).toBe(true);
    expect((await pythonNames(raw)).sort()).toEqual([...expectedNames].sort());
  });

  it('zips the root as the whole live tree', async () => {
    const alice = await t.newUser();
    const photos = await alice.mkdir('Photos');
    const trip = await alice.mkdir('Trip', photos.id);
    const pic = randomBytes(2048);
    await alice.upload('pic.png', pic, trip.id);
    await alice.upload('top.txt', 'top level');
    await alice.mkdir('Nothing here');
    const trashed = await alice.upload('trashed.txt', 'x');
    expect((await alice.delete(`/api/nodes/${trashed.id}`)).statusCode).toBe(200);

    const { entries, raw, disposition } = await fetchZip(alice, 'root');
    expect(disposition).toMatch(/^attachment; filename="[^"]+\.zip"/);
    const expectedNames = ['Nothing here/', 'Photos/', 'Photos/Trip/', 'Photos/Trip/pic.png', 'top.txt'];
    expect(entries.map((entry) => entry.name).sort()).toEqual(expectedNames);
    const files = byName(entries);
    expect(files.get('Photos/Trip/pic.png')!.content.equals(pic)).toBe(true);
    expect(files.get('top.txt')!.content.toString()).toBe('top level');
    expect((await pythonNames(raw)).sort()).toEqual(expectedNames);
  });

  it('zips an empty folder (or an empty root) as a valid empty archive', async () => {
    const alice = await t.newUser();
    const empty = await alice.mkdir('nothing');
    const { entries, raw, disposition } = await fetchZip(alice, empty.id);
    expect(entries).toEqual([]);
    expect(disposition).toContain('nothing.zip');
    expect(await pythonNames(raw)).toEqual([]);
    const bob = await t.newUser();
    expect((await fetchZip(bob, 'root')).entries).toEqual([]);
  });

  it('names the archive after a unicode folder safely', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('Über "quotes"');
    await alice.upload('a.txt', 'a', folder.id);
    const { disposition, entries } = await fetchZip(alice, folder.id);
    expect(disposition).toMatch(/^[\x20-\x7e]+$/);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('Über "quotes".zip')}`);
    expect(entries.map((entry) => entry.name)).toEqual(['a.txt']);
  });

  it('keeps entry names safe for extractors', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('safe');
    await alice.upload('back\\slash.txt', 'b', folder.id);
    await alice.upload('...', 'dots', folder.id);
    const { entries } = await fetchZip(alice, folder.id);
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry.name).not.toMatch(/\\|^\/|(^|\/)\.\.(\/|$)/);
    }
  });

  it('zips top-level names that begin like a Windows drive, which extractors would take for absolute paths', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('drives');
    await alice.upload('A: notes.txt', 'a', folder.id);
    const drive = await alice.mkdir('d:', folder.id);
    await alice.upload('x.txt', 'x', drive.id);
    const sub = await alice.mkdir('sub', folder.id);
    await alice.upload('B: deeper.txt', 'b', sub.id);
    const names = ['A_ notes.txt', 'd_/', 'd_/x.txt', 'sub/', 'sub/B: deeper.txt'];
    const { entries, raw } = await fetchZip(alice, folder.id);
    expect(entries.map((entry) => entry.name).sort()).toEqual(names);
    expect((await pythonNames(raw)).sort()).toEqual(names);
    const selection = await alice.get(`/api/zip?ids=${drive.id},${sub.id}`);
    expect(selection.statusCode).toBe(200);
    expect(readZip(selection.rawPayload).map((entry) => entry.name).sort()).toEqual(['d_/', 'd_/x.txt', 'sub/', 'sub/B: deeper.txt']);
    const link = (await alice.post('/api/shares', { nodeId: folder.id })).json<{ token: string }>();
    const shared = await t.anonymous.get(`/api/public/shares/${link.token}/zip`);
    expect(shared.statusCode).toBe(200);
    expect(readZip(shared.rawPayload).map((entry) => entry.name).sort()).toEqual(names);
  });

  it('keeps two items apart whose names become the same when made safe, folders with their contents', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('clash');
    await alice.upload('back\\sl.txt', 'one', folder.id);
    await alice.upload('back_sl.txt', 'two', folder.id);
    const slashDir = await alice.mkdir('d\\x', folder.id);
    const plainDir = await alice.mkdir('d_x', folder.id);
    await alice.upload('f', 'in slash dir', slashDir.id);
    await alice.upload('f', 'in plain dir', plainDir.id);
    const { entries } = await fetchZip(alice, folder.id);
    const names = entries.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(['back_sl (2).txt', 'back_sl.txt', 'd_x (2)/', 'd_x (2)/f', 'd_x/', 'd_x/f'].sort());
    const contents = entries.filter((e) => !e.name.endsWith('/')).map((e) => e.content.toString()).sort();
    expect(contents).toEqual(['in plain dir', 'in slash dir', 'one', 'two']);
    // Each folder's file stays under its own folder.
    const inFolder = (dir: string) => entries.find((e) => e.name === `${dir}/f`)!.content.toString();
    expect([inFolder('d_x'), inFolder('d_x (2)')].sort()).toEqual(['in plain dir', 'in slash dir']);
  });

  it('answers 404 for other users\' folders, files, unknown ids and trashed folders', async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const bobsFolder = await bob.mkdir('bobs');
    await bob.upload('secret.txt', 'secret', bobsFolder.id);
    const file = await alice.upload('file.txt', 'x');
    const trashed = await alice.mkdir('trashed');
    expect((await alice.delete(`/api/nodes/${trashed.id}`)).statusCode).toBe(200);
    for (const id of [bobsFolder.id, file.id, trashed.id, '00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await alice.get(`/api/folders/${id}/zip`);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect((await t.anonymous.get(`/api/folders/root/zip`)).statusCode).toBe(401);
  });
});

describe('GET /api/zip (a selection)', () => {
  it('names a selection’s zip after the folder its items are all in, as that folder’s zip is named', async () => {
    const alice = await t.newUser();
    const holiday = await alice.mkdir('Holiday 2026');
    const beach = await alice.upload('beach.jpg', 'sand', holiday.id);
    const notes = await alice.mkdir('notes', holiday.id);
    const both = await alice.get(`/api/zip?ids=${beach.id},${notes.id}`);
    expect(both.statusCode, both.body).toBe(200);
    expect(String(both.headers['content-disposition'])).toContain('Holiday 2026.zip');
    // One item is named after itself; items at the top of the tree after FileFlow.
    const one = await alice.get(`/api/zip?ids=${notes.id}`);
    expect(String(one.headers['content-disposition'])).toContain('notes.zip');
    const top = await alice.upload('top.txt', 'at the top');
    const atTop = await alice.get(`/api/zip?ids=${top.id},${holiday.id}`);
    expect(String(atTop.headers['content-disposition'])).toContain('FileFlow.zip');
  });

  it('zips files and folders from several folders, each at the top, names made unique, byte-exact', async () => {
    const alice = await t.newUser();
    const docs = await alice.mkdir('Docs');
    const photos = await alice.mkdir('Photos');
    const inner = await alice.mkdir('Inner', photos.id);
    const bytes = randomBytes(70_000);
    await alice.upload('deep.bin', bytes, inner.id);
    const reportA = await alice.upload('report.txt', 'from docs', docs.id);
    const reportB = await alice.upload('report.txt', 'from the root');
    await alice.upload('left-out.txt', 'not selected', docs.id);

    const res = await alice.get(`/api/zip?ids=${[photos.id, reportA.id, reportB.id].join(',')}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/zip/);
    expect(String(res.headers['content-disposition'])).toContain('FileFlow.zip');
    const entries = byName(readZip(res.rawPayload));
    expect([...entries.keys()].sort()).toEqual(['Photos/', 'Photos/Inner/', 'Photos/Inner/deep.bin', 'report.txt', 'report.txt (2)'].sort());
    expect(entries.get('Photos/Inner/deep.bin')!.content.equals(bytes)).toBe(true);
    expect(entries.get('report.txt')!.content.toString()).toBe('from docs');
    expect(entries.get('report.txt (2)')!.content.toString()).toBe('from the root');
    expect((await pythonNames(res.rawPayload)).sort()).toEqual([...entries.keys()].sort());

    // One item: the archive is named after it.
    const single = await alice.get(`/api/zip?ids=${photos.id}`);
    expect(String(single.headers['content-disposition'])).toContain('Photos.zip');
  });

  it("answers 404 if any item is another user's, trashed or unknown, and 400 for no ids or too many", async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const mine = await alice.upload('mine.txt', 'mine');
    const bobs = await bob.upload('secret.txt', 'secret');
    const trashed = await alice.upload('gone.txt', 'gone');
    expect((await alice.delete(`/api/nodes/${trashed.id}`)).statusCode).toBe(200);
    for (const other of [bobs.id, trashed.id, '00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await alice.get(`/api/zip?ids=${mine.id},${other}`);
      expect(res.statusCode, other).toBe(404);
      expect(res.body).not.toContain('secret');
    }
    for (const query of ['', '?ids=', '?ids=,,', `?ids=${Array.from({ length: 201 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',')}`]) {
      const res = await alice.get(`/api/zip${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }
    expect((await t.anonymous.get(`/api/zip?ids=${mine.id}`)).statusCode).toBe(401);
  });
});

describe('a content that fails part-way through an archive', () => {
  it('cuts that archive off and leaves the server up (yazl reports it as an error event, which nothing may leave unheard)', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('partly');
    await alice.upload('a.bin', randomBytes(10_000), folder.id);
    const second = await alice.upload('b.bin', randomBytes(10_000), folder.id);
    // The second file's content is gone from the store (a store failing mid-archive does the same).
    await t.blobs.delete(contentKey(second.sha256));
    // However the cut-off answer arrives (a short body, or an error), it is never a whole archive.
    const res = await alice.get(`/api/folders/${folder.id}/zip`).catch(() => null);
    if (res) {
      expect(res.rawPayload.length).toBeLessThan(Number(res.headers['content-length']));
    }
    expect((await t.anonymous.get('/api/health')).statusCode).toBe(200);
    expect((await alice.get(`/api/folders/${folder.id}/children`)).statusCode).toBe(200);
  });
});

describe('HEAD on a zip', () => {
  it('answers the GET\'s headers and reads no content (a missing content later in the archive goes unnoticed)', async () => {
    const alice = await t.newUser();
    const folder = await alice.mkdir('headed');
    await alice.upload('a.bin', randomBytes(200_000), folder.id);
    const second = await alice.upload('b.bin', randomBytes(10_000), folder.id);
    const whole = await fetchZip(alice, folder.id);
    const link = (await alice.post('/api/shares', { nodeId: folder.id, maxDownloads: 1 })).json<{ id: string; token: string }>();

    const heads = [
      await alice.request('HEAD', `/api/folders/${folder.id}/zip`),
      await alice.request('HEAD', `/api/zip?ids=${folder.id}`),
      await t.anonymous.request('HEAD', `/api/public/shares/${link.token}/zip`),
    ];
    for (const head of heads) {
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-type']).toMatch(/^application\/zip/);
      expect(head.rawPayload.length).toBe(0);
    }
    expect(Number(heads[0]!.headers['content-length'])).toBe(whole.raw.length);
    expect(heads[0]!.headers['content-disposition']).toBe(whole.disposition);

    // Were a HEAD to build its archive, it would read a.bin and then fail on b.bin's missing content.
    await t.blobs.delete(contentKey(second.sha256));
    const logged = t.logs.length;
    for (const url of [`/api/folders/${folder.id}/zip`, `/api/zip?ids=${folder.id}`]) {
      expect((await alice.request('HEAD', url)).statusCode).toBe(200);
    }
    expect((await t.anonymous.request('HEAD', `/api/public/shares/${link.token}/zip`)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.logs.slice(logged).filter((line) => line.level >= 50)).toEqual([]);
    // A HEAD is no download: the link's only download is still there.
    expect((await alice.get(`/api/shares`)).json().items.find((s: { id: string }) => s.id === link.id).accessCount).toBe(0);
  });
});

describe('archives with long paths', () => {
  /** A chain of `depth` folders under a new top folder, each named with 250 bytes; returns the top and the deepest. */
  async function chain(client: ApiClient, depth: number): Promise<{ top: string; deepest: string }> {
    const top = await client.mkdir('long');
    let parent = top.id;
    for (let i = 0; i < depth; i += 1) {
      parent = (await client.mkdir(`${String(i).padStart(3, '0')}${'x'.repeat(247)}`, parent)).id;
    }
    return { top: top.id, deepest: parent };
  }

  it('declares the exact length of an archive whose central directory passes 64 KiB, and extractors read it', async () => {
    const alice = await t.newUser();
    // Paths of about 3 KB: 25 files and 12 folders make a central directory of about 110 KiB.
    const { top, deepest } = await chain(alice, 12);
    for (let i = 0; i < 25; i += 1) {
      await alice.upload(`file-${i}.txt`, `content ${i}`, deepest);
    }
    const { entries, raw } = await fetchZip(alice, top);
    expect(entries.filter((entry) => !entry.name.endsWith('/'))).toHaveLength(25);
    expect(await pythonNames(raw)).toEqual(entries.map((entry) => entry.name));
    const link = (await alice.post('/api/shares', { nodeId: top })).json<{ token: string }>();
    expect(Number((await alice.request('HEAD', `/api/folders/${top}/zip`)).headers['content-length'])).toBe(raw.length);
    const selection = await alice.get(`/api/zip?ids=${top}`);
    expect(Number(selection.headers['content-length'])).toBe(selection.rawPayload.length);
    expect(readZip(selection.rawPayload)).toHaveLength(entries.length + 1);
    const shared = await t.anonymous.get(`/api/public/shares/${link.token}/zip`);
    expect(Number(shared.headers['content-length'])).toBe(shared.rawPayload.length);
    expect(await pythonNames(shared.rawPayload)).toEqual(entries.map((entry) => entry.name));
  });

  it('answers 400 when a path is longer than a zip can hold (65,535 bytes), for every zip and its HEAD, and stays up', async () => {
    const alice = await t.newUser();
    const { top, deepest } = await chain(alice, 262);
    await alice.upload('leaf.txt', 'leaf', deepest);
    const link = (await alice.post('/api/shares', { nodeId: top })).json<{ token: string }>();
    const urls = [`/api/folders/${top}/zip`, `/api/zip?ids=${top}`];
    for (const url of urls) {
      const res = await alice.get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toMatch(/65535 bytes/);
      expect((await alice.request('HEAD', url)).statusCode, url).toBe(400);
    }
    expect((await t.anonymous.get(`/api/public/shares/${link.token}/zip`)).statusCode).toBe(400);
    expect((await t.anonymous.request('HEAD', `/api/public/shares/${link.token}/zip`)).statusCode).toBe(400);
    expect(t.logs.filter((line) => line.level >= 50)).toEqual([]);
    // A shallower folder of the same tree still zips.
    const { entries } = await fetchZip(alice, deepest);
    expect(entries.map((entry) => entry.name)).toEqual(['leaf.txt']);
  });
});
