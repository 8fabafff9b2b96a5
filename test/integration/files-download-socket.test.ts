import { createHash, randomBytes } from 'node:crypto';
import { readdir, readlink, truncate } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';
import { blobPath, eventually } from '../helpers/files.js';

// Downloads over a real socket, where the local store writes straight from recycled read buffers
// (app.inject takes the ordinary stream path): every byte must still be the file's own, whatever
// other downloads run at the same time, and a client that goes away must leave nothing open.

const MIB = 1024 * 1024;

let t: TestApp;
let port: number;
let owner: ApiClient;
const files: Array<{ id: string; content: Buffer }> = [];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
  owner = await t.newUser();
  // Sizes around the 1 MiB read: one byte, just under, exactly, just over, several reads.
  for (const size of [1, MIB - 1, MIB, MIB + 1, 3 * MIB + 7, 5 * MIB]) {
    const content = randomBytes(size);
    const uploaded = await owner.upload(`file-${size}.bin`, content);
    files.push({ id: uploaded.id, content });
  }
});
afterAll(async () => {
  await t.close();
});

interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request on a connection of its own (closed after it), so open descriptors can be counted. */
function at(path: string): http.RequestOptions {
  return { host: '127.0.0.1', port, path, agent: false };
}

function download(id: string, headers: Record<string, string> = {}): Promise<Download> {
  return fetchWhole(`/api/files/${id}/content`, headers);
}

function fetchWhole(path: string, headers: Record<string, string> = {}): Promise<Download> {
  return new Promise((resolve, reject) => {
    http
      .get({ ...at(path), headers: { cookie: owner.cookie!, ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Starts downloading `path` and goes away after 2 MiB, as a cancelled download does. */
function leaveMidway(path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const request = http.get({ ...at(path), headers: { cookie: owner.cookie! } }, (response) => {
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= 2 * MIB) {
          request.destroy();
        }
      });
    });
    request.on('close', () => resolve());
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve() : reject(error)));
  });
}

