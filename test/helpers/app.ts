import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/server/app.js';
import type { BlobStore } from '../../src/server/blobs/blob-store.js';
import { createBlobStore } from '../../src/server/blobs/create-blob-store.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { createTestDatabase, dropPostgresDatabase, type TestDatabase } from './database.js';
import { ApiClient } from './client.js';

export interface TestApp {
  app: App;
  config: Config;
  database: TestDatabase;
  blobs: BlobStore;
  dataDir: string;
  /** A client with no credentials. */
  anonymous: ApiClient;
  /** Registers a new user with random details and returns a client signed in as them. */
  newUser(overrides?: { username?: string; email?: string; password?: string }): Promise<ApiClient>;
  /** Closes the app and the database, keeping the data (for restart tests). */
  stop(): Promise<void>;
  /** Stops and deletes everything. */
  close(): Promise<void>;
}

let userCounter = 0;

/**
 * A FileFlow app on a fresh database (PGlite in memory, or a new PostgreSQL database when
 * DATABASE_URL is set) and a temporary data directory, driven through app.inject.
 * Pass `dataDir` / `databaseUrl` from an earlier app to simulate a restart.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; dataDir?: string; databaseUrl?: string; persistent?: boolean } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'fileflow-test-')));
  const config = loadConfig({ FILEFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'silent', FILEFLOW_REGISTER_LIMIT: '100000', ...options.env });
  const database = await createTestDatabase({
    url: options.databaseUrl,
    dataDir: options.persistent || options.dataDir ? dataDir : undefined,
  });
  const blobs = await createBlobStore(config);
  const app = await createApp({ config, db: database.db, blobs, logger: process.env.TEST_LOG ? { level: process.env.TEST_LOG } : false });
  await app.ready();
  let stopped = false;
  const stop = async () => {
    if (stopped) {
      return;
    }
    stopped = true;
    await app.close();
    await database.destroy();
  };
  const testApp: TestApp = {
    app,
    config,
    database,
    blobs,
    dataDir,
    anonymous: new ApiClient(app),
    async newUser(overrides = {}) {
      userCounter += 1;
      const tag = `${process.pid}${userCounter}${Math.random().toString(36).slice(2, 8)}`;
      const client = new ApiClient(app);
      const password = overrides.password ?? 'correct horse battery';
      const res = await client.post('/api/auth/register', {
        username: overrides.username ?? `user${tag}`,
        email: overrides.email ?? `user${tag}@example.test`,
        password,
      });
      if (res.statusCode !== 201) {
        throw new Error(`registration failed: ${res.statusCode} ${res.body}`);
      }
      client.user = res.json().user;
      client.password = password;
      return client;
    },
    stop,
    async close() {
      await stop();
      if (database.url) {
        await dropPostgresDatabase(database.url);
      }
      if (!options.dataDir) {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
  return testApp;
}
