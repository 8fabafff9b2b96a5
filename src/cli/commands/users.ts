import type { Logger } from 'pino';
import type { BlobStore } from '../../server/blobs/blob-store.js';
import { createBlobStore } from '../../server/blobs/create-blob-store.js';
import type { Config } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { migrate as migrateSchema } from '../../server/db/migrate.js';
import { AppError } from '../../server/errors.js';
import type { AccountSummary } from '../../server/services/accounts-admin.service.js';
import { createServices } from '../../server/services/index.js';

export type UsersCommand =
  | { name: 'list' }
  | { name: 'create'; username: string; email: string; password: string | undefined }
  | { name: 'set-quota'; who: string; bytes: number }
  | { name: 'reset-password'; who: string; password: string | undefined; revokeTokens: boolean }
  | { name: 'delete'; who: string; confirmed: boolean };

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB": the powers of 1024 that FILEFLOW_DEFAULT_QUOTA's "10GiB" uses. */
function binarySize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1).replace(/\.0$/, '')} ${UNITS[unit]}`;
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '));
}

/** The services' warnings (content that could not be removed from the store, say) as lines of output. */
function lineLogger(out: (line: string) => void): Pick<Logger, 'warn' | 'error'> {
  const report = (fields: unknown, message?: string) => {
    const cause = (fields as { err?: unknown } | undefined)?.err;
    out(`${message ?? ''}${cause instanceof Error ? `: ${cause.message}` : ''}`);
  };
  // pino's log functions are overloaded; these take the one form the services use.
  return { warn: report, error: report };
}

/** "1 signed-in session", "2 signed-in sessions". */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const usage = (account: AccountSummary) => `${binarySize(account.storageUsed)} of ${binarySize(account.storageQuota)}`;

/**
 * `fileflow users list | create | set-quota | reset-password | delete`: the operator's account commands,
 * on the database and blob store the configuration names. On the embedded database the server must be stopped first
 * (one process opens it at a time); on a PostgreSQL server they take effect on running workers
 * at once, which read credentials and quotas from the database on every request that needs them.
 */
export async function users(config: Config, command: UsersCommand, out: (line: string) => void, err: (line: string) => void = out): Promise<number> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let store: BlobStore | undefined;
  try {
    await migrateSchema(database.db);
    // Only a deletion touches stored content: the rest works while an S3 store is out of reach.
    store = await createBlobStore(config, { checkStore: command.name === 'delete' });
    const service = createServices(config, database.db, store, lineLogger(err)).accounts;
    switch (command.name) {
      case 'list': {
        const accounts = await service.list();
        if (accounts.length === 0) {
          out('No accounts yet.');
          return 0;
        }
        const rows = accounts.map((account) => [account.username, account.email, usage(account), account.createdAt.toISOString().slice(0, 10)]);
        for (const line of table([['USERNAME', 'EMAIL', 'STORAGE', 'CREATED'], ...rows])) {
          out(line);
        }
        return 0;
      }
      case 'create': {
        const { account, password } = await service.create(command);
        out(`${account.username} <${account.email}>: account created, with a quota of ${binarySize(account.storageQuota)}.`);
        if (command.password === undefined) {
          out(`Password (shown once): ${password}`);
        }
        return 0;
      }
      case 'set-quota': {
        const account = await service.setQuota(command.who, command.bytes);
        out(`${account.username}: quota set to ${binarySize(account.storageQuota)} (${account.storageQuota} bytes); using ${binarySize(account.storageUsed)}.`);
        if (account.storageUsed > account.storageQuota) {
          out('The account uses more than its new quota: its files stay, and uploads are refused until it is below.');
        }
        return 0;
      }
      case 'reset-password': {
        const { account, password, sessionsEnded, tokensRevoked, tokensLeft } = await service.resetPassword(command.who, command.password, {
          revokeTokens: command.revokeTokens,
        });
        out(`${account.username}: password reset; ${count(sessionsEnded, 'signed-in session')} signed out.`);
        if (command.password === undefined) {
          out(`New password (shown once): ${password}`);
        }
        if (command.revokeTokens) {
          out(`${count(tokensRevoked, 'personal access token')} revoked.`);
        } else if (tokensLeft > 0) {
          out(`${count(tokensLeft, 'personal access token')} still valid: --revoke-tokens revokes them (after a stolen password, do).`);
        }
        return 0;
      }
      case 'delete': {
        if (!command.confirmed) {
          const account = await service.describe(command.who);
          out(
            `This deletes the account ${account.username} <${account.email}> for good, with its ${binarySize(account.storageUsed)} of files, ` +
              'its folders, links and saved searches. Run again with --yes to delete it.',
          );
          return 2;
        }
        const account = await service.deleteAccount(command.who).catch((error: unknown) => {
          // The account is unusable from the first step on; a second run picks up where this stopped.
          throw error instanceof AppError ? error : new Error(`${error instanceof Error ? error.message : String(error)}; run the command again to finish`);
        });
        out(`${account.username}: account deleted, with ${binarySize(account.storageUsed)} of files.`);
        return 0;
      }
      default:
        return command satisfies never;
    }
  } catch (error) {
    if (error instanceof AppError) {
      err(error.message);
      return 1;
    }
    throw error;
  } finally {
    store?.close?.();
    await database.close();
  }
}
