import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

let s3: TestS3;
let first: TestApp;
const files = new Map<string, Buffer>();

beforeAll(async () => {
  s3 = await startS3();
  first = await createTestApp({ persistent: true, env: { FILEFLOW_STORAGE: 'local' } });
});
afterAll(async () => {
  await first.close();
  await s3.stop();
});

/** Runs the CLI against the first app's data dir and database with the S3 settings; returns code and output. */
async function cli(...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const env: Record<string, string> = { ...s3.env, FILEFLOW_STORAGE: 'local', FILEFLOW_DATA_DIR: first.dataDir, LOG_LEVEL: 'silent' };
  if (first.database.url) {
    env.DATABASE_URL = first.database.url;
  }
  const code = await runCli(args, env, (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

/** Every uploaded file downloads byte-exact from the app, with the owner's (surviving) session. */
async function expectFilesReadable(t: TestApp, sessionCookie: string | undefined): Promise<void> {
  const owner = t.anonymous;
  owner.cookie = sessionCookie;
  for (const [id, content] of files) {
    const res = await owner.get(`/api/files/${id}/content`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(content)).toBe(true);
  }
}

describe('fileflow storage migrate', () => {
  it('copies every blob to S3 and back with verification, resumably', async () => {
    const alice = await first.newUser();
    for (const [name, size] of [
      ['small.txt', 10],
      ['empty.bin', 0],
      ['nine-mib.bin', 9 * 1024 * 1024 + 7],
    ] as const) {
      const content = randomBytes(size);
      const node = await alice.upload(name, content);
      files.set(node.id, content);
    }
    // The same content twice is one blob.
    const again = await alice.upload('small-copy.txt', files.values().next().value as Buffer);
    files.set(again.id, files.values().next().value as Buffer);
    const cookie = alice.cookie;
    await first.stop();

    const toS3 = await cli('storage', 'migrate', '--to', 's3');
    expect(toS3.code).toBe(0);
    expect(toS3.output).toMatch(/3 copied/);

    const rerun = await cli('storage', 'migrate', '--to', 's3');
    expect(rerun.code).toBe(0);
    expect(rerun.output).toMatch(/0 copied .* 3 already there and verified, 0 failed/);

    // The server now runs on S3 with unchanged metadata.
    const onS3 = await createTestApp({ dataDir: first.dataDir, databaseUrl: first.database.url, env: s3.env, s3 });
    await expectFilesReadable(onS3, cookie);
    // Three distinct contents (the empty file included); the duplicate is stored once.
    expect(await onS3.storedBlobCount()).toBe(3);
    await onS3.stop();

    // And back: with the local blobs gone, migrating from S3 restores them.
    await rm(path.join(first.dataDir, 'blobs'), { recursive: true, force: true });
    const back = await cli('storage', 'migrate', '--from', 's3', '--to', 'local');
    expect(back.code).toBe(0);
    expect(back.output).toMatch(/3 copied/);
    const local = await createTestApp({ dataDir: first.dataDir, databaseUrl: first.database.url, env: { FILEFLOW_STORAGE: 'local' } });
    await expectFilesReadable(local, cookie);
    await local.stop();
  }, 120_000);

  it('refuses a migration onto the same store and explains its usage', async () => {
    expect((await cli('storage', 'migrate', '--to', 'local')).code).toBe(2);
    const usage = await cli('nonsense');
    expect(usage.code).toBe(2);
    expect(usage.output).toMatch(/Usage: fileflow/);
  });
});

describe('the storage migration command in DEPLOYMENT.md', () => {
  /** What a shell command line runs, in order: each program, npm scripts replaced by their pre-hook and body. */
  function programsOf(command: string, scripts: Record<string, string>): string[] {
    return command.split(/&&|;|\|\|/).flatMap((segment) => {
      const [program, sub, script] = segment.trim().split(/\s+/);
      if (program === 'npm' && sub === 'run' && script) {
        return [scripts[`pre${script}`], scripts[script]].flatMap((body) => (body ? programsOf(body, scripts) : []));
      }
      return program ? [program] : [];
    });
  }

  it('runs in the production install it describes, whose development dependencies are pruned', async () => {
    const root = new URL('../../', import.meta.url);
    const deployment = await readFile(new URL('docs/DEPLOYMENT.md', root), 'utf8');
    const manifest = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    // The programs `npm prune --omit=dev` leaves: node and the production dependencies' own.
    const kept = new Set(['node']);
    for (const dependency of Object.keys(manifest.dependencies)) {
      const own = JSON.parse(await readFile(new URL(`node_modules/${dependency}/package.json`, root), 'utf8')) as { name: string; bin?: string | Record<string, string> };
      for (const bin of typeof own.bin === 'string' ? [own.name] : Object.keys(own.bin ?? {})) {
        kept.add(bin);
      }
    }
    const commands = [...deployment.matchAll(/`([^`]*storage migrate[^`]*)`/g)].map((match) => match[1] ?? '');
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      expect({ command, missing: programsOf(command, manifest.scripts).filter((program) => !kept.has(program)) }).toEqual({ command, missing: [] });
    }
  });
});
