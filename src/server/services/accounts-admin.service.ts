import { randomBytes } from 'node:crypto';
import type { Database, Transaction } from '../db/client.js';
import type { UserRow } from '../db/schema/index.js';
import { invalidRequest, notFound } from '../errors.js';
import type { CredentialsRepository } from '../repositories/sessions.repository.js';
import type { SharesRepository } from '../repositories/shares.repository.js';
import type { UsersRepository } from '../repositories/users.repository.js';
import type { AuthService } from './auth.service.js';
import type { ContentService } from './content.service.js';
import type { TrashService } from './trash.service.js';
import type { UploadSessionsService } from './upload-sessions.service.js';
import { hashPassword, newSecret, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../security/secrets.js';

/** A password for the operator to pass on: 120 bits from the CSPRNG, 20 characters to type once. */
const generatedPassword = () => randomBytes(15).toString('base64url');

export type AccountSummary = Pick<UserRow, 'id' | 'username' | 'email' | 'storageUsed' | 'storageQuota' | 'createdAt'>;

function checkPasswordLength(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw invalidRequest(`password: must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
}

const summaryOf = ({ id, username, email, storageUsed, storageQuota, createdAt }: AccountSummary): AccountSummary => ({
  id,
  username,
  email,
  storageUsed,
  storageQuota,
  createdAt,
});

/**
 * What the operator of an instance does to accounts from the command line (`fileflow users`):
 * there is no administrator in the HTTP API, and without this a forgotten password or a quota
 * to raise meant SQL by hand. Accounts are named by username or email.
 */
export class AccountsAdminService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly credentials: CredentialsRepository,
    private readonly trash: TrashService,
    private readonly auth: AuthService,
    private readonly shares: SharesRepository,
    private readonly uploadSessions: UploadSessionsService,
    private readonly content: ContentService,
  ) {}

  async list(): Promise<AccountSummary[]> {
    return (await this.users.listAll()).map(summaryOf);
  }

  /**
   * Creates an account with the default quota, whether or not sign-up is open (closed, this is
   * how accounts are made), with a generated password when none is given, returned once.
   */
  async create(input: { username: string; email: string; password?: string }): Promise<{ account: AccountSummary; password: string }> {
    const password = input.password ?? generatedPassword();
    checkPasswordLength(password);
    const account = await this.auth.createAccount({ username: input.username, email: input.email, password });
    return { account: summaryOf(account), password };
  }

  /** The account named `who` (for a question before something is done to it). */
  async describe(who: string): Promise<AccountSummary> {
    return summaryOf(await this.find(who));
  }

  private async find(who: string): Promise<UserRow> {
    const user = await this.users.findByUsernameOrEmail(who.trim());
    if (!user) {
      throw notFound(`An account named "${who}"`);
    }
    return user;
  }

  /** Sets the quota; an account already above it keeps its files and can upload again once below. */
  async setQuota(who: string, bytes: number): Promise<AccountSummary> {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw invalidRequest('quota: must be a positive number of bytes');
    }
    const user = await this.find(who);
    const updated = await this.users.setQuota(user.id, bytes);
    if (!updated) {
      throw notFound(`An account named "${who}"`);
    }
    return summaryOf(updated);
  }

  /**
   * Gives the account a new password (a generated one when none is given, returned once) and
   * signs out every session in the same transaction; with `revokeTokens`, its personal access
   * tokens go too (after a stolen password: the thief may have made one). Otherwise they stay,
   * as after a password change in Settings, and `tokensLeft` says how many.
   */
  async resetPassword(
    who: string,
    newPassword?: string,
    options: { revokeTokens?: boolean } = {},
  ): Promise<{ account: AccountSummary; password: string; sessionsEnded: number; tokensRevoked: number; tokensLeft: number }> {
    const password = newPassword ?? generatedPassword();
    checkPasswordLength(password);
    const user = await this.find(who);
    const passwordHash = await hashPassword(password);
    const revokeTokens = options.revokeTokens === true;
    const ended = await this.db.transaction((tx) => this.replacePassword(user.id, passwordHash, revokeTokens, tx));
    const tokensLeft = revokeTokens ? 0 : (await this.credentials.listTokens(user.id)).length;
    return { account: summaryOf(user), password, ...ended, tokensLeft };
  }

  /** Sets the password hash and signs out every session (and, with `revokeTokens`, every token) in `tx`. */
  private async replacePassword(
    userId: string,
    passwordHash: string,
    revokeTokens: boolean,
    tx: Transaction,
  ): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
    await this.users.updatePasswordHash(userId, passwordHash, tx);
    const sessionsEnded = await this.credentials.deleteOtherSessions(userId, null, tx);
    const tokensRevoked = revokeTokens ? await this.credentials.deleteAllTokens(userId, tx) : 0;
    return { sessionsEnded, tokensRevoked };
  }

  /**
   * Deletes the account and everything it holds, for good. First, in one transaction, no one can
   * use it any more: every session, token and link goes, and the password becomes one nobody
   * knows. Then its files and folders are deleted as the trash deletes them for good, in batches
   * that give back blob references (content that other accounts use stays). Last, the account
   * row, with its saved searches and its resumable uploads (whose chunks are released), only
   * once no node of it is left. A crash midway leaves an
   * account no one can use, whose files no link serves, and running the command again finishes.
   */
  async deleteAccount(who: string): Promise<AccountSummary> {
    const user = await this.find(who);
    const unknowable = await hashPassword(newSecret());
    await this.db.transaction(async (tx) => {
      await this.replacePassword(user.id, unknowable, true, tx);
      await this.shares.deleteAllOf(user.id, tx);
    });
    await this.trash.purgeAllOf(user.id);
    // Its resumable uploads go in the transaction that deletes the row, with their chunks'
    // references (the foreign key's cascade would drop the rows and leak the references). The
    // account's row is locked first: an upload session being created waits, then finds no account.
    const { deleted, orphaned } = await this.db.transaction(async (tx) => {
      await this.users.lock(user.id, tx);
      const orphaned = await this.uploadSessions.deleteAllOf(user.id, tx);
      return { deleted: await this.users.deleteIfEmpty(user.id, tx), orphaned };
    });
    await this.content.collect(orphaned);
    if (!deleted) {
      throw new Error(`some files of ${user.username} are still there; run the command again to finish`);
    }
    return summaryOf(user);
  }
}
