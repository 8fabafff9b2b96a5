/**
 * Runs every benchmark one after another, each in its own process, in quick mode unless --full is
 * given (quick: about 6–9 minutes on 2 cores once the seed caches exist, a few minutes more the first
 * time). Extra arguments (--db, --fresh) are passed on. Results are also appended as JSON lines to
 * --json FILE (default: a file under the temp dir, named at the end).
 *
 *   npm run bench
 *   npx tsx bench/run-all.ts [--full] [--db pglite|postgres|both] [--only tree,search] [--json results.jsonl]
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine } from './lib/run.js';
import { ensureServerBuilt } from './lib/server.js';

const BENCHES = ['tree', 'files', 'search', 'upkeep', 'purge', 'load', 's3', 'compare'];

const argv = process.argv.slice(2);
const full = argv.includes('--full');
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : BENCHES;
const jsonIndex = argv.indexOf('--json');
const json =
  jsonIndex >= 0 ? argv[jsonIndex + 1]! : path.join(tmpdir(), `fileflow-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
const passOn = argv.filter(
  (arg, i) => arg !== '--full' && arg !== '--only' && arg !== '--json' && argv[i - 1] !== '--only' && argv[i - 1] !== '--json',
);
const dir = path.dirname(fileURLToPath(import.meta.url));

function run(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(dir, `${name}.ts`), ...(full ? [] : ['--quick']), '--json', json, ...passOn],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, BENCH_SERVER_BUILT: '1' },
      },
    );
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const started = Date.now();
process.stdout.write(`# FileFlow benchmarks (${full ? 'full' : 'quick'})\n\n${machineLine()}\n`);
// Every benchmark runs the server as `npm start` does: compiled once here, not by each of them.
await ensureServerBuilt();
const failed: string[] = [];
const times: string[] = [];
for (const name of BENCHES.filter((b) => only.includes(b))) {
  const t = Date.now();
  process.stdout.write(`\n## ${name}\n`);
  const code = await run(name);
  times.push(`${name} ${((Date.now() - t) / 1000).toFixed(0)} s`);
  if (code !== 0) {
    failed.push(name);
  }
}
process.stdout.write(`\n${times.join(', ')}; all in ${((Date.now() - started) / 60_000).toFixed(1)} min. Results as JSON lines: ${json}\n`);
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
