import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';

let t: TestApp;
let alice: ApiClient;
let bob: ApiClient;

interface Result {
  id: string;
  name: string;
  type: 'file' | 'folder';
  size: number;
  createdAt: string;
  path: string;
  [key: string]: unknown;
}

/** Alice's files, in upload order (each later than the one before). */
const uploaded: Result[] = [];
let docsId = '';

async function search(client: ApiClient, query: string): Promise<{ results: Result[]; total: number }> {
  const res = await client.get(`/api/search?${query}`);
  expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
  return res.json();
}

async function names(query: string, client = alice): Promise<string[]> {
  return (await search(client, query)).results.map((r) => r.name).sort();
}

function q(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

beforeAll(async () => {
  t = await createTestApp();
  alice = await t.newUser();
  bob = await t.newUser();
  const docs = await alice.mkdir('Docs');
  docsId = docs.id;
  const sub = await alice.mkdir('Sub', docs.id);
  const files: Array<[string, number, string | null]> = [
    ['report.pdf', 100, sub.id],
    ['Report-Final.PDF', 300, docs.id],
    ['notes.txt', 10, null],
    ['a_b.txt', 1, null],
    ['ab.txt', 2, null],
    ['100%.txt', 3, null],
    ['back\\slash.txt', 4, null],
    ['photo.JPG', 500, null],
    ['archive.tar.gz', 50, null],
    ['noext', 5, null],
  ];
  for (const [name, size, parentId] of files) {
    const res = await alice.putFile(name, Buffer.alloc(size, 'x'), { parentId });
    expect(res.statusCode, res.body).toBe(201);
    uploaded.push(res.json());
  }
  const gone = await alice.upload('trashed-report.pdf', 'trashed', docs.id);
  expect((await alice.delete(`/api/nodes/${gone.id}`)).statusCode).toBe(200);
  const trashedFolder = await alice.mkdir('OldReports');
  await alice.upload('inside-report.pdf', 'inside', trashedFolder.id);
  expect((await alice.delete(`/api/nodes/${trashedFolder.id}`)).statusCode).toBe(200);
  await bob.upload('bob-report.pdf', 'bob');
  await bob.upload('a_b.txt', 'bob');
});
afterAll(async () => {
  await t.close();
});

describe('GET /api/search', () => {
  it('matches case-insensitive substrings of names, live nodes of the caller only', async () => {
    expect(await names('q=REPORT')).toEqual(['Report-Final.PDF', 'report.pdf']);
    // Spaces around the query are typing, not part of it (names never start or end with one).
    expect(await names(q({ q: '  report ' }))).toEqual(['Report-Final.PDF', 'report.pdf']);
    expect(await names('q=pOrT-f')).toEqual(['Report-Final.PDF']);
    expect(await names('q=docs')).toEqual(['Docs']);
    expect(await names('q=report', bob)).toEqual(['bob-report.pdf']);
    expect(await names('q=nothing-like-this')).toEqual([]);
    const res = await t.anonymous.get('/api/search?q=report');
    expect(res.statusCode).toBe(401);
  });

  it('finds names whatever Unicode form the query is typed in (names are kept composed)', async () => {
    const carol = await t.newUser();
    // Sent decomposed ("e" + U+0301), as macOS names files; kept composed.
    const file = await carol.upload('Cafe\u0301 Me\u0301nu.txt', 'menu');
    expect(file.name).toBe('Caf\u00e9 M\u00e9nu.txt');
    for (const query of ['Caf\u00e9', 'Cafe\u0301', 'CAFE\u0301 ME\u0301NU']) {
      expect(await names(q({ q: query }), carol), query).toEqual(['Caf\u00e9 M\u00e9nu.txt']);
    }
    // A profile keeps its query composed, and finds the same.
    const profile = await carol.post('/api/search-profiles', { name: 'Me\u0301nus', query: 'me\u0301nu' });
    expect(profile.statusCode, profile.body).toBe(201);
    expect(profile.json()).toMatchObject({ name: 'M\u00e9nus', query: 'm\u00e9nu' });
    const results = await carol.get(`/api/search-profiles/${profile.json().id}/results`);
    expect(results.json().results.map((item: { name: string }) => item.name)).toEqual(['Caf\u00e9 M\u00e9nu.txt']);
  });

  it('returns nodes in the contract shape with their full path', async () => {
    const { results, total } = await search(alice, 'q=report.pdf');
    expect(total).toBe(1);
    const [result] = results;
    expect(result).toMatchObject({ name: 'report.pdf', type: 'file', size: 100, path: '/Docs/Sub/report.pdf' });
    expect(Object.keys(result!).sort()).toEqual(
      ['createdAt', 'etag', 'favorite', 'id', 'mimeType', 'modifiedAt', 'name', 'parentId', 'path', 'sha256', 'size', 'type', 'updatedAt'].sort(),
    );
    expect((await search(alice, 'q=Final')).results[0]!.path).toBe('/Docs/Report-Final.PDF');
    expect((await search(alice, 'q=notes')).results[0]!.path).toBe('/notes.txt');
    expect((await search(alice, 'q=Sub')).results[0]).toMatchObject({ type: 'folder', path: '/Docs/Sub', size: 0 });
  });

  it('treats % and _ and \\ in the query literally', async () => {
    expect(await names(q({ q: '_' }))).toEqual(['a_b.txt']);
    expect(await names(q({ q: 'a_b' }))).toEqual(['a_b.txt']);
    expect(await names(q({ q: '%' }))).toEqual(['100%.txt']);
    expect(await names(q({ q: '%%' }))).toEqual([]);
    expect(await names(q({ q: '0%.' }))).toEqual(['100%.txt']);
    expect(await names(q({ q: '\\' }))).toEqual(['back\\slash.txt']);
    expect(await names(q({ q: '\\s' }))).toEqual(['back\\slash.txt']);
    expect(await names(q({ q: '\\%' }))).toEqual([]);
    expect(await names(q({ q: '[a-z]' }))).toEqual([]);
    expect(await names(q({ q: '.*' }))).toEqual([]);
  });

  it('answers SQL-looking queries with 200 and nothing that is not the caller’s', async () => {
    for (const query of ["' or 1=1 --", "'; drop table file_nodes; --", '" OR ""="', '%\' OR \'1\'=\'1', 'report\'--', '%_%', 'é', '😀']) {
      const res = await alice.get(`/api/search?${q({ q: query })}`);
      expect(res.statusCode, query).toBe(200);
      expect(res.json().total, query).toBe(0);
    }
    // Control characters can never be in a name: refused rather than sent to the database.
    for (const query of ['\u0000', 'a\u0000b', '\n', '\u001b[0m']) {
      const res = await alice.get(`/api/search?${q({ q: query })}`);
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
      expect(res.json().error.message).toContain('q');
    }
    // Still intact afterwards.
    expect(await names('q=report')).toEqual(['Report-Final.PDF', 'report.pdf']);
    expect((await search(bob, q({ q: "' or 1=1 --" }))).total).toBe(0);
  });

  it('restricts to files of the given extensions (comma list, case-insensitive, with or without dot)', async () => {
    expect(await names('types=pdf')).toEqual(['Report-Final.PDF', 'report.pdf']);
    expect(await names('types=.PDF')).toEqual(['Report-Final.PDF', 'report.pdf']);
    expect(await names(q({ types: ' jpg , .Gz ' }))).toEqual(['archive.tar.gz', 'photo.JPG']);
    expect(await names('types=txt&q=a')).toEqual(['a_b.txt', 'ab.txt', 'back\\slash.txt']);
    expect(await names('types=tar')).toEqual([]);
    // A folder never has a type; a name without a dot has no extension.
    expect(await names('types=pdf&q=docs')).toEqual([]);
    expect(await names('types=noext')).toEqual([]);
    // A dotfile named like an extension has none, as the web UI's icons and Node's extname see it.
    const carol = await t.newUser();
    for (const name of ['.pdf', 'x.pdf', '..pdf']) {
      await carol.upload(name, name);
    }
    expect(await names('types=pdf', carol)).toEqual(['..pdf', 'x.pdf']);
    expect(await names('types=pdf', bob)).toEqual(['bob-report.pdf']);
  });

  it('filters by size bounds (inclusive)', async () => {
    expect(await names('sizeMin=100&sizeMax=300')).toEqual(['Report-Final.PDF', 'report.pdf']);
    expect(await names('sizeMin=301')).toEqual(['photo.JPG']);
    expect(await names('sizeMax=2&types=txt')).toEqual(['a_b.txt', 'ab.txt']);
    expect(await names('sizeMin=300&sizeMax=300')).toEqual(['Report-Final.PDF']);
  });

  it('filters by creation time; a date-only "to" includes that whole day', async () => {
    const all = (await search(alice, 'limit=200')).total;
    expect(all).toBe(uploaded.length + 2);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    // (Close to midnight UTC "today" may have turned into tomorrow meanwhile.)
    expect((await search(alice, `to=${today}`)).total + (await search(alice, `from=${tomorrow}`)).total).toBe(all);
    expect((await search(alice, `to=${yesterday}`)).total).toBe(0);
    expect((await search(alice, `from=${yesterday}&to=${tomorrow}`)).total).toBe(all);

    const pivot = uploaded[5]!;
    const later = await names(q({ from: pivot.createdAt, types: 'txt,jpg,gz,pdf' }));
    expect(later).toEqual(['100%.txt', 'archive.tar.gz', 'back\\slash.txt', 'photo.JPG']);
    const upTo = await names(q({ to: pivot.createdAt, q: '.' }));
    expect(upTo).toEqual(['100%.txt', 'Report-Final.PDF', 'a_b.txt', 'ab.txt', 'notes.txt', 'report.pdf']);
    const exact = await names(q({ from: pivot.createdAt, to: pivot.createdAt }));
    expect(exact).toEqual(['100%.txt']);
    // A time without an offset is UTC, whatever the server's time zone.
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      const withoutOffset = pivot.createdAt.replace(/Z$/, '');
      expect(await names(q({ from: withoutOffset, to: withoutOffset }))).toEqual(['100%.txt']);
      const spaced = withoutOffset.replace('T', ' ');
      expect(await names(q({ from: spaced, to: spaced }))).toEqual(['100%.txt']);
    } finally {
      if (zone === undefined) {
        delete process.env.TZ;
      } else {
        process.env.TZ = zone;
      }
    }
  });

  it('lists newest first and pages with limit/offset and a stable total', async () => {
    const { results, total } = await search(alice, 'q=.');
    expect(total).toBe(uploaded.length - 1);
    expect(results.map((r) => r.name)).toEqual(
      uploaded
        .filter((u) => u.name !== 'noext')
        .map((u) => u.name)
        .reverse(),
    );
    const seen: string[] = [];
    for (let offset = 0; offset < total + 3; offset += 3) {
      const page = await search(alice, `q=.&limit=3&offset=${offset}`);
      expect(page.total).toBe(total);
      expect(page.results.length).toBe(Math.max(0, Math.min(3, total - offset)));
      seen.push(...page.results.map((r) => r.id));
    }
    expect(seen).toEqual(results.map((r) => r.id));
    expect((await search(alice, 'q=.&offset=1000')).results).toEqual([]);
  });

  it('pages a search by name alone the same way, many times over, with each caller’s own values', async () => {
    // A search by name alone (three letters or digits in a row, no other filter) runs as one named
    // statement whose plan is kept after a few runs: every run must bind its own user, pattern and page.
    const all = await search(alice, 'q=txt');
    expect(all.results.map((r) => r.name).sort()).toEqual(['100%.txt', 'a_b.txt', 'ab.txt', 'back\\slash.txt', 'notes.txt']);
    for (let round = 0; round < 4; round++) {
      const seen: string[] = [];
      for (let offset = 0; offset < all.total + 2; offset += 2) {
        const page = await search(alice, `q=txt&limit=2&offset=${offset}`);
        expect(page.total).toBe(all.total);
        seen.push(...page.results.map((r) => r.id));
      }
      expect(seen).toEqual(all.results.map((r) => r.id));
      expect(await names('q=REPort')).toEqual(['Report-Final.PDF', 'report.pdf']);
      expect(await names('q=report', bob)).toEqual(['bob-report.pdf']);
      expect(await names('q=100%')).toEqual(['100%.txt']);
    }
    expect((await search(alice, 'q=txt&offset=50')).total).toBe(all.total);
  });

  // The embedded database's statement cache knows statements by their text; on PostgreSQL the
  // pool's prepared statements are not visible from another connection, so this runs on PGlite.
  it.runIf(!process.env.DATABASE_URL)('runs a search by a name without a trigram on a plan of its own, not the cached one', async () => {
    // How many times the cached name search has run (each run is one generic or custom plan).
    const cachedRuns = async (): Promise<number> => {
      const [row] = await queryRows<{ runs: number }>(
        t.database.db,
        sql`select coalesce(sum(generic_plans + custom_plans), 0)::int as runs from pg_prepared_statements where statement like '%with recursive matches as%'`,
      );
      return row!.runs;
    };
    expect(await names('q=report')).toEqual(['Report-Final.PDF', 'report.pdf']);
    const before = await cachedRuns();
    expect(before).toBeGreaterThan(0);
    for (let round = 0; round < 4; round++) {
      expect(await names('q=a')).toEqual(['a_b.txt', 'ab.txt', 'archive.tar.gz', 'back\\slash.txt', 'Report-Final.PDF'].sort());
      expect(await names('q=ab')).toEqual(['ab.txt']);
      expect(await names(q({ q: 'é' }))).toEqual([]);
    }
    expect(await cachedRuns()).toBe(before);
    // A search not asked before at this tree version (an answer kept from one would run nothing).
    await names('q=repo');
    expect(await cachedRuns()).toBe(before + 1);
  });

  it('answers a search asked again after changes in full, every field as the node itself reads', async () => {
    // A search run again gathers its matches the way its last count suggests (a few: whole rows at
    // once; SearchRepository), so a second run after a change must answer exactly as a first.
    const folder = await alice.mkdir('Quarry');
    for (const name of ['quartz-1.txt', 'quartz-2.txt', 'quartz-3.txt']) {
      await alice.upload(name, name, folder.id);
    }
    const withNodes = async (query: string) => {
      const found = await search(alice, query);
      const nodes = await Promise.all(found.results.map(async (result) => (await alice.get(`/api/nodes/${result.id}`)).json<Result>()));
      return { found, expected: nodes.map((node) => ({ ...node, path: `/Quarry/${node.name}` })) };
    };
    const first = await withNodes('q=quartz');
    expect(first.found.total).toBe(3);
    expect(first.found.results).toEqual(first.expected);
    const [newest, , oldest] = first.found.results;
    expect((await alice.patch(`/api/nodes/${oldest!.id}`, { favorite: true })).statusCode).toBe(200);
    expect((await alice.patch(`/api/nodes/${newest!.id}`, { name: 'quartz-3b.txt' })).statusCode).toBe(200);
    for (let round = 0; round < 3; round++) {
      const again = await withNodes('q=quartz');
      expect(again.found.total).toBe(3);
      expect(again.found.results).toEqual(again.expected);
      expect(again.found.results.map((result) => [result.name, result.favorite])).toEqual([
        ['quartz-3b.txt', false],
        ['quartz-2.txt', false],
        ['quartz-1.txt', true],
      ]);
      const paged = await search(alice, 'q=quartz&limit=2&offset=1');
      expect([paged.total, paged.results]).toEqual([3, again.expected.slice(1)]);
      await alice.upload(`pebble-${round}.txt`, 'p', folder.id);
    }
    expect((await alice.delete(`/api/nodes/${folder.id}`)).statusCode).toBe(200);
  });

  it('finds restored nodes again and forgets moved-away paths', async () => {
    const folder = await alice.mkdir('Temporary');
    const file = await alice.upload('ephemeral.bin', 'e', folder.id);
    expect((await search(alice, 'q=ephemeral')).results[0]!.path).toBe('/Temporary/ephemeral.bin');
    expect((await alice.delete(`/api/nodes/${folder.id}`)).statusCode).toBe(200);
    expect((await search(alice, 'q=ephemeral')).total).toBe(0);
    expect((await alice.post(`/api/trash/${folder.id}/restore`)).statusCode).toBe(200);
    expect((await alice.patch(`/api/nodes/${file.id}`, { parentId: docsId })).statusCode).toBe(200);
    expect((await search(alice, 'q=ephemeral')).results[0]!.path).toBe('/Docs/ephemeral.bin');
    expect((await alice.delete(`/api/nodes/${file.id}`)).statusCode).toBe(200);
    expect((await alice.delete(`/api/nodes/${folder.id}`)).statusCode).toBe(200);
  });

  it('keeps every path right through renames and moves of the folders above, after other changes and in new folders', async () => {
    const paths = async (query: string) =>
      Object.fromEntries((await search(alice, q({ q: query }))).results.map((result) => [result.name, result.path]));
    const top = await alice.mkdir('Pathway');
    const middle = await alice.mkdir('Middle', top.id);
    const bottom = await alice.mkdir('Bottom', middle.id);
    const deep = await alice.upload('waypoint-deep.txt', 'd', bottom.id);
    const shallow = await alice.upload('waypoint-top.txt', 't', top.id);
    expect(await paths('waypoint')).toEqual({ 'waypoint-deep.txt': '/Pathway/Middle/Bottom/waypoint-deep.txt', 'waypoint-top.txt': '/Pathway/waypoint-top.txt' });

    // Changes that move no folder: the paths stand.
    expect((await alice.patch(`/api/nodes/${shallow.id}`, { favorite: true })).statusCode).toBe(200);
    await alice.upload('waypoint-new.txt', 'n', middle.id);
    expect((await alice.patch(`/api/nodes/${shallow.id}`, { name: 'waypoint-renamed.txt' })).statusCode).toBe(200);
    expect(await paths('waypoint')).toEqual({
      'waypoint-deep.txt': '/Pathway/Middle/Bottom/waypoint-deep.txt',
      'waypoint-new.txt': '/Pathway/Middle/waypoint-new.txt',
      'waypoint-renamed.txt': '/Pathway/waypoint-renamed.txt',
    });

    // A folder in the middle renamed, then moved: every path beneath it follows.
    expect((await alice.patch(`/api/nodes/${middle.id}`, { name: 'Centre' })).statusCode).toBe(200);
    expect((await paths('waypoint'))['waypoint-deep.txt']).toBe('/Pathway/Centre/Bottom/waypoint-deep.txt');
    expect((await alice.patch(`/api/nodes/${bottom.id}`, { parentId: null })).statusCode).toBe(200);
    expect((await paths('waypoint'))['waypoint-deep.txt']).toBe('/Bottom/waypoint-deep.txt');
    expect((await alice.patch(`/api/nodes/${top.id}`, { parentId: bottom.id })).statusCode).toBe(200);
    expect(await paths('waypoint')).toEqual({
      'waypoint-deep.txt': '/Bottom/waypoint-deep.txt',
      'waypoint-new.txt': '/Bottom/Pathway/Centre/waypoint-new.txt',
      'waypoint-renamed.txt': '/Bottom/Pathway/waypoint-renamed.txt',
    });

    // A file moved into a folder no search has seen yet (no folder moved, so no path changed).
    const fresh = await alice.mkdir('Unseen', top.id);
    expect((await alice.patch(`/api/nodes/${deep.id}`, { parentId: fresh.id })).statusCode).toBe(200);
    expect((await paths('waypoint'))['waypoint-deep.txt']).toBe('/Bottom/Pathway/Unseen/waypoint-deep.txt');

    // A folder trashed, its parent renamed meanwhile, then restored to it.
    expect((await alice.delete(`/api/nodes/${fresh.id}`)).statusCode).toBe(200);
    expect((await alice.patch(`/api/nodes/${top.id}`, { name: 'Pathway 2' })).statusCode).toBe(200);
    expect((await alice.post(`/api/trash/${fresh.id}/restore`)).statusCode).toBe(200);
    expect((await paths('waypoint'))['waypoint-deep.txt']).toBe('/Bottom/Pathway 2/Unseen/waypoint-deep.txt');

    expect((await alice.delete(`/api/nodes/${bottom.id}`)).statusCode).toBe(200);
    expect(await paths('waypoint')).toEqual({});
  });

  it("takes the contract's template with every parameter left blank as the defaults", async () => {
    const blank = await alice.get('/api/search?q=&types=&sizeMin=&sizeMax=&from=&to=&limit=&offset=');
    expect(blank.statusCode, blank.body).toBe(200);
    const all = await alice.get('/api/search');
    expect(blank.json()).toEqual(all.json());
    expect(blank.json().results.length).toBeGreaterThan(1);
    const someBlank = await alice.get('/api/search?q=report&types=&sizeMin=&sizeMax=&from=&to=&limit=50&offset=0');
    expect(someBlank.json()).toEqual((await alice.get('/api/search?q=report')).json());
  });

  it('refuses bad parameters with 400 invalid_request naming the field', async () => {
    const bad: Array<[string, string]> = [
      ['sizeMin=10&sizeMax=5', 'sizeMin'],
      ['sizeMin=-1', 'sizeMin'],
      ['sizeMin=abc', 'sizeMin'],
      ['sizeMax=1.5', 'sizeMax'],
      ['from=yesterday', 'from'],
      ['from=2024-13-01', 'from'],
      ['from=2024-02-30', 'from'],
      ['to=2024-1-1', 'to'],
      ['to=not-a-date', 'to'],
      ['from=2024-05-02&to=2024-05-01', 'from'],
      ['limit=0', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['offset=-1', 'offset'],
      [q({ types: 'p/f' }), 'types'],
      [q({ types: '*' }), 'types'],
      [q({ types: 'pdf,../etc' }), 'types'],
      [q({ types: "pdf' or '1'='1" }), 'types'],
      [q({ types: 'a'.repeat(40) }), 'types'],
      [q({ q: 'x'.repeat(256) }), 'q'],
    ];
    for (const [query, field] of bad) {
      const res = await alice.get(`/api/search?${query}`);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message, query).toContain(field);
    }
  });
});

