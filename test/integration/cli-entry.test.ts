import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The fileflow command as a program: run by its own path (`node dist/cli/main.js`), and through
 * a link to it, as npm installs package.json's `bin` (npm link, a global install, npx).
 */
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fileflow-cli-entry-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(program: string, args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', program, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout };
}

describe('the fileflow program', () => {
  it('prints its usage when run by its own path', () => {
    const { status, stdout } = run(MAIN, ['--help']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: fileflow <command>/);
  });

  it('prints its usage when run through a link to it, as npm installs the fileflow command', async () => {
    const link = path.join(dir, 'fileflow.ts');
    await symlink(MAIN, link);
    const { status, stdout } = run(link, ['--help']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: fileflow <command>/);
  });
});
