import { createHash } from 'node:crypto';
import { hashPassword } from '../../src/server/security/secrets.js';
import type { SeedHandle } from './db.js';
import { log } from './report.js';

/**
 * Bulk seeding straight into the database with INSERT ... SELECT over generate_series: the same SQL
 * on PGlite and PostgreSQL. Ids are derived from md5 of a readable key, so benchmarks can compute
 * them without asking the database. users.storage_used and blobs.ref_count are kept exact.
 */

/** A PostgreSQL md5(text)::uuid, computed in JavaScript. */
export function md5Uuid(key: string): string {
  const hex = createHash('md5').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const userId = (u: number) => md5Uuid(`bench-user-${u}`);
export const folderId = (u: number, k: number) => md5Uuid(`d:${u}:${k}`);
/** The bearer token of bench user u (a personal access token row is seeded for it). */
export const tokenOf = (u: number) => `ffp_bench_user_${u}`;
export const authHeader = (u: number) => ({ authorization: `Bearer ${tokenOf(u)}` });

// Words for names; earlier ones are drawn far more often (skewed), so some queries hit thousands of
// rows per user and others a handful.
// prettier-ignore
const WORDS = [
  'invoice', 'report', 'photo', 'IMG', 'scan', 'notes', 'budget', 'draft', 'final', 'meeting', 'project', 'contract', 'summary',
  'backup', 'export', 'screenshot', 'presentation', 'letter', 'receipt', 'statement', 'plan', 'design', 'review', 'minutes',
  'holiday', 'family', 'travel', 'camera', 'video', 'music', 'recording', 'podcast', 'thesis', 'chapter', 'paper', 'slides',
  'agenda', 'proposal', 'quote', 'order', 'shipping', 'tax', 'salary', 'payslip', 'insurance', 'policy', 'claim', 'medical',
  'school', 'homework', 'course', 'lecture', 'exam', 'resume', 'cover', 'portfolio', 'logo', 'banner', 'mockup', 'wireframe',
  'sketch', 'model', 'render', 'texture', 'sample', 'dataset', 'results', 'analysis', 'figure', 'chart', 'table', 'log',
  'config', 'settings', 'install', 'setup', 'manual', 'guide', 'readme', 'changelog', 'release', 'build', 'archive', 'old',
  'new', 'copy', 'version', 'wedding', 'birthday', 'party', 'garden', 'house', 'kitchen', 'renovation', 'car', 'bike',
  'hiking', 'beach', 'mountain', 'winter', 'summer', 'spring', 'autumn', 'january', 'february', 'march', 'april', 'may',
  'june', 'july', 'august', 'september', 'october', 'november', 'december', 'berlin', 'paris', 'london', 'tokyo', 'lisbon',
  'client', 'vendor', 'partner', 'team', 'quarterly', 'annual', 'monthly', 'weekly', 'daily', 'roadmap', 'strategy',
  'marketing', 'sales', 'finance', 'legal', 'hr', 'onboarding', 'training', 'workshop', 'conference', 'keynote', 'demo',
  'prototype', 'sprint', 'retro', 'quokka', 'xylophone', 'zeppelin',
];
const EXTENSIONS: Array<[string, string]> = [
  ['pdf', 'application/pdf'],
  ['jpg', 'image/jpeg'],
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['png', 'image/png'],
  ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['txt', 'text/plain'],
  ['mp4', 'video/mp4'],
  ['md', 'text/markdown'],
  ['zip', 'application/zip'],
  ['csv', 'text/csv'],
  ['pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  ['mp3', 'audio/mpeg'],
  ['heic', 'image/heic'],
  ['json', 'application/json'],
  ['log', 'text/plain'],
];
const FOLDER_WORDS = [
  'Projects',
  'Photos',
  'Documents',
  'Archive',
  'Work',
  'Personal',
  'Music',
  'Videos',
  'Taxes',
  'Clients',
  'Scans',
  'Backups',
  'Shared',
  'School',
  'Travel',
];

const sqlArray = (values: readonly string[]) => `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`;

/** Queries of 3–8 characters, from very common to absent, for the search benchmark. */
export const SEARCH_QUERIES: Array<{ q: string; kind: string }> = [
  { q: 'inv', kind: 'common prefix (3)' },
  { q: 'report', kind: 'common word (6)' },
  { q: 'img', kind: 'common, other case (3)' },
  { q: '2021', kind: 'common number (4)' },
  { q: '.pdf', kind: 'common extension (4)' },
  { q: 'meeting', kind: 'mid word (7)' },
  { q: 'tokyo', kind: 'mid word (5)' },
  { q: '04217', kind: 'number, few hits (5)' },
  { q: 'quokka', kind: 'rare word (6)' },
  { q: 'xylo', kind: 'rare prefix (4)' },
  { q: 'zeppelin', kind: 'rare word (8)' },
  { q: 'qqzx', kind: 'no match (4)' },
];

/** A real argon2id hash (of "bench-password"), so the seeded accounts can also log in. */
let passwordHash: Promise<string> | undefined;

/** Users 1..n with a personal access token each (`tokenOf(u)`), a 1 TiB quota and nothing stored. */
export async function seedUsers(h: SeedHandle, n: number, first = 1): Promise<void> {
  passwordHash ??= hashPassword('bench-password');
  const hash = (await passwordHash).replace(/'/g, "''");
  await h.exec(`
    insert into users (id, username, email, password_hash, storage_quota)
    select md5('bench-user-' || u)::uuid, 'bench' || lpad(u::text, 4, '0'), 'bench' || u || '@bench.invalid', '${hash}', 1099511627776
    from generate_series(${first}, ${first + n - 1}) u`);
  await h.exec(`
    insert into api_tokens (user_id, name, token_hash)
    select md5('bench-user-' || u)::uuid, 'bench', encode(sha256(convert_to('ffp_bench_user_' || u, 'UTF8')), 'hex')
    from generate_series(${first}, ${first + n - 1}) u`);
}

/**
 * The standard tree of users first..first+n-1: 100 folders and `filesPerUser` files each.
 * Folders 0..14 form a chain (folder k inside folder k-1; folder 14 is 15 deep), folders 15..99 sit
 * at the root; file j goes into folder j % 100, so with 10,000 files every folder holds 100 files.
 * Names are words, numbers and extensions ("Budget review 2021 04217.xlsx"); sizes are skewed
 * small; every file has its own content (its own blob row).
 */
export async function seedStandardTree(
  h: SeedHandle,
  options: { first: number; n: number; filesPerUser: number; batchUsers?: number },
): Promise<void> {
  const { first, n, filesPerUser } = options;
  const batch = options.batchUsers ?? Math.max(1, Math.floor(100_000 / filesPerUser));
  const words = sqlArray(WORDS);
  const exts = sqlArray(EXTENSIONS.map(([ext]) => ext));
  const mimes = sqlArray(EXTENSIONS.map(([, mime]) => mime));
  const folderWords = sqlArray(FOLDER_WORDS);
  await h.exec('select setseed(0.42)');
  for (let from = first; from < first + n; from += batch) {
    const to = Math.min(first + n - 1, from + batch - 1);
    const started = Date.now();
    await h.exec(`
      insert into file_nodes (id, user_id, parent_id, name, type, etag, created_at, modified_at, updated_at)
      select md5('d:' || u || ':' || k)::uuid, md5('bench-user-' || u)::uuid,
             case when k = 0 or k >= 15 then null else md5('d:' || u || ':' || (k - 1))::uuid end,
             (${folderWords})[1 + (k % ${FOLDER_WORDS.length})] || ' ' || (2010 + k % 15) || ' ' || k,
             'folder', substr(md5('e:' || u || ':' || k), 1, 12), t, t, t
      from generate_series(${from}, ${to}) u, generate_series(0, 99) k,
           lateral (select now() - random() * interval '1000 days' as t) times`);
    await h.exec(`
      insert into file_nodes (id, user_id, parent_id, name, type, size, mime_type, sha256, etag, created_at, modified_at, updated_at)
      select md5('f:' || u || ':' || j)::uuid, md5('bench-user-' || u)::uuid, md5('d:' || u || ':' || (j % 100))::uuid,
             case when j % 3 = 0 then initcap(w1) else w1 end || sep || w2 || sep || (2015 + (j / 7) % 10) || sep
               || lpad(j::text, 5, '0') || '.' || (${exts})[e],
             'file', size, (${mimes})[e], encode(sha256(convert_to('c:' || u || ':' || j, 'UTF8')), 'hex'),
             substr(md5('e:' || u || ':' || j), 1, 12), t, t, t
      from (
        select u, j,
               (${words})[1 + floor(pow(random(), 2.2) * ${WORDS.length})::int] as w1,
               (${words})[1 + floor(random() * ${WORDS.length - 3})::int] as w2,
               (array[' ', '_', '-'])[1 + floor(random() * 3)::int] as sep,
               1 + floor(pow(random(), 1.6) * ${EXTENSIONS.length})::int as e,
               (1000 + floor(pow(random(), 6) * 20000000))::bigint as size,
               now() - random() * interval '1000 days' as t
        from generate_series(${from}, ${to}) u, generate_series(0, ${filesPerUser - 1}) j
      ) g`);
    await finishFiles(h, `user_id in (select md5('bench-user-' || u)::uuid from generate_series(${from}, ${to}) u)`);
    log(
      `  seeded users ${from}..${to} (${(to - from + 1) * (filesPerUser + 100)} nodes) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

/**
 * Blob rows (ref_count = number of referencing nodes) and users.storage_used for the files matching
 * `where` that were just inserted with content no blob row has yet.
 */
export async function finishFiles(h: SeedHandle, where: string): Promise<void> {
  await h.exec(`
    insert into blobs (sha256, size, storage_key, ref_count)
    select sha256, min(size), 'blobs/' || substr(sha256, 1, 2) || '/' || substr(sha256, 3, 2) || '/' || sha256, count(*)
    from file_nodes where type = 'file' and ${where}
    group by sha256
    on conflict (sha256) do update set ref_count = blobs.ref_count + excluded.ref_count`);
  await h.exec(`
    update users set storage_used = s.total
    from (select user_id, sum(size) as total from file_nodes where type = 'file' group by user_id) s
    where users.id = s.user_id`);
}

/** A folder `name` at user u's root holding `count` files (id: md5Uuid(`big:<u>:<name>`)). */
export async function seedBigFolder(h: SeedHandle, u: number, name: string, count: number): Promise<string> {
  const id = md5Uuid(`big:${u}:${name}`);
  const exts = sqlArray(EXTENSIONS.map(([ext]) => ext));
  const mimes = sqlArray(EXTENSIONS.map(([, mime]) => mime));
  const words = sqlArray(WORDS);
  await h.exec(`
    insert into file_nodes (id, user_id, parent_id, name, type, etag)
    values ('${id}', md5('bench-user-${u}')::uuid, null, '${name}', 'folder', 'big')`);
  await h.exec(`
    insert into file_nodes (id, user_id, parent_id, name, type, size, mime_type, sha256, etag, created_at, modified_at, updated_at)
    select md5('big:${u}:${name}:' || j)::uuid, md5('bench-user-${u}')::uuid, '${id}',
           w || ' ' || lpad(j::text, 6, '0') || '.' || (${exts})[e], 'file', 1000 + j % 5000, (${mimes})[e],
           encode(sha256(convert_to('big:${u}:${name}:' || j, 'UTF8')), 'hex'), substr(md5('big' || j), 1, 12), t, t, t
    from (select j, (${words})[1 + (j * 7919) % ${WORDS.length}] as w, 1 + (j * 31) % ${EXTENSIONS.length} as e,
                 now() - (j % 1000) * interval '1 hour' as t
          from generate_series(1, ${count}) j) g`);
  await finishFiles(h, `parent_id = '${id}'`);
  return id;
}

/** The top folder of a subtree to purge, at user u's root (id: md5Uuid(`purge:<u>:<name>`)), and the key its nodes' ids derive from. */
async function seedPurgeTop(h: SeedHandle, u: number, name: string): Promise<{ top: string; key: string }> {
  const key = `purge:${u}:${name}`;
  const top = md5Uuid(key);
  await h.exec(`
    insert into file_nodes (id, user_id, parent_id, name, type, etag)
    values ('${top}', md5('bench-user-${u}')::uuid, null, '${name}', 'folder', 'p')`);
  return { top, key };
}

/**
 * A subtree of about `nodes` nodes at user u's root, for purging: top -> 10 folders -> 10 folders
 * each -> files spread evenly over those 100 leaf folders; every file has its own content.
 * Returns the top's id.
 */
export async function seedPurgeTree(h: SeedHandle, u: number, name: string, nodes: number): Promise<string> {
  const { top, key } = await seedPurgeTop(h, u, name);
  const files = nodes - 111;
  await h.exec(`
    insert into file_nodes (id, user_id, parent_id, name, type, etag)
    select md5('${key}:m:' || m)::uuid, md5('bench-user-${u}')::uuid, '${top}', 'Part ' || m, 'folder', 'p'
    from generate_series(0, 9) m`);
  await h.exec(`
    insert into file_nodes (id, user_id, parent_id, name, type, etag)
    select md5('${key}:l:' || l)::uuid, md5('bench-user-${u}')::uuid, md5('${key}:m:' || (l / 10))::uuid, 'Section ' || l, 'folder', 'p'
    from generate_series(0, 99) l`);
  const chunk = 200_000;
  for (let from = 0; from < files; from += chunk) {
    const to = Math.min(files - 1, from + chunk - 1);
    await h.exec(`
      insert into file_nodes (id, user_id, parent_id, name, type, size, mime_type, sha256, etag)
      select md5('${key}:f:' || j)::uuid, md5('bench-user-${u}')::uuid, md5('${key}:l:' || (j % 100))::uuid,
             'file ' || lpad(j::text, 7, '0') || '.bin', 'file', 1000 + j % 9000, 'application/octet-stream',
             encode(sha256(convert_to('${key}:c:' || j, 'UTF8')), 'hex'), 'p'
      from generate_series(${from}, ${to}) j`);
    log(`  purge tree: ${to + 1} / ${files} files`);
  }
  await finishFiles(h, `id in (select md5('${key}:f:' || j)::uuid from generate_series(0, ${files - 1}) j)`);
  return top;
}

/**
 * A chain of `depth` folders at user u's root, each the only child of the one above (id of the top:
 * md5Uuid(`purge:<u>:<name>`)): the shape whose deletion for good a leaf-by-leaf purge made quadratic.
 */
export async function seedPurgeChain(h: SeedHandle, u: number, name: string, depth: number): Promise<string> {
  const { top, key } = await seedPurgeTop(h, u, name);
  await h.exec(`
    insert into file_nodes (id, user_id, parent_id, name, type, etag)
    select md5('${key}:c:' || i)::uuid, md5('bench-user-${u}')::uuid,
           case when i = 1 then '${top}'::uuid else md5('${key}:c:' || (i - 1))::uuid end, 'Level ' || i, 'folder', 'p'
    from generate_series(1, ${depth - 1}) i`);
  return top;
}
