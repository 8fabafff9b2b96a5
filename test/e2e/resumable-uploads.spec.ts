import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api } from './api.js';
import { launch, watchErrors, type E2E } from './browser.js';
import { item } from './pages.js';
import { startServer, type RunningServer } from './server.js';

/**
 * Large files go through upload sessions in 8 MiB chunks (src/web/lib/chunked-upload.ts). These
 * files are above the 8 MB quota of the run's server: this spec has a server of its own.
 */
const MiB = 1024 * 1024;
const CHUNK = 8 * MiB;
const SIZE = 20 * MiB + 123;
/** How long a poll waits for chunks on their way. */
const UPLOADING = { timeout: 20_000 };

let server: RunningServer;
let e2e: E2E;
/** Where the test files are written: the browser reads a path by itself, a 20 MB buffer takes Playwright 5 s. */
let dir: string;
let context: BrowserContext | undefined;
let page: Page;
/** The requests the page made to /api/uploads, in order: "METHOD path?query". */
let sessionRequests: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fileflow-e2e-large-'));
  server = await startServer({ FILEFLOW_DEFAULT_QUOTA: String(1024 * MiB) });
  e2e = await launch(server.baseURL);
}, 120_000);
afterAll(async () => {
  await e2e?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await context?.close();
  context = await e2e.newContext();
  await api(context).register();
  page = await context.newPage();
  const errors = watchErrors(page);
  sessionRequests = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/uploads')) {
      sessionRequests.push(`${request.method()} ${url.pathname.replace(/\/api\/uploads\/[^/]+/, '/api/uploads/:id')}${url.search}`);
    }
  });
  return () => {
    expect(errors).toEqual([]);
  };
});

const panel = () => page.getByRole('region', { name: 'Uploads' });
const client = () => {
  if (!context) {
    throw new Error('no context');
  }
  return api(context);
};
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A file of random bytes named `name` to pick, and its bytes. */
async function large(name: string): Promise<{ file: string; bytes: Buffer }> {
  const bytes = randomBytes(SIZE);
  const folder = await mkdtemp(path.join(dir, 'file-'));
  const file = path.join(folder, name);
  await writeFile(file, bytes);
  return { file, bytes };
}
/** The offsets of the chunks the page sent (each try counts). */
const chunkOffsets = () =>
  sessionRequests.filter((line) => line.startsWith('PUT /api/uploads/:id/content')).map((line) => Number(/offset=(\d+)/.exec(line)?.[1]));
const isChunk = (url: URL) => /^\/api\/uploads\/[^/]+\/content$/.test(url.pathname);

/** Asserts the file named `name` at the root holds exactly `bytes`. */
async function expectStored(name: string, bytes: Buffer): Promise<void> {
  const node = (await client().children()).items.find((each) => each.name === name);
  expect(node?.size).toBe(bytes.length);
  expect(sha256(await client().download(node?.id ?? 'missing'))).toBe(sha256(bytes));
}

