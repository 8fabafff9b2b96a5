/**
 * Resumable uploads: what completion costs. One file of --size MiB (256 by default) is sent in
 * --chunk MiB chunks (8) over HTTP to a server in this process (embedded database on disk, local
 * blob store, as `npm start` runs by default), then completed; completion reads every chunk back
 * and writes the file once more (hash, staging, fsync, commit), and its time is what is reported,
 * beside the time of sending the chunks and of a plain PUT /api/files/content of the same bytes.
 *
 *   npx tsx bench/resumable.ts [--size 256] [--chunk 8] [--rounds 3]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/server/app.js';
import { createBlobStore } from '../src/server/blobs/create-blob-store.js';
import { loadConfig } from '../src/server/config.js';
import { openDatabase } from '../src/server/db/client.js';
import { migrate } from '../src/server/db/migrate.js';
import { machineLine } from './lib/run.js';

const MiB = 1024 * 1024;
const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const size = option('size', 256) * MiB;
const chunkSize = option('chunk', 8) * MiB;
const rounds = option('rounds', 3);

const dataDir = await mkdtemp(path.join(tmpdir(), 'fileflow-bench-resumable-'));
const config = loadConfig({ FILEFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'silent', FILEFLOW_DEFAULT_QUOTA: String(100 * 1024 * MiB) });
const database = await openDatabase({ dataDir });
await migrate(database.db);
const blobs = await createBlobStore(config);
const app = await createApp({ config, db: database.db, blobs, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

async function call(method: string, url: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${url}`, { method, body, headers });
  const text = await res.text();
  if (res.status >= 300) {
    throw new Error(`${method} ${url}: ${res.status} ${text}`);
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const registered = await fetch(`${base}/api/auth/register`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'bench', email: 'bench@example.test', password: 'correct horse battery' }),
});
const cookie = (registered.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const auth = { cookie };
const json = { ...auth, 'content-type': 'application/json' };
const octets = { ...auth, 'content-type': 'application/octet-stream' };

const content = randomBytes(size);
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
process.stdout.write(`${machineLine()}\n${size / MiB} MiB in ${chunkSize / MiB} MiB chunks, ${rounds} rounds (embedded database, local disk)\n`);
for (let round = 1; round <= rounds; round += 1) {
  // Different bytes each round, so that no round finds its content already stored.
  content.writeUInt32BE(round, 0);
  const session = await call('POST', '/api/uploads', JSON.stringify({ name: `big-${round}.bin`, size }), json);
  let started = process.hrtime.bigint();
  for (let offset = 0; offset < size; offset += chunkSize) {
    await call('PUT', `/api/uploads/${String(session.id)}/content?offset=${offset}`, content.subarray(offset, offset + chunkSize), octets);
  }
  const sending = seconds(started);
  started = process.hrtime.bigint();
  await call('POST', `/api/uploads/${String(session.id)}/complete`, undefined, auth);
  const completing = seconds(started);
  content.writeUInt32BE(round + 1000, 0);
  started = process.hrtime.bigint();
  await call('PUT', `/api/files/content?name=plain-${round}.bin`, content, octets);
  const plain = seconds(started);
  process.stdout.write(
    `round ${round}: chunks sent in ${sending.toFixed(2)} s, completion ${completing.toFixed(2)} s (${(size / MiB / completing).toFixed(0)} MiB/s); plain PUT of the same size ${plain.toFixed(2)} s\n`,
  );
}
await app.close();
await database.close();
await rm(dataDir, { recursive: true, force: true });
