import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/server/app.js';
import type { BlobStore } from '../../src/server/blobs/blob-store.js';
import { createBlobStore } from '../../src/server/blobs/create-blob-store.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { createTestDatabase, dropPostgresDatabase, type TestDatabase } from './database.js';
import { ApiClient } from './client.js';
import { startS3, type TestS3 } from './s3.js';

/** Set TEST_STORAGE=s3 to run the same suites against the S3 blob store (an s3rver per app). */
const TEST_STORAGE = process.env.TEST_STORAGE === 's3' ? 's3' : 'local';

/** One line the app logged (pino's JSON), when created with `captureLogs`. */
export interface LogRecord {
  level: number;
  msg: string;
  reqId?: string;
  [field: string]: unknown;
}

export interface TestApp {
  app: App;
  /** What the app logged at `captureLogs`'s level (true: debug, where requests are logged) and above, oldest first. */
  logs: LogRecord[];
  config: Config;
  database: TestDatabase;
  blobs: BlobStore;
  dataDir: string;
  /** A new client with no credentials (each read gives a fresh one, so no cookie carries over). */
  readonly anonymous: ApiClient;
  /** Registers a new user with random details and returns a client signed in as them. */
  newUser(overrides?: { username?: string; email?: string; password?: string }): Promise<ApiClient>;
  /** Closes the app and the database, keeping the data (for restart tests). */
  stop(): Promise<void>;
  /** The s3rver behind the app when TEST_STORAGE=s3. */
  s3: TestS3 | undefined;
  /** How many content objects the blob store holds (disk or S3). */
  storedBlobCount(): Promise<number>;
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
  options: { env?: Record<string, string>; dataDir?: string; databaseUrl?: string; persistent?: boolean; s3?: TestS3; captureLogs?: boolean | 'info' } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'fileflow-test-')));
  const s3: TestS3 | undefined = TEST_STORAGE === 's3' ? (options.s3 ?? (await startS3())) : undefined;
  const config = loadConfig({ FILEFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'silent', FILEFLOW_REGISTER_LIMIT: '100000', ...s3?.env, ...options.env });
  const database = await createTestDatabase({
    url: options.databaseUrl,
    dataDir: options.persistent || options.dataDir ? dataDir : undefined,
  });
  const blobs = await createBlobStore(config);
  const logs: LogRecord[] = [];
  const logger = options.captureLogs
    ? { level: options.captureLogs === 'info' ? 'info' : 'debug', stream: { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) } }
    : process.env.TEST_LOG
      ? { level: process.env.TEST_LOG }
      : false;
  const app = await createApp({ config, db: database.db, blobs, logger });
  await app.ready();
  let stopped = false;
  const stop = async () => {
    if (stopped) {
      return;
    }
    stopped = true;
    await app.close();
    await database.destroy();
    blobs.close?.();
  };
  const testApp: TestApp = {
    app,
    logs,
    config,
    database,
    blobs,
    dataDir,
    s3,
    async storedBlobCount() {
      let count = 0;
      for await (const _object of blobs.list()) {
        count += 1;
      }
      return count;
    },
    get anonymous() {
      return new ApiClient(app);
    },
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
      // An s3rver passed in belongs to the caller (restart tests reuse it).
      if (s3 && !options.s3) {
        await s3.stop();
      }
    },
  };
  return testApp;
}
