import { createApp } from './app.js';
import { createBlobStore } from './blobs/create-blob-store.js';
import type { Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { createJobScheduler } from './jobs/index.js';

const STALE_STAGING_MS = 24 * 3600_000;
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * Runs one server process: database and migrations, blob store, HTTP server and the job
 * scheduler; on SIGTERM/SIGINT it stops accepting, finishes requests in flight, then closes.
 */
export async function runServer(config: Config): Promise<void> {
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
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
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