function digest(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Files under the data directory (the blob store's) that this process, where the server runs,
 * holds open; null where /proc is missing. Sockets (clients, database connections) do not count.
 */
async function openStoreFiles(): Promise<number | null> {
  const entries = await readdir('/proc/self/fd').catch(() => null);
  if (!entries) {
    return null;
  }
  const targets = await Promise.all(entries.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => target.startsWith(t.dataDir)).length;
}

describe('downloads over a socket', () => {
  it('sends every file byte-exact, many downloads at once, and closes every file after', async () => {
    const before = await openStoreFiles();
    for (let round = 0; round < 3; round++) {
      const wanted = [...files, ...files].sort(() => Math.random() - 0.5);
      const got = await Promise.all(wanted.map((file) => download(file.id)));
      got.forEach((response, i) => {
        expect(response.status).toBe(200);
        expect(response.headers['content-length']).toBe(String(wanted[i]!.content.length));
        expect(digest(response.body)).toBe(digest(wanted[i]!.content));
      });
    }
    if (before !== null && t.blobs.kind === 'local') {
      expect(await eventually(openStoreFiles, (now) => now !== null && now <= before)).toBeLessThanOrEqual(before);
    }
  });

  it('sends ranges byte-exact, across read boundaries, at the same time as whole files', async () => {
    const big = files.find((file) => file.content.length === 3 * MIB + 7)!;
    const ranges: Array<[number, number]> = [
      [0, 0],
      [MIB - 1, MIB],
      [MIB - 10, 2 * MIB + 10],
      [3 * MIB, 3 * MIB + 6],
      [12345, 3 * MIB + 6],
    ];
    const [whole, ...parts] = await Promise.all([
      download(files.at(-1)!.id),
      ...ranges.map(([start, end]) => download(big.id, { range: `bytes=${start}-${end}` })),
    ]);
    expect(digest(whole.body)).toBe(digest(files.at(-1)!.content));
    parts.forEach((response, i) => {
      const [start, end] = ranges[i]!;
      expect(response.status).toBe(206);
      expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/${big.content.length}`);
      expect(response.body.equals(big.content.subarray(start, end + 1))).toBe(true);
    });
  });

  it('closes the file when the client goes away mid-download, and serves the next one', async () => {
    const large = randomBytes(40 * MIB);
    const { id } = await owner.upload('large.bin', large);
    const before = await openStoreFiles();
    for (let i = 0; i < 10; i++) {
      await leaveMidway(`/api/files/${id}/content`);
    }
    if (before !== null && t.blobs.kind === 'local') {
      // The sockets and the files are closed once the server has noticed each client leave.
      expect(await eventually(openStoreFiles, (now) => now !== null && now <= before)).toBeLessThanOrEqual(before);
    }
    const after = await download(id);
    expect(after.status).toBe(200);
    expect(digest(after.body)).toBe(digest(large));
  });

  it('closes the content a zip is reading when the client goes away mid-archive, and serves the next one', async () => {
    const folder = await owner.mkdir('zipped-and-left');
    const large = randomBytes(40 * MIB);
    await owner.upload('large.bin', large, folder.id);
    const before = await openStoreFiles();
    for (let i = 0; i < 10; i++) {
      await leaveMidway(`/api/folders/${folder.id}/zip`);
    }
    if (before !== null && t.blobs.kind === 'local') {
      expect(await eventually(openStoreFiles, (now) => now !== null && now <= before)).toBeLessThanOrEqual(before);
    }
    const whole = await fetchWhole(`/api/folders/${folder.id}/zip`);
    expect(whole.status).toBe(200);
    expect(whole.body.length).toBe(Number(whole.headers['content-length']));
  });

  it.runIf(process.env.TEST_STORAGE !== 's3')('cuts a zip off when a content is shorter than its size, and stays up', async () => {
    const folder = await owner.mkdir('zipped-and-damaged');
    await owner.upload('first.bin', randomBytes(MIB), folder.id);
    const damaged = await owner.upload('second.bin', randomBytes(3 * MIB), folder.id);
    await truncate(blobPath(t.dataDir, damaged.sha256), 2 * MIB + 5);
    const outcome = await new Promise<{ completed: boolean; received: number; announced: number }>((resolve) => {
      let received = 0;
      let announced = Number.NaN;
      const request = http.get({ ...at(`/api/folders/${folder.id}/zip`), headers: { cookie: owner.cookie! } }, (response) => {
        announced = Number(response.headers['content-length']);
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        response.on('end', () => resolve({ completed: response.complete, received, announced }));
        response.on('error', () => resolve({ completed: false, received, announced }));
      });
      request.on('error', () => resolve({ completed: false, received, announced }));
    });
    expect(outcome.completed).toBe(false);
    expect(outcome.received).toBeLessThan(outcome.announced);
    expect((await download(files[0]!.id)).status).toBe(200);
  });

  it.runIf(process.env.TEST_STORAGE !== 's3')('fails the response, not ends it short, when the stored file is shorter than its size', async () => {
    const content = randomBytes(3 * MIB);
    const uploaded = await owner.upload('damaged.bin', content);
    await truncate(blobPath(t.dataDir, uploaded.sha256), 2 * MIB + 5);
    // On a kept-alive connection, as browsers and sync clients download: a response ended short
    // would leave the client waiting for the announced rest.
    const agent = new http.Agent({ keepAlive: true });
    const settled = new Promise<{ completed: boolean; received: number }>((resolve) => {
      let received = 0;
      const request = http.get({ ...at(`/api/files/${uploaded.id}/content`), agent, headers: { cookie: owner.cookie! } }, (response) => {
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        response.on('end', () => resolve({ completed: response.complete, received }));
        response.on('error', () => resolve({ completed: false, received }));
      });
      request.on('error', () => resolve({ completed: false, received }));
    });
    const outcome = await Promise.race([settled, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 3000))]);
    agent.destroy();
    expect(outcome).not.toBe('still waiting');
    if (outcome === 'still waiting') {
      return;
    }
    expect(outcome.completed).toBe(false);
    expect(outcome.received).toBeLessThan(content.length);
    expect((await download(files[0]!.id)).status).toBe(200);
  });
});
