import { createApp } from './app.js';
import { createBlobStore } from './blobs/create-blob-store.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { createJobScheduler } from './jobs/index.js';

const STALE_STAGING_MS = 24 * 3600_000;

/** Starts one server process: config, database and migrations, then the HTTP server; closes gracefully. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`FileFlow cannot start: ${error.message.split('\n').join('; ')}\n`);
      process.exit(1);
    }
    throw error;
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(database.db);
  const blobs = await createBlobStore(config);
  // Uploads that a killed process left half-written are swept before serving.
  await blobs.sweepStaging(STALE_STAGING_MS);
  const app = await createApp({ config, db: database.db, blobs });
  const scheduler = createJobScheduler(app.services, config.jobIntervalMs, app.log);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) {
      return;
    }
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    // Stop accepting, let requests in flight finish, then close the database.
    const forceExit = setTimeout(() => process.exit(1), 30_000);
    forceExit.unref();
    app
      .close()
      .then(() => scheduler.stop())
      .then(() => blobs.close?.())
      .then(() => database.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  scheduler.start();
  app.log.info(`FileFlow (${database.kind}, ${config.storage.kind} storage) serving on http://${config.host}:${config.port}`);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message.split('\n').join('; ') : error instanceof Error ? error.message : String(error);
  process.stderr.write(`FileFlow failed to start: ${message}\n`);
  process.exit(1);
});