describe('resumable uploads', () => {
  it('sends a large file in 8 MiB chunks through a session, and it arrives intact', async () => {
    const { file, bytes } = await large('big.bin');
    await page.goto('/');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.getByTestId('upload-files').setInputFiles(file);
    await panel().getByText('1 upload complete').waitFor();
    await item(page, 'big.bin').waitFor();
    await expectStored('big.bin', bytes);
    expect(sessionRequests.filter((line) => line === 'POST /api/uploads')).toHaveLength(1);
    expect(chunkOffsets()).toEqual([0, CHUNK, 2 * CHUNK]);
    expect(sessionRequests.filter((line) => line === 'POST /api/uploads/:id/complete')).toHaveLength(1);
    expect(await client().uploadSessions()).toEqual([]);
  });

  it('sends a chunk lost on the way again, saying meanwhile that it reconnects, not that it failed', async () => {
    const { file, bytes } = await large('big.bin');
    let chunks = 0;
    await page.route(isChunk, async (route: Route) => {
      chunks += 1;
      await (chunks === 1 ? route.abort('connectionreset') : route.continue());
    });
    // The upload asks the server where it stands before going on: held until the panel was checked.
    let release = () => {};
    const checked = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(
      (url) => /^\/api\/uploads\/[^/]+$/.test(url.pathname),
      async (route: Route) => {
        await checked;
        await route.continue();
      },
    );
    await page.goto('/');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.getByTestId('upload-files').setInputFiles(file);

    await panel().getByText('Uploading: 0 of 1 done · 1 reconnecting').waitFor();
    await panel()
      .getByRole('status')
      .getByText(/^Connection lost, reconnecting… 0 B of 20\.0 MB kept$/)
      .waitFor();
    expect(await panel().getByRole('alert').count()).toBe(0);
    expect(await panel().getByRole('button', { name: 'Cancel upload of big.bin' }).isVisible()).toBe(true);
    release();

    await panel().getByText('1 upload complete').waitFor();
    await panel().getByText('Uploaded · 20.0 MB').waitFor();
    await expectStored('big.bin', bytes);
    // Only the chunk lost was sent again.
    expect(chunkOffsets()).toEqual([0, 0, CHUNK, 2 * CHUNK]);
    expect(await client().uploadSessions()).toEqual([]);
  });

  it('goes on at once when the browser is back online, however long the wait it was in', async () => {
    const { file, bytes } = await large('big.bin');
    let chunks = 0;
    await page.route(isChunk, async (route: Route) => {
      chunks += 1;
      if (chunks === 2) {
        // The network goes away with the second chunk on its way.
        await context?.setOffline(true);
        await route.abort('internetdisconnected');
      } else {
        await route.continue();
      }
    });
    /** When the upload asked the server for its offset (each try, answered or not). */
    const asked: number[] = [];
    page.on('request', (request: Request) => {
      if (request.method() === 'GET' && /^\/api\/uploads\/[^/]+$/.test(new URL(request.url()).pathname)) {
        asked.push(Date.now());
      }
    });
    await page.goto('/');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.getByTestId('upload-files').setInputFiles(file);
    await panel().getByText('Uploading: 0 of 1 done · 1 reconnecting').waitFor();
    // The waits grow (1 s, 2 s, 4 s): after three tries that found no network, the next is 8 s away.
    await expect.poll(() => asked.length, { timeout: 20_000 }).toBe(3);
    const online = Date.now();
    await context?.setOffline(false);
    await expect.poll(() => asked.filter((time) => time >= online).length, { timeout: 3000 }).toBeGreaterThan(0);
    await panel().getByText('1 upload complete').waitFor();
    await expectStored('big.bin', bytes);
    expect(chunkOffsets()).toEqual([0, CHUNK, CHUNK, 2 * CHUNK]);
  });

  it('cancelled half-way, leaves no session open and no file', async () => {
    let chunks = 0;
    let holding: Route | undefined;
    await page.route(isChunk, async (route: Route) => {
      chunks += 1;
      if (chunks === 1) {
        await route.continue();
      } else {
        // The second chunk never gets through: the upload is cancelled while it is on its way.
        holding = route;
      }
    });
    await page.goto('/');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.getByTestId('upload-files').setInputFiles((await large('big.bin')).file);
    await expect.poll(async () => (await client().uploadSessions()).map((session) => session.offset), UPLOADING).toEqual([CHUNK]);
    await expect.poll(() => holding !== undefined, UPLOADING).toBe(true);
    await panel().getByRole('button', { name: 'Cancel upload of big.bin' }).click();
    await panel().getByText('Cancelled').waitFor();
    await expect.poll(async () => (await client().uploadSessions()).length, UPLOADING).toBe(0);
    expect(sessionRequests.filter((line) => line === 'DELETE /api/uploads/:id')).toHaveLength(1);
    expect((await client().children()).total).toBe(0);
    await holding?.abort().catch(() => undefined);
  });

  it('asks about a name clash before sending a byte, and keeps both when told to', async () => {
    await client().upload('big.bin', 'the one already there');
    const { file, bytes } = await large('big.bin');
    await page.goto('/');
    await item(page, 'big.bin').waitFor();
    await page.getByTestId('upload-files').setInputFiles(file);
    await panel().getByText('1 file waits for your choice: its name is taken').waitFor();
    // Refused when the session was asked for (after looking for one of the same file): not one chunk sent.
    expect(sessionRequests).toEqual(['GET /api/uploads', 'POST /api/uploads']);
    await page.getByRole('group', { name: 'big.bin already exists' }).getByRole('button', { name: 'Keep both' }).click();
    await panel().getByText('Uploaded as “big (1).bin” · 20.0 MB').waitFor();
    await expectStored('big (1).bin', bytes);
    await expectStored('big.bin', Buffer.from('the one already there'));
    expect(chunkOffsets()).toEqual([0, CHUNK, 2 * CHUNK]);
  });

  it('completes with the choice made when the name was taken while the bytes were on their way, without sending them again', async () => {
    const { file, bytes } = await large('big.bin');
    const completions: unknown[] = [];
    await page.route(
      (url) => /^\/api\/uploads\/[^/]+\/complete$/.test(url.pathname),
      async (route: Route) => {
        completions.push(route.request().postDataJSON());
        if (completions.length === 1) {
          // Someone (another device) stores a file of that name just before the upload completes.
          await client().upload('big.bin', 'taken meanwhile');
        }
        await route.continue();
      },
    );
    await page.goto('/');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.getByTestId('upload-files').setInputFiles(file);
    await panel().getByText('1 file waits for your choice: its name is taken').waitFor();
    // The session keeps the bytes meanwhile.
    expect((await client().uploadSessions()).map((session) => session.offset)).toEqual([SIZE]);
    await page.getByRole('group', { name: 'big.bin already exists' }).getByRole('button', { name: 'Replace' }).click();
    await panel().getByText('1 upload complete').waitFor();
    await expectStored('big.bin', bytes);
    expect((await client().children()).total).toBe(1);
    expect(chunkOffsets()).toEqual([0, CHUNK, 2 * CHUNK]);
    expect(completions).toEqual([{ conflict: 'fail' }, { conflict: 'replace' }]);
    expect(await client().uploadSessions()).toEqual([]);
  });

  for (const picked of ['the same file', 'another file of the same name, size and time'] as const) {
    it(`picked again after the page was closed half-way (${picked}), goes on from the bytes the server kept only if they are its own`, async () => {
      const first = await large('big.bin');
      const { file, bytes } = picked === 'the same file' ? first : await large('big.bin');
      if (file !== first.file) {
        // Whole seconds: a fraction of a millisecond could round apart between the two.
        await utimes(first.file, 1_700_000_000, 1_700_000_000);
        await utimes(file, 1_700_000_000, 1_700_000_000);
      }
      let chunks = 0;
      await page.route(isChunk, async (route: Route) => {
        chunks += 1;
        // The second chunk never gets through: the page is closed while it is on its way.
        if (chunks === 1) {
          await route.continue();
        }
      });
      await page.goto('/');
      await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
      await page.getByTestId('upload-files').setInputFiles(first.file);
      await expect.poll(async () => (await client().uploadSessions()).map((session) => session.offset), UPLOADING).toEqual([CHUNK]);
      await expect.poll(() => chunks, UPLOADING).toBe(2);
      await page.close();

      page = await context!.newPage();
      const again: string[] = [];
      page.on('request', (request: Request) => {
        const url = new URL(request.url());
        if (url.pathname.startsWith('/api/uploads')) {
          again.push(`${request.method()} ${url.pathname.replace(/\/api\/uploads\/[^/]+/, '/api/uploads/:id')}${url.search}`);
        }
      });
      await page.goto('/');
      await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
      await page.getByTestId('upload-files').setInputFiles(file);
      await panel().getByText('1 upload complete').waitFor();
      await expectStored('big.bin', bytes);
      if (picked === 'the same file') {
        // No new session, and the first 8 MiB not sent again (checked against the file's bytes instead).
        expect(again.slice(0, 2)).toEqual(['GET /api/uploads', 'GET /api/uploads/:id/chunks']);
        expect(again).not.toContain('POST /api/uploads');
        const sent = again.filter((line) => line.startsWith('PUT')).map((line) => Number(/offset=(\d+)/.exec(line)?.[1]));
        expect(sent).not.toContain(0);
        expect(sent.at(-1)).toBe(2 * CHUNK);
        expect(again.at(-1)).toBe('POST /api/uploads/:id/complete');
        expect(await client().uploadSessions()).toEqual([]);
      } else {
        // Its bytes differ from those kept: a session of its own, every byte sent.
        expect(again.slice(0, 3)).toEqual(['GET /api/uploads', 'GET /api/uploads/:id/chunks', 'POST /api/uploads']);
        expect(again.filter((line) => line.startsWith('PUT'))).toHaveLength(3);
        expect((await client().uploadSessions()).map((session) => session.offset)).toEqual([CHUNK]);
      }
    });
  }
});