describe('search profiles', () => {
  const PROFILE_KEYS = ['createdAt', 'dateFrom', 'dateTo', 'fileTypes', 'id', 'name', 'query', 'sizeMax', 'sizeMin', 'updatedAt'];

  it('creates, lists, gets, changes and deletes a profile', async () => {
    const user = await t.newUser();
    const created = await user.post('/api/search-profiles', {
      name: 'Big PDFs',
      query: 'report',
      fileTypes: ['.PDF', 'docx'],
      sizeMin: 10,
      sizeMax: 1000,
      dateFrom: '2024-01-01',
      dateTo: '2024-12-31',
    });
    expect(created.statusCode, created.body).toBe(201);
    const profile = created.json();
    expect(Object.keys(profile).sort()).toEqual(PROFILE_KEYS);
    expect(profile).toMatchObject({ name: 'Big PDFs', query: 'report', fileTypes: ['pdf', 'docx'], sizeMin: 10, sizeMax: 1000 });
    expect(profile.dateFrom).toBe('2024-01-01T00:00:00.000Z');
    expect(profile.dateTo).toBe('2024-12-31T23:59:59.999Z');

    // A profile's query is kept as its search reads it: without the spaces around it.
    const spaced = await user.post('/api/search-profiles', { name: 'Spaced', query: ' report  ' });
    expect(spaced.json().query).toBe('report');
    expect((await user.delete(`/api/search-profiles/${spaced.json().id}`)).statusCode).toBe(204);
    const minimal = await user.post('/api/search-profiles', { name: 'Everything' });
    expect(minimal.statusCode, minimal.body).toBe(201);
    expect(minimal.json()).toMatchObject({ name: 'Everything', query: '', fileTypes: [], sizeMin: null, sizeMax: null, dateFrom: null, dateTo: null });

    const list = await user.get('/api/search-profiles');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((p: { name: string }) => p.name)).toEqual(['Big PDFs', 'Everything']);

    const got = await user.get(`/api/search-profiles/${profile.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(profile);

    const patched = await user.patch(`/api/search-profiles/${profile.id}`, { name: 'Reports', dateTo: null, sizeMin: null });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ id: profile.id, name: 'Reports', query: 'report', fileTypes: ['pdf', 'docx'], sizeMin: null, sizeMax: 1000, dateTo: null });
    expect((await user.get(`/api/search-profiles/${profile.id}`)).json().name).toBe('Reports');

    const deleted = await user.delete(`/api/search-profiles/${profile.id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await user.get(`/api/search-profiles/${profile.id}`)).statusCode).toBe(404);
    expect((await user.delete(`/api/search-profiles/${profile.id}`)).statusCode).toBe(404);
    expect((await user.get('/api/search-profiles')).json().items.map((p: { name: string }) => p.name)).toEqual(['Everything']);
  });

  it('gives the same results as the search the profile stands for', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ query: 'REPORT' }, 'q=REPORT'],
      [{ query: '', fileTypes: ['TXT', '.gz'] }, 'types=txt,gz'],
      [{ query: '_' }, 'q=_'],
      [{ query: '', sizeMin: 100, sizeMax: 300 }, 'sizeMin=100&sizeMax=300'],
      [{ query: '', dateTo: '2000-01-01' }, 'to=2000-01-01'],
      [{ query: '', dateFrom: '2000-01-01' }, 'from=2000-01-01'],
      // Years below 100 stay what they are (a date parser would read 0049 as 2049).
      [{ query: '', dateTo: '0049-06-15' }, 'to=0049-06-15'],
      [{ query: '', dateFrom: '0001-01-01' }, 'from=0001-01-01'],
      [{ query: '', fileTypes: ['pdf'], dateFrom: uploaded[0]!.createdAt }, q({ types: 'pdf', from: uploaded[0]!.createdAt })],
    ];
    for (const [index, [body, query]] of cases.entries()) {
      const created = await alice.post('/api/search-profiles', { name: `case ${index}`, ...body });
      expect(created.statusCode, created.body).toBe(201);
      for (const field of ['dateFrom', 'dateTo'] as const) {
        const sent = body[field] as string | undefined;
        // The day sent is the day kept (a date alone bounds its whole day).
        expect((await alice.get(`/api/search-profiles/${created.json().id}`)).json()[field]?.slice(0, 10) ?? null).toBe(sent?.slice(0, 10) ?? null);
      }
      const results = await alice.get(`/api/search-profiles/${created.json().id}/results`);
      expect(results.statusCode, results.body).toBe(200);
      expect(results.json(), query).toEqual(await search(alice, query));
      const page = await alice.get(`/api/search-profiles/${created.json().id}/results?limit=1&offset=1`);
      expect(page.json(), query).toEqual(await search(alice, `${query}&limit=1&offset=1`));
    }
    const first = (await alice.get('/api/search-profiles')).json().items[0];
    expect((await alice.get(`/api/search-profiles/${first.id}/results?limit=0`)).statusCode).toBe(400);
  });

  it('refuses a duplicate name with 409 (per user)', async () => {
    const user = await t.newUser();
    const other = await t.newUser();
    expect((await user.post('/api/search-profiles', { name: 'Mine' })).statusCode).toBe(201);
    const dup = await user.post('/api/search-profiles', { name: 'Mine', query: 'x' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('name_taken');
    // Trimmed names clash too.
    expect((await user.post('/api/search-profiles', { name: '  Mine ' })).statusCode).toBe(409);
    // Another user may use the same name.
    expect((await other.post('/api/search-profiles', { name: 'Mine' })).statusCode).toBe(201);
    const second = await user.post('/api/search-profiles', { name: 'Second' });
    const renamed = await user.patch(`/api/search-profiles/${second.json().id}`, { name: 'Mine' });
    expect(renamed.statusCode).toBe(409);
    expect(renamed.json().error.code).toBe('name_taken');
    // Renaming to its own name is fine.
    expect((await user.patch(`/api/search-profiles/${second.json().id}`, { name: 'Second' })).statusCode).toBe(200);
  });

  it('validates bodies with 400 invalid_request naming the field', async () => {
    const user = await t.newUser();
    const bad: Array<[unknown, string]> = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'p', query: 5 }, 'query'],
      [{ name: 'p', query: 'x'.repeat(256) }, 'query'],
      [{ name: 'p', query: 'a\u0000' }, 'query'],
      [{ name: 'p\u0000' }, 'name'],
      [{ name: 'p', fileTypes: 'pdf' }, 'fileTypes'],
      [{ name: 'p', fileTypes: ['p/f'] }, 'fileTypes'],
      [{ name: 'p', fileTypes: ['*'] }, 'fileTypes'],
      [{ name: 'p', sizeMin: -1 }, 'sizeMin'],
      [{ name: 'p', sizeMin: 1.5 }, 'sizeMin'],
      [{ name: 'p', sizeMin: '10' }, 'sizeMin'],
      [{ name: 'p', sizeMin: 10, sizeMax: 5 }, 'sizeMin'],
      [{ name: 'p', dateFrom: 'yesterday' }, 'dateFrom'],
      [{ name: 'p', dateFrom: '2024-02-30' }, 'dateFrom'],
      [{ name: 'p', dateTo: '2024-13-01' }, 'dateTo'],
      [{ name: 'p', dateFrom: '2024-05-02', dateTo: '2024-05-01' }, 'dateFrom: must not be after dateTo'],
    ];
    for (const [body, field] of bad) {
      const res = await user.post('/api/search-profiles', body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toContain(field);
    }
    const notJson = await user.post('/api/search-profiles', '{name:', { 'content-type': 'application/json' });
    expect(notJson.statusCode).toBe(400);
    expect((await user.get('/api/search-profiles')).json().items).toEqual([]);

    const created = (await user.post('/api/search-profiles', { name: 'ok', sizeMax: 100 })).json();
    const crossing = await user.patch(`/api/search-profiles/${created.id}`, { sizeMin: 200 });
    expect(crossing.statusCode).toBe(400);
    expect(crossing.json().error.message).toContain('sizeMin');
    expect((await user.patch(`/api/search-profiles/${created.id}`, { name: '' })).statusCode).toBe(400);
    expect((await user.patch(`/api/search-profiles/${created.id}`, { fileTypes: ['a b'] })).statusCode).toBe(400);
    expect((await user.get(`/api/search-profiles/${created.id}`)).json()).toMatchObject({ name: 'ok', sizeMin: null, sizeMax: 100, fileTypes: [] });
  });

  it('hides other users’ profiles: 404 on every route', async () => {
    const owner = await t.newUser();
    const intruder = await t.newUser();
    const profile = (await owner.post('/api/search-profiles', { name: 'Private', query: 'secret' })).json();
    const attempts = [
      () => intruder.get(`/api/search-profiles/${profile.id}`),
      () => intruder.patch(`/api/search-profiles/${profile.id}`, { name: 'Hijacked' }),
      () => intruder.delete(`/api/search-profiles/${profile.id}`),
      () => intruder.get(`/api/search-profiles/${profile.id}/results`),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect((await intruder.get('/api/search-profiles')).json().items).toEqual([]);
    for (const id of ['00000000-0000-0000-0000-000000000000', 'nope', "1' or '1'='1"]) {
      expect((await owner.get(`/api/search-profiles/${encodeURIComponent(id)}`)).statusCode).toBe(404);
      expect((await owner.get(`/api/search-profiles/${encodeURIComponent(id)}/results`)).statusCode).toBe(404);
    }
    expect((await owner.get(`/api/search-profiles/${profile.id}`)).json()).toEqual(profile);
    for (const anon of [
      t.anonymous.get('/api/search-profiles'),
      t.anonymous.post('/api/search-profiles', { name: 'x' }),
      t.anonymous.get(`/api/search-profiles/${profile.id}/results`),
    ]) {
      expect((await anon).statusCode).toBe(401);
    }
  });
});
