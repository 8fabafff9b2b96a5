import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { POSTGRES_URL } from '../helpers/database.js';

let first: TestApp;
let alice: ApiClient;
let aliceToken: string;

beforeAll(async () => {
  first = await createTestApp({ persistent: true });
  alice = await first.newUser();
  await alice.upload('notes.txt', 'x'.repeat(1500));
  const created = await alice.post('/api/tokens', { name: 'backup script' });
  expect(created.statusCode).toBe(201);
  aliceToken = created.json().token;
});
afterAll(async () => {
  await first.close();
});

/** Runs the CLI on the first app's data directory and database; `stdin` is what standard input holds. */
async function cli(args: string[], stdin = ''): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const env: Record<string, string> = { FILEFLOW_DATA_DIR: first.dataDir, LOG_LEVEL: 'silent' };
  if (first.database.url) {
    env.DATABASE_URL = first.database.url;
  }
  const code = await runCli(args, env, (line) => lines.push(line), async () => stdin);
  return { code, output: lines.join('\n') };
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

  it('says so for an unknown account, a bad size or a wrong command, changing nothing', async () => {
    const unknown = await cli(['users', 'set-quota', 'nobody-here', '1GiB']);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toBe('An account named "nobody-here" was not found.');

    const badSize = await cli(['users', 'set-quota', alice.user.username, 'lots']);
    expect(badSize.code).toBe(2);
    expect(badSize.output).toMatch(/^set-quota: expected a positive size such as 10GiB or 1048576, got "lots"/);

    const wrong = await cli(['users', 'delete', alice.user.username]);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toMatch(/^users delete: unknown command or wrong arguments\nUsage: fileflow/);

    const list = await cli(['users', 'list']);
    expect(list.output).toContain('of 1000 B');
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
