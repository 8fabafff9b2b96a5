import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { sql } from 'drizzle-orm';
import { contentKey } from '../../src/server/blobs/blob-store.js';
import { queryRows } from '../../src/server/db/client.js';
import { TrashService } from '../../src/server/services/trash.service.js';
import { POSTGRES_URL } from '../helpers/database.js';
import { checkInvariants } from '../helpers/invariants.js';

let first: TestApp;
let alice: ApiClient;
let aliceToken: string;
/** An account to delete, whose content partly equals another account's (dave's). */
let carol: ApiClient;
let carolToken: string;
let carolLink: string;
let dave: ApiClient;
let daveCopyId: string;
let carolOnly: string;
const SHARED = 'content that two accounts hold';

beforeAll(async () => {
  first = await createTestApp({ persistent: true });
  alice = await first.newUser();
  await alice.upload('notes.txt', 'x'.repeat(1500));
  const created = await alice.post('/api/tokens', { name: 'backup script' });
  expect(created.statusCode).toBe(201);
  aliceToken = created.json().token;

  carol = await first.newUser();
  dave = await first.newUser();
  daveCopyId = (await dave.upload('same.txt', SHARED)).id;
  await carol.upload('same.txt', SHARED);
  const folder = await carol.mkdir('Projects');
  const inner = await carol.mkdir('2026', folder.id);
  carolOnly = (await carol.upload('plan.txt', 'only carol has this', inner.id)).sha256;
  const trashed = await carol.upload('old.txt', 'carol threw this away');
  expect((await carol.delete(`/api/nodes/${trashed.id}`)).statusCode).toBe(200);
  const link = await carol.post('/api/shares', { nodeId: folder.id });
  expect(link.statusCode).toBe(201);
  carolLink = link.json().token;
  carolToken = (await carol.post('/api/tokens', { name: 'sync' })).json().token;
  expect((await carol.post('/api/search-profiles', { name: 'plans', query: 'plan', fileTypes: [] })).statusCode).toBe(201);
});
afterAll(async () => {
  await first.close();
});

/** Runs the CLI on the first app's data directory and database; `stdin` is what standard input holds. */
async function cli(args: string[], stdin = ''): Promise<{ code: number; output: string; errors: string }> {
  const lines: string[] = [];
  const env: Record<string, string> = { FILEFLOW_DATA_DIR: first.dataDir, LOG_LEVEL: 'silent' };
  if (first.database.url) {
    env.DATABASE_URL = first.database.url;
  }
  const errors: string[] = [];
  const code = await runCli(args, env, (line) => lines.push(line), {
    input: async () => stdin,
    err: (line) => {
      lines.push(line);
      errors.push(line);
    },
  });
  return { code, output: lines.join('\n'), errors: errors.join('\n') };
}

/** The app again on the first one's data, as after a restart; closed by the caller. */
const restarted = () => createTestApp({ dataDir: first.dataDir, databaseUrl: first.database.url });

async function signIn(t: TestApp, password: string): Promise<number> {
  const client = t.anonymous;
  return (await client.post('/api/auth/login', { email: alice.user.email, password })).statusCode;
}

describe.runIf(!POSTGRES_URL)('fileflow users, on the embedded database', () => {
  it('refuses to open the database while the server has it, saying why', async () => {
    const { code, output } = await cli(['users', 'list']);
    expect(code).toBe(1);
    expect(output).toMatch(/^FILEFLOW_DATA_DIR: the database in .* is in use/);
  });
});

