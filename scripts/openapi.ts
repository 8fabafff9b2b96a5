/**
 * Writes the OpenAPI document the server serves at /api/openapi.json to docs/openapi.json
 * (`npm run openapi`); with --check, fails when the committed copy differs (CI).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/server/app.js';
import { LocalBlobStore } from '../src/server/blobs/local-blob-store.js';
import { loadConfig } from '../src/server/config.js';
import { openDatabase } from '../src/server/db/client.js';

const target = path.resolve('docs/openapi.json');
const dir = await mkdtemp(path.join(tmpdir(), 'fileflow-openapi-'));
const database = await openDatabase({ inMemory: true });
const blobs = new LocalBlobStore(dir);
const app = await createApp({ config: loadConfig({ FILEFLOW_DATA_DIR: dir, LOG_LEVEL: 'silent' }), db: database.db, blobs, logger: false });
await app.ready();
const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
await database.close();
await rm(dir, { recursive: true, force: true });

if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== document) {
    process.stderr.write('docs/openapi.json is out of date: run `npm run openapi` and commit it\n');
    process.exit(1);
  }
  process.stdout.write('docs/openapi.json is up to date\n');
} else {
  await writeFile(target, document);
  process.stdout.write(`wrote ${target}\n`);
}
