import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { preparedOnce } from '../db/prepared.js';
import { deleteOwnedRow } from './owned-rows.js';
import { accountColumns, apiTokens, sessions, treeVersions, users, type AccountRow, type ApiTokenRow, type SessionRow } from '../db/schema/index.js';

// A user who never wrote a node has no row yet: version 0.
const treeVersionOfUser = sql<number>`coalesce((select ${treeVersions.version} from ${treeVersions} where ${treeVersions.userId} = ${users.id}), 0)`.mapWith(Number);

/** SQL for browser sessions and personal access tokens: both are looked up by the hash of a secret. */
export class CredentialsRepository {
  constructor(private readonly db: Executor) {}

  // Every signed-in request runs one of these two lookups first. They read the user's tree version
  // too (db/schema/tree-versions.ts): answers kept from an unchanged tree then need no query of their own.
  // Only the columns used are read: on PostgreSQL this lookup is most of a kept download's wait,
  // and the password hash has no business in it.
  private readonly sessionByHash = preparedOnce(() =>
    this.db
      .select({ session: { id: sessions.id, expiresAt: sessions.expiresAt, remember: sessions.remember }, user: accountColumns, treeVersion: treeVersionOfUser })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql`now()`)))
      .prepare('session_by_hash'),
  );

  private readonly tokenByHash = preparedOnce(() =>
    this.db
      .select({ token: { id: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt }, user: accountColumns, treeVersion: treeVersionOfUser })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')))
      .prepare('token_by_hash'),
  );

  /**
   * Opens a session for the user only if their password is still `passwordHash`, the one the
   * sign-in checked: a password reset or change that committed meanwhile (after the slow argon2
   * check) would otherwise miss the new session when it signed every session out. The user's
   * row is read FOR SHARE, so a reset still in progress is waited for and its new hash seen.
   * False when the password changed.
   */
  async insertSessionIfPasswordIs(
    values: { userId: string; tokenHash: string; remember: boolean; userAgent: string | null; expiresAt: Date },
    passwordHash: string,
  ): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(this.db, sql`
      insert into sessions (user_id, token_hash, remember, user_agent, expires_at)
      select id, ${values.tokenHash}, ${values.remember}, ${values.userAgent}, ${values.expiresAt.toISOString()}::timestamptz
      from (select id from users where id = ${values.userId} and password_hash = ${passwordHash} for share) checked
      returning id`);
    return rows.length === 1;
  }

  /** The live session with this secret hash, with its user. */
  async findSessionByHash(tokenHash: string): Promise<{ session: Pick<SessionRow, 'id' | 'expiresAt' | 'remember'>; user: AccountRow; treeVersion: number } | undefined> {
    const [row] = await this.sessionByHash().execute({ tokenHash });
    return row;
  }

  /** Extends a session that is still live; false when it has expired or been deleted meanwhile. */
  async extendSession(id: string, expiresAt: Date): Promise<boolean> {
    const rows = await this.db
      .update(sessions)
      .set({ expiresAt, lastSeenAt: sql`now()` })
      .where(and(eq(sessions.id, id), gt(sessions.expiresAt, sql`now()`)))
      .returning({ id: sessions.id });
    return rows.length === 1;
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, id));
  }

  /** A user's live sessions, the most recently active first. */
  async listSessions(userId: string): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, sql`now()`)))
      .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt))
      .limit(1000);
  }

  /** Deletes one of the user's sessions; false when the user has no such session. */
  async deleteUserSession(userId: string, id: string): Promise<boolean> {
    return deleteOwnedRow(this.db, sessions, userId, id);
  }

  /** Removes every session of a user except one (after a password change, all with null); returns how many. */
  async deleteOtherSessions(userId: string, keepId: string | null, tx: Executor = this.db): Promise<number> {
    const rows = await tx
      .delete(sessions)
      .where(keepId ? and(eq(sessions.userId, userId), sql`${sessions.id} <> ${keepId}`) : eq(sessions.userId, userId))
      .returning({ id: sessions.id });
    return rows.length;
  }

  /** Deletes every personal access token of a user; returns how many. */
  async deleteAllTokens(userId: string, tx: Executor = this.db): Promise<number> {
    const rows = await tx.delete(apiTokens).where(eq(apiTokens.userId, userId)).returning({ id: apiTokens.id });
    return rows.length;
  }

  /** Deletes expired sessions; returns how many. */
  async deleteExpiredSessions(): Promise<number> {
    const rows = await this.db
      .delete(sessions)
      .where(lt(sessions.expiresAt, sql`now()`))
      .returning({ id: sessions.id });
    return rows.length;
  }

  async insertToken(values: { userId: string; name: string; tokenHash: string }): Promise<ApiTokenRow> {
    const [row] = await this.db.insert(apiTokens).values(values).returning();
    if (!row) {
      throw new Error('insert into api_tokens returned no row');
    }
    return row;
  }

  async findTokenByHash(tokenHash: string): Promise<{ token: Pick<ApiTokenRow, 'id' | 'lastUsedAt'>; user: AccountRow; treeVersion: number } | undefined> {
    const [row] = await this.tokenByHash().execute({ tokenHash });
    return row;
  }

  async touchToken(id: string): Promise<void> {
    await this.db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(apiTokens.id, id));
  }

  async listTokens(userId: string): Promise<ApiTokenRow[]> {
    return this.db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
  }

  /** Deletes the user's token; false when no such token is theirs. */
  async deleteToken(userId: string, id: string): Promise<boolean> {
    return deleteOwnedRow(this.db, apiTokens, userId, id);
  }
}