describe('fileflow users', () => {
  beforeAll(async () => {
    // The embedded database is opened by one process at a time: the server stops first.
    if (!POSTGRES_URL) {
      await first.stop();
    }
  });

  it('lists every account with its storage used and quota', async () => {
    const { code, output } = await cli(['users', 'list']);
    expect(code).toBe(0);
    const [header, ...rows] = output.split('\n');
    expect(header).toMatch(/^USERNAME\s+EMAIL\s+STORAGE\s+CREATED$/);
    const row = rows.find((line) => line.startsWith(`${alice.user.username} `));
    expect(row).toContain(alice.user.email);
    expect(row).toContain('1.5 KiB of 10 GiB');
  });

  it('creates an account with a generated password, and refuses a taken email or a bad address', async () => {
    const { code, output } = await cli(['users', 'create', 'erin', 'Erin@Example.test']);
    expect(code).toBe(0);
    expect(output).toMatch(/^erin <erin@example\.test>: account created, with a quota of 10 GiB\.\nPassword \(shown once\): (\S{20})$/);
    const password = /Password \(shown once\): (\S+)/.exec(output)?.[1] ?? '';

    const taken = await cli(['users', 'create', 'erin2', 'erin@example.test']);
    expect(taken.code).toBe(1);
    expect(taken.output).toBe('An account with this email already exists.');
    const bad = await cli(['users', 'create', 'erin3', 'not-an-address']);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/^create: email: must be an email address/);
    const chosen = await cli(['users', 'create', 'frank', 'frank@example.test', '--password-stdin'], 'frank has a password\n');
    expect(chosen.code).toBe(0);
    expect(chosen.output).not.toMatch(/Password/);

    // Accounts are made this way where sign-up is closed, and sign in as any other.
    const t = await createTestApp({ dataDir: first.dataDir, databaseUrl: first.database.url, env: { FILEFLOW_REGISTRATION: 'closed' } });
    try {
      expect((await t.anonymous.post('/api/auth/login', { email: 'erin@example.test', password })).statusCode).toBe(200);
      expect((await t.anonymous.post('/api/auth/login', { email: 'frank@example.test', password: 'frank has a password' })).statusCode).toBe(200);
    } finally {
      await t.stop();
    }
  });

  it('sets a quota, named by email in any case, which the server then enforces', async () => {
    const { code, output } = await cli(['users', 'set-quota', alice.user.email.toUpperCase(), '2KiB']);
    expect(code).toBe(0);
    expect(output).toContain(`${alice.user.username}: quota set to 2 KiB (2048 bytes); using 1.5 KiB.`);

    const t = await restarted();
    try {
      const again = t.anonymous;
      again.cookie = alice.cookie;
      expect((await again.get('/api/me')).json()).toMatchObject({ storageUsed: 1500, storageQuota: 2048 });
      expect((await again.putFile('more.txt', 'y'.repeat(600))).statusCode).toBe(507);
      expect((await again.putFile('fits.txt', 'y'.repeat(500))).statusCode).toBe(201);
    } finally {
      await t.stop();
    }

    const below = await cli(['users', 'set-quota', alice.user.username, '1000']);
    expect(below.code).toBe(0);
    expect(below.output).toMatch(/uses more than its new quota: its files stay/);
  });

  it('resets a password to a generated one, signing out every session and keeping tokens', async () => {
    const { code, output } = await cli(['users', 'reset-password', alice.user.username]);
    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(`^${alice.user.username}: password reset; 1 signed-in session signed out\\.`));
    expect(output).toMatch(/\n1 personal access token still valid: --revoke-tokens revokes them/);
    const password = /New password \(shown once\): (\S+)/.exec(output)?.[1] ?? '';
    expect(password).toHaveLength(20);

    const t = await restarted();
    try {
      const oldSession = t.anonymous;
      oldSession.cookie = alice.cookie;
      expect((await oldSession.get('/api/me')).statusCode).toBe(401);
      expect(await signIn(t, alice.password)).toBe(401);
      expect(await signIn(t, password)).toBe(200);
      expect((await t.anonymous.withToken(aliceToken).get('/api/me')).statusCode).toBe(200);
    } finally {
      await t.stop();
    }
  });

  it('takes a password from the first line of standard input, and refuses one too short', async () => {
    const chosen = await cli(['users', 'reset-password', alice.user.email, '--password-stdin'], 'a long chosen password\nignored\n');
    expect(chosen.code).toBe(0);
    expect(chosen.output).not.toMatch(/New password/);

    const short = await cli(['users', 'reset-password', alice.user.email, '--password-stdin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.output).toBe('password: must be 8 to 1024 characters');

    const t = await restarted();
    try {
      expect(await signIn(t, 'a long chosen password')).toBe(200);
    } finally {
      await t.stop();
    }
  });

  it('revokes the personal access tokens too with --revoke-tokens', async () => {
    const { code, output } = await cli(['users', 'reset-password', alice.user.username, '--revoke-tokens', '--password-stdin'], 'a long chosen password\n');
    expect(code).toBe(0);
    expect(output).toMatch(/\n1 personal access token revoked\.$/);
    const t = await restarted();
    try {
      expect((await t.anonymous.withToken(aliceToken).get('/api/me')).statusCode).toBe(401);
    } finally {
      await t.stop();
    }
  });

  it('says so for an unknown account, a bad size or a wrong command, changing nothing', async () => {
    const unknown = await cli(['users', 'set-quota', 'nobody-here', '1GiB']);
    expect(unknown.code).toBe(1);
    // On standard error: `PASSWORD=$(fileflow ...)` captures no error text.
    expect(unknown.errors).toBe('An account named "nobody-here" was not found.');

    const badSize = await cli(['users', 'set-quota', alice.user.username, 'lots']);
    expect(badSize.code).toBe(2);
    expect(badSize.errors).toMatch(/^set-quota: expected a positive size such as 10GiB or 1048576, got "lots"/);

    const wrong = await cli(['users', 'rename', alice.user.username, 'alicia']);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toMatch(/^users rename: unknown command or wrong arguments\nUsage: fileflow/);

    const misplaced = await cli(['users', 'set-quota', alice.user.username, '1GiB', '--yes']);
    expect(misplaced.code).toBe(2);
    expect(misplaced.errors).toBe('users set-quota: --yes is not an option of this command');

    const list = await cli(['users', 'list']);
    expect(list.output).toContain('of 1000 B');
    // Back within its quota, where the invariants (test/helpers/invariants.ts) expect every account.
    expect((await cli(['users', 'set-quota', alice.user.username, '10GiB'])).code).toBe(0);
  });
});

