import cluster from 'node:cluster';
import { runPrimary } from './cluster.js';
import { ConfigError, loadConfig } from './config.js';
import { runServer } from './server.js';

/** Entry point: validated config, then one server process, or a primary with FILEFLOW_WORKERS workers. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config);
    return;
  }
  await runServer(config);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message.split('\n').join('; ') : error instanceof Error ? error.message : String(error);
  process.stderr.write(`FileFlow cannot start: ${message}\n`);
  process.exit(1);
});
