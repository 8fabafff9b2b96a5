import { asc, eq, or, sql } from 'drizzle-orm';
import { queryRows, type Executor, type Transaction } from '../db/client.js';
import { preparedOnce } from '../db/prepared.js';
import { users, type UserRow } from '../db/schema/index.js';

/** SQL for accounts and their storage counters. */
export class UsersRepository {
  constructor(private readonly db: Executor) {}

  // GET /api/me reads the account on every call (the session alone may come from memory).
  private readonly byId = preparedOnce(() =>
    this.db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('user_by_id'),
  );

  /** Inserts an account; unique violations surface as database errors for the caller to map. */
  async insert(values: { username: string; email: string; passwordHash: string; storageQuota: number }, tx: Executor = this.db): Promise<UserRow> {
    const [row] = await tx.insert(users).values(values).returning();
    if (!row) {
      throw new Error('insert into users returned no row');
    }
    return row;
  }

  async findById(id: string, tx?: Executor): Promise<UserRow | undefined> {
    const [row] = tx ? await tx.select().from(users).where(eq(users.id, id)) : await this.byId().execute({ id });
    return row;
  }

  async findByEmail(email: string, tx: Executor = this.db): Promise<UserRow | undefined> {
    const [row] = await tx.select().from(users).where(eq(users.email, email));
    return row;
  }

  /** The account whose username is `who`, or whose email is `who` in any case (for the operator's CLI). */
  async findByUsernameOrEmail(who: string, tx: Executor = this.db): Promise<UserRow | undefined> {
    const [row] = await tx
      .select()
      .from(users)
      .where(or(eq(users.username, who), eq(users.email, who.toLowerCase())));
    return row;
  }

  /** Every account, by username (for the operator's CLI; a self-hosted instance has few). */
  async listAll(tx: Executor = this.db): Promise<UserRow[]> {
    return tx.select().from(users).orderBy(asc(users.username));
  }

  /** Sets an account's quota; the storage it uses stays as it is, even above the new quota. */
  async setQuota(id: string, storageQuota: number, tx: Executor = this.db): Promise<UserRow | undefined> {
    const [row] = await tx.update(users).set({ storageQuota }).where(eq(users.id, id)).returning();
    return row;
  }

  /**
   * Deletes the account (its sessions, tokens, links and saved searches go with it) only if it
   * holds no node any more: deleting nodes by the cascade would skip their blob references and
   * storage. Runs in `tx`, a transaction: the account's row is locked first, which waits for any
   * transaction still writing its nodes (an upload charges the row, a node's foreign key locks it),
   * so that the next statement's snapshot sees what they committed, and the ones after wait for
   * this one and then find no account. False when something is left.
   */
  async deleteIfEmpty(id: string, tx: Transaction): Promise<boolean> {
    await tx.execute(sql`select id from users where id = ${id} for update`);
    const rows = await queryRows<{ id: string }>(tx, sql`
      delete from users where id = ${id} and not exists (select 1 from file_nodes where user_id = ${id})
      returning id`);
    return rows.length === 1;
  }

  /** Locks the account's row until the transaction ends and returns it (undefined: no such account). */
  async lock(id: string, tx: Transaction): Promise<UserRow | undefined> {
    const [row] = await tx.select().from(users).where(eq(users.id, id)).for('update');
    return row;
  }

  async updatePasswordHash(id: string, passwordHash: string, tx: Executor = this.db): Promise<void> {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, id));
  }

  /**
   * Charges `bytes` to the user's storage only if it stays within the quota: one conditional UPDATE,
   * so concurrent uploads can never together exceed it. Returns false when refused.
   */
  async tryCharge(id: string, bytes: number, tx: Executor = this.db): Promise<boolean> {
    const result = await queryRows<Record<string, unknown>>(tx, sql`
      update users set storage_used = storage_used + ${bytes}
      where id = ${id} and storage_used + ${bytes} <= storage_quota
      returning id`);
    return result.length === 1;
  }

  /** Returns bytes to the user's storage (deletions); never below zero. */
  async release(id: string, bytes: number, tx: Executor = this.db): Promise<void> {
    await tx.execute(sql`update users set storage_used = greatest(storage_used - ${bytes}, 0) where id = ${id}`);
  }
}
