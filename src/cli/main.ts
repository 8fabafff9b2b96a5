#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { text } from 'node:stream/consumers';
import { ConfigError, loadConfig, parseByteSize } from '../server/config.js';
import { storageMigrate } from './commands/storage-migrate.js';
import { registerBody } from '../server/routes/auth.schemas.js';
import { users, type UsersCommand } from './commands/users.js';

const USAGE = `Usage: fileflow <command>

Commands:
  storage migrate --to <local|s3> [--from <local|s3>]
      Copy every stored blob to the other store (same keys, SHA-256 checked).
      Resumable and idempotent. --from defaults to FILEFLOW_STORAGE.
  users list
      Every account: username, email, storage used and quota.
  users create <username> <email> [--password-stdin]
      Creates an account with the default quota, also when sign-up is closed
      (FILEFLOW_REGISTRATION=closed). The password is generated and printed once, or read
      from the first line of standard input.
  users set-quota <username|email> <size>
      Sets an account's quota: bytes, or 500MB, 10GiB, 1TiB.
  users reset-password <username|email> [--password-stdin] [--revoke-tokens]
      Gives an account a new password and signs out all its sessions. The password is
      generated and printed once, or read from the first line of standard input.
      Personal access tokens stay valid unless --revoke-tokens.
  users delete <username|email> [--yes]
      Deletes an account for good with its files, folders, links and saved searches
      (content other accounts use stays). Without --yes, says what it would delete.

Configuration comes from the same environment variables as the server. On the embedded
database (no DATABASE_URL), stop the server first: one process opens it at a time.`;

/** Standard input, when it is piped: a terminal would echo the password as it is typed. */
async function standardInput(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new Error('--password-stdin: pipe the password in (printf \'%s\\n\' "$PASSWORD" | fileflow ...); a terminal would show it');
  }
  return text(process.stdin);
}

/** The first line of standard input, without its line break: `echo secret | fileflow ...` gives "secret". */
async function firstLineOf(input: () => Promise<string>): Promise<string> {
  return (await input()).split(/\r?\n/)[0] ?? '';
}

/** The options each command takes; any other given to it is refused rather than ignored. */
const OPTIONS_OF: Record<string, readonly string[]> = {
  'storage migrate': ['to', 'from'],
  'users list': [],
  'users create': ['password-stdin'],
  'users set-quota': [],
  'users reset-password': ['password-stdin', 'revoke-tokens'],
  'users delete': ['yes'],
};

/** A line naming an option the command does not take, if one was given. */
function misplacedOption(command: string, given: readonly string[]): string | undefined {
  const allowed = OPTIONS_OF[command];
  const wrong = allowed && given.find((option) => option !== 'help' && !allowed.includes(option));
  return wrong ? `${command}: --${wrong} is not an option of this command` : undefined;
}

/** The `users` command the positionals name, or a line saying what is wrong with them. */
async function usersCommand(
  positionals: string[],
  { passwordStdin, confirmed, revokeTokens }: { passwordStdin: boolean; confirmed: boolean; revokeTokens: boolean },
  input: () => Promise<string>,
): Promise<UsersCommand | string> {
  const [, name, who, size, ...extra] = positionals;
  if (name === 'list' && who === undefined) {
    return { name: 'list' };
  }
  if (name === 'set-quota' && who !== undefined && size !== undefined && extra.length === 0) {
    const bytes = parseByteSize(size);
    return bytes !== null && bytes > 0 ? { name: 'set-quota', who, bytes } : `set-quota: expected a positive size such as 10GiB or 1048576, got "${size}"`;
  }
  if (name === 'create' && who !== undefined && size !== undefined && extra.length === 0) {
    const parsed = registerBody.pick({ username: true, email: true }).safeParse({ username: who, email: size });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return `create: ${String(issue?.path[0] ?? 'input')}: ${issue?.message ?? 'is not valid'}`;
    }
    const password = passwordStdin ? await firstLineOf(input) : undefined;
    return { name: 'create', ...parsed.data, password };
  }
  if (name === 'delete' && who !== undefined && size === undefined) {
    return { name: 'delete', who, confirmed };
  }
  if (name === 'reset-password' && who !== undefined && size === undefined) {
    const password = passwordStdin ? await firstLineOf(input) : undefined;
    return { name: 'reset-password', who, password, revokeTokens };
  }
  return name === undefined ? 'users: name a command' : `users ${name}: unknown command or wrong arguments`;
}


/**
 * Runs the fileflow command line; returns the exit code. What a command reports goes to `out`;
 * errors and usage after a wrong invocation go to `err` (standard error; `out` unless given), so
 * that `PASSWORD=$(fileflow users create ...)` captures no error text.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  { err = out, input = standardInput }: { err?: (line: string) => void; input?: () => Promise<string> } = {},
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        to: { type: 'string' },
        from: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        yes: { type: 'boolean' },
        'revoke-tokens': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    err(error instanceof Error ? error.message : String(error));
    err(USAGE);
    return 2;
  }
  const [group, command] = parsed.positionals;
  const misplaced = misplacedOption(`${group ?? ''} ${command ?? ''}`, Object.keys(parsed.values));
  if (misplaced) {
    err(misplaced);
    return 2;
  }
  if (!parsed.values.help && group === 'users') {
    const flags = {
      passwordStdin: parsed.values['password-stdin'] === true,
      confirmed: parsed.values.yes === true,
      revokeTokens: parsed.values['revoke-tokens'] === true,
    };
    let chosen: UsersCommand | string;
    try {
      chosen = await usersCommand(parsed.positionals, flags, input);
    } catch (error) {
      err(error instanceof Error ? error.message : String(error));
      return 2;
    }
    if (typeof chosen === 'string') {
      err(chosen);
      err(USAGE);
      return 2;
    }
    return withConfig(env, err, (config) => users(config, chosen, out, err));
  }
  if (parsed.values.help) {
    out(USAGE);
    return 0;
  }
  if (group !== 'storage' || command !== 'migrate') {
    err(USAGE);
    return 2;
  }
  const isKind = (value: string | undefined): value is 'local' | 's3' => value === 'local' || value === 's3';
  return withConfig(env, err, async (config) => {
    const to = parsed.values.to;
    const from = parsed.values.from ?? config.storage.kind;
    if (!isKind(to) || !isKind(from)) {
      err('--to and --from take local or s3');
      return 2;
    }
    return storageMigrate(config, { from, to }, out);
  });
}

/** Runs a command with the configuration; a bad setting or a failure is one line on `err` and exit code 1. */
async function withConfig(env: Record<string, string | undefined>, err: (line: string) => void, run: (config: ReturnType<typeof loadConfig>) => Promise<number>): Promise<number> {
  try {
    return await run(loadConfig(env));
  } catch (error) {
    err(error instanceof ConfigError ? error.message.split('\n').join('; ') : error instanceof Error ? error.message : String(error));
    return 1;
  }
}

/**
 * Whether this module is the program Node was asked to run: `node dist/cli/main.js`, or the
 * `fileflow` that npm links to it (npm link, a global install, npx), whose path names the link
 * while this module's URL names the file it points to.
 */
function isProgram(): boolean {
  const invoked = process.argv[1];
  if (invoked === undefined) {
    return false;
  }
  try {
    return realpathSync(invoked) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isProgram()) {
  runCli(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`), {
    err: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
