/** Command-line options shared by every benchmark: `--db pglite|postgres|both`, `--quick`, `--json <file>`, `--fresh`. */
export interface BenchArgs {
  /** Which databases to run against. */
  dbs: Array<'pglite' | 'postgres'>;
  /** Fewer runs and smaller data: what `npm run bench` uses to stay within its time budget. */
  quick: boolean;
  /** Also write the results as JSON to this file. */
  json: string | undefined;
  /** Rebuild cached seed databases instead of reusing them. */
  fresh: boolean;
  /** Anything else, `--name value` or `--flag` (true). */
  extra: Map<string, string>;
}

/** The PostgreSQL server benchmarks create their databases on (trust auth on loopback by default). */
export const POSTGRES_ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function parseArgs(argv: string[] = process.argv.slice(2), defaults: { dbs?: Array<'pglite' | 'postgres'> } = {}): BenchArgs {
  const extra = new Map<string, string>();
  let dbs = defaults.dbs ?? ['pglite', 'postgres'];
  let quick = process.env.BENCH_QUICK === '1';
  let json: string | undefined;
  let fresh = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const takeValue = () => {
      if (next === undefined || next.startsWith('--')) {
        throw new Error(`${arg} needs a value`);
      }
      i++;
      return next;
    };
    if (arg === '--db') {
      const value = takeValue();
      if (value === 'both' || value === 'all') {
        dbs = ['pglite', 'postgres'];
      } else if (value === 'pglite' || value === 'postgres') {
        dbs = [value];
      } else {
        throw new Error(`--db: expected pglite, postgres or both, got ${value}`);
      }
    } else if (arg === '--quick') {
      quick = true;
    } else if (arg === '--full') {
      quick = false;
    } else if (arg === '--json') {
      json = takeValue();
    } else if (arg === '--fresh') {
      fresh = true;
    } else if (arg.startsWith('--')) {
      if (next !== undefined && !next.startsWith('--')) {
        extra.set(arg.slice(2), next);
        i++;
      } else {
        extra.set(arg.slice(2), 'true');
      }
    } else {
      throw new Error(`unexpected argument: ${arg}`);
    }
  }
  return { dbs, quick, json, fresh, extra };
}
