#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../server/config.js';
import { storageMigrate } from './commands/storage-migrate.js';

const USAGE = `Usage: fileflow <command>

Commands:
  storage migrate --to <local|s3> [--from <local|s3>]
      Copy every stored blob to the other store (same keys, SHA-256 checked).
      Resumable and idempotent. --from defaults to FILEFLOW_STORAGE.

Configuration comes from the same environment variables as the server.`;

/** Runs the fileflow command line; returns the exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { to: { type: 'string' }, from: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    out(error instanceof Error ? error.message : String(error));
    out(USAGE);
    return 2;
  }
  const [group, command] = parsed.positionals;
  if (parsed.values.help || group !== 'storage' || command !== 'migrate') {
    out(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  const isKind = (value: string | undefined): value is 'local' | 's3' => value === 'local' || value === 's3';
  try {
    const config = loadConfig(env);
    const to = parsed.values.to;
    const from = parsed.values.from ?? config.storage.kind;
    if (!isKind(to) || !isKind(from)) {
      out('--to and --from take local or s3');
      return 2;
    }
    return await storageMigrate(config, { from, to }, out);
  } catch (error) {
    out(error instanceof ConfigError ? error.message.split('\n').join('; ') : error instanceof Error ? error.message : String(error));
    return 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runCli(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