describe('fileflow users delete', () => {
  beforeAll(async () => {
    if (!POSTGRES_URL) {
      await first.stop();
    }
  });

  it('says what it would delete and deletes nothing without --yes', async () => {
    const { code, output } = await cli(['users', 'delete', carol.user.username]);
    expect(code).toBe(2);
    expect(output).toMatch(new RegExp(`^This deletes the account ${carol.user.username} <${carol.user.email}> for good, with its \\d+ B of files`));
    expect(output).toMatch(/Run again with --yes to delete it\.$/);
    expect((await cli(['users', 'list'])).output).toContain(carol.user.username);
  });

  it('deletes the account with its files, folders, trash, links, tokens and searches, and leaves content others use', async () => {
    const { code, output } = await cli(['users', 'delete', carol.user.email, '--yes']);
    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(`^${carol.user.username}: account deleted, with \\d+ B of files\\.$`));
    expect((await cli(['users', 'list'])).output).not.toContain(carol.user.username);

    const t = await restarted();
    try {
      expect(await checkInvariants(t.database.db, t.blobs, { verifyContent: true })).toEqual([]);
      // dave's content, which carol's file shared, is still there; carol's own contents are gone.
      const daveAgain = t.anonymous;
      daveAgain.cookie = dave.cookie;
      const download = await daveAgain.get(`/api/files/${daveCopyId}/content`);
      expect(download.statusCode).toBe(200);
      expect(download.body).toBe(SHARED);
      const blobs = await queryRows<{ count: number }>(t.database.db, sql`select count(*)::int as count from blobs`);
      expect(blobs[0]?.count).toBe(await t.storedBlobCount());
      expect(await t.blobs.exists(contentKey(carolOnly))).toBe(false);

      const login = await t.anonymous.post('/api/auth/login', { email: carol.user.email, password: carol.password });
      expect(login.statusCode).toBe(401);
      const oldSession = t.anonymous;
      oldSession.cookie = carol.cookie;
      expect((await oldSession.get('/api/me')).statusCode).toBe(401);
      expect((await t.anonymous.withToken(carolToken).get('/api/me')).statusCode).toBe(401);
      expect((await t.anonymous.get(`/api/public/shares/${carolLink}`)).statusCode).toBe(404);
      // The name and the email are free again.
      const again = await t.anonymous.post('/api/auth/register', { username: carol.user.username, email: carol.user.email, password: 'a new account here' });
      expect(again.statusCode).toBe(201);
    } finally {
      await t.stop();
    }
  });

  it('leaves an account no one can use and no link serves when cut off, and finishes when run again', async () => {
    const t0 = await restarted();
    const gina = await t0.newUser();
    const file = await gina.upload('gina.txt', 'only gina has this');
    const link = (await gina.post('/api/shares', { nodeId: file.id })).json().token as string;
    await t0.stop();
    // The database connection drops (or the process dies) after the account was locked.
    const purge = vi.spyOn(TrashService.prototype, 'purgeAllOf').mockRejectedValueOnce(new Error('Connection terminated'));
    let cutOff: { code: number; output: string };
    try {
      cutOff = await cli(['users', 'delete', gina.user.username, '--yes']);
    } finally {
      purge.mockRestore();
    }
    expect(cutOff.code).toBe(1);
    expect(cutOff.output).toBe('Connection terminated; run the command again to finish');

    const t = await restarted();
    try {
      expect((await t.anonymous.post('/api/auth/login', { email: gina.user.email, password: gina.password })).statusCode).toBe(401);
      expect((await t.anonymous.get(`/api/public/shares/${link}`)).statusCode).toBe(404);
    } finally {
      await t.stop();
    }
    const again = await cli(['users', 'delete', gina.user.username, '--yes']);
    expect(again.code).toBe(0);
    const after = await restarted();
    try {
      expect(await checkInvariants(after.database.db, after.blobs, { verifyContent: true })).toEqual([]);
      expect(await after.blobs.exists(contentKey(file.sha256))).toBe(false);
    } finally {
      await after.stop();
    }
  });

  it('says so for an account that is not there', async () => {
    const { code, output } = await cli(['users', 'delete', 'nobody-here', '--yes']);
    expect(code).toBe(1);
    expect(output).toBe('An account named "nobody-here" was not found.');
  });
});

describe.runIf(POSTGRES_URL)('fileflow users, beside running workers on PostgreSQL', () => {
  it('signs a session out of the running server at once', async () => {
    const t = await restarted();
    try {
      const bob = await t.newUser();
      expect((await bob.get('/api/me')).statusCode).toBe(200);
      const { code } = await cli(['users', 'reset-password', bob.user.username]);
      expect(code).toBe(0);
      expect((await bob.get('/api/me')).statusCode).toBe(401);
    } finally {
      await t.stop();
    }
  });
});
