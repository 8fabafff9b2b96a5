import type { Config } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { migrate as migrateSchema } from '../../server/db/migrate.js';
import { AppError } from '../../server/errors.js';
import { CredentialsRepository } from '../../server/repositories/sessions.repository.js';
import { UsersRepository } from '../../server/repositories/users.repository.js';
import { AccountsAdminService, type AccountSummary } from '../../server/services/accounts-admin.service.js';

export type UsersCommand =
  | { name: 'list' }
  | { name: 'set-quota'; who: string; bytes: number }
  | { name: 'reset-password'; who: string; password: string | undefined };

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

const usage = (account: AccountSummary) => `${binarySize(account.storageUsed)} of ${binarySize(account.storageQuota)}`;

/**
 * `fileflow users list | set-quota | reset-password`: the operator's account commands, on the
 * database the configuration names. On the embedded database the server must be stopped first
 * (one process opens it at a time); on a PostgreSQL server they take effect on running workers
 * at once, which read credentials and quotas from the database on every request that needs them.
 */
export async function users(config: Config, command: UsersCommand, out: (line: string) => void): Promise<number> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateSchema(database.db);
    const service = new AccountsAdminService(database.db, new UsersRepository(database.db), new CredentialsRepository(database.db));
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
      case 'set-quota': {
        const account = await service.setQuota(command.who, command.bytes);
        out(`${account.username}: quota set to ${binarySize(account.storageQuota)} (${account.storageQuota} bytes); using ${binarySize(account.storageUsed)}.`);
        if (account.storageUsed > account.storageQuota) {
          out('The account uses more than its new quota: its files stay, and uploads are refused until it is below.');
        }
        return 0;
      }
      case 'reset-password': {
        const { account, password, sessionsEnded } = await service.resetPassword(command.who, command.password);
        out(`${account.username}: password reset; ${sessionsEnded} signed-in ${sessionsEnded === 1 ? 'session' : 'sessions'} signed out.`);
        if (command.password === undefined) {
          out(`New password (shown once): ${password}`);
        }
        out('Personal access tokens stay valid; the user can revoke them in Settings.');
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof AppError) {
      out(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}
