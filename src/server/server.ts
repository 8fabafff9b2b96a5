import { createApp } from './app.js';
import { createBlobStore } from './blobs/create-blob-store.js';
import type { Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { errorCode } from './errors.js';
import { isJoiningWorker } from './instance.js';
import { createJobScheduler } from './jobs/index.js';

const STALE_STAGING_MS = 24 * 3600_000;
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * Why listening on HOST:PORT failed, in one line naming the variable to change: Node's own
 * message (`getaddrinfo ENOTFOUND no such host`) names neither.
 */
function listenFailure(error: unknown, host: string, port: number): Error {
  const detail = error instanceof Error ? error.message : String(error);
  switch (errorCode(error) ?? '') {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new Error(`HOST: cannot listen on "${host}": not a known host name or address (${detail})`);
    case 'EADDRNOTAVAIL':
      return new Error(`HOST: cannot listen on ${host}: not an address of this machine (${detail})`);
    case 'EADDRINUSE':
      return new Error(`PORT: cannot listen on port ${port} of ${host}: already in use (${detail})`);
    case 'EACCES':
    case 'EPERM':
      return new Error(`PORT: cannot listen on port ${port} of ${host}: permission denied; ports below 1024 need privileges (${detail})`);
    default:
      return new Error(`HOST/PORT: cannot listen on ${host} port ${port}: ${detail}`);
  }
}

/**
 * Runs one server process: database and migrations, blob store, HTTP server and the job
 * scheduler; on SIGTERM/SIGINT it stops accepting, finishes requests in flight, then closes.
 */
export async function runServer(config: Config): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(database.db);
  // A worker replacing one that died while the store was out of reach starts all the same.
  const joining = isJoiningWorker();
  const blobs = await createBlobStore(config, { checkStore: !joining });
  // Uploads that a killed process left half-written are swept before serving (the periodic
  // sweep does it later for a joining worker that cannot reach the store now).
  let sweepFailure: unknown = null;
  try {
    await blobs.sweepStaging(STALE_STAGING_MS);
  } catch (error) {
    if (!joining) {
      throw error;
    }
    sweepFailure = error;
  }
  const app = await createApp({ config, db: database.db, blobs });
  if (sweepFailure) {
    app.log.warn({ err: sweepFailure }, 'the blob store does not answer: started without sweeping staged uploads');
  }
  if (database.kind === 'pglite') {
    // One process opens the embedded database at a time: every lease in it is a dead process's.
    await app.services.jobLeases.releaseAll();
    await app.services.content.releaseAllLeases();
  }
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

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close().catch(() => undefined);
    blobs.close?.();
    await database.close();
    throw listenFailure(error, config.host, config.port);
  }
  scheduler.start();
  // The port listened on: PORT=0 asks the system for a free one.
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  app.log.info(`FileFlow (${database.kind}, ${config.storage.kind} storage) serving on http://${config.host}:${port}`);
}
