import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { uploadChunks, uploadSessions, type UploadChunkRow, type UploadSessionRow } from '../db/schema/index.js';

/** Open: not past its expiry (an expired session not yet swept is as gone as a deleted one). */
const open = sql`${uploadSessions.expiresAt} > now()`;

/** SQL for upload sessions and their chunks. */
export class UploadSessionsRepository {
  constructor(private readonly db: Executor) {}

  /** Inserts a session expiring `ttlMs` from now. */
  async insert(
    values: Pick<UploadSessionRow, 'userId' | 'parentId' | 'name' | 'size' | 'conflict' | 'modifiedAt'>,
    ttlMs: number,
    tx: Executor,
  ): Promise<UploadSessionRow> {
    const [row] = await tx
      .insert(uploadSessions)
      .values({ ...values, expiresAt: sql`now() + ${`${ttlMs} milliseconds`}::interval` })
      .returning();
    if (!row) {
      throw new Error('insert into upload_sessions returned no row');
    }
    return row;
  }

  /** How many sessions the user has open, the bytes they reserve, and when the first of them expires. */
  async openTotals(userId: string, tx: Executor): Promise<{ count: number; reserved: number; firstExpiry: Date | null }> {
    const rows = await queryRows<{ count: string | number; reserved: string | number; first_expiry: string | Date | null }>(
      tx,
      sql`select count(*) as count, coalesce(sum(size), 0) as reserved, min(expires_at) as first_expiry
          from upload_sessions where user_id = ${userId} and expires_at > now()`,
    );
    const row = rows[0];
    const firstExpiry = row?.first_expiry ?? null;
    return {
      count: Number(row?.count ?? 0),
      reserved: Number(row?.reserved ?? 0),
      firstExpiry: firstExpiry === null ? null : new Date(firstExpiry),
    };
  }

  /** The user's open session `id`, or undefined (another user's is as absent as an unknown one). */
  async find(userId: string, id: string, tx: Executor = this.db): Promise<UploadSessionRow | undefined> {
    const [row] = await tx
      .select()
      .from(uploadSessions)
      .where(and(eq(uploadSessions.id, id), eq(uploadSessions.userId, userId), open));
    return row;
  }

  /** Like find, and locks the row until the transaction ends (chunks, completion and deletion serialise on it). */
  async lock(userId: string, id: string, tx: Executor): Promise<UploadSessionRow | undefined> {
    const [row] = await tx
      .select()
      .from(uploadSessions)
      .where(and(eq(uploadSessions.id, id), eq(uploadSessions.userId, userId), open))
      .for('update');
    return row;
  }

  /** The user's open sessions, newest first. */
  async listOpen(userId: string, tx: Executor = this.db): Promise<UploadSessionRow[]> {
    return tx
      .select()
      .from(uploadSessions)
      .where(and(eq(uploadSessions.userId, userId), open))
      .orderBy(desc(uploadSessions.createdAt), desc(uploadSessions.id));
  }

  /** Records a chunk (of one byte or more) at the session's offset and advances the offset and the expiry. */
  async appendChunk(session: UploadSessionRow, chunk: { length: number; sha256: string }, ttlMs: number, tx: Executor): Promise<UploadSessionRow> {
    await tx.insert(uploadChunks).values({ sessionId: session.id, offset: session.offset, length: chunk.length, sha256: chunk.sha256 });
    const [row] = await tx
      .update(uploadSessions)
      .set({ offset: session.offset + chunk.length, expiresAt: sql`now() + ${`${ttlMs} milliseconds`}::interval` })
      .where(eq(uploadSessions.id, session.id))
      .returning();
    if (!row) {
      throw new Error('the locked upload session was not found');
    }
    return row;
  }

  /** The session's chunks in offset order. */
  async chunks(sessionId: string, tx: Executor = this.db): Promise<UploadChunkRow[]> {
    return tx.select().from(uploadChunks).where(eq(uploadChunks.sessionId, sessionId)).orderBy(asc(uploadChunks.offset));
  }

  /**
   * Deletes the (locked) sessions and their chunks; returns the chunks' hashes, one per chunk, for
   * the caller to release in the same transaction.
   */
  async deleteSessions(sessionIds: readonly string[], tx: Executor): Promise<string[]> {
    if (sessionIds.length === 0) {
      return [];
    }
    const ids = JSON.stringify(sessionIds);
    const chunks = await queryRows<{ sha256: string }>(
      tx,
      sql`delete from upload_chunks where session_id in (select jsonb_array_elements_text(${ids}::jsonb)::uuid) returning sha256`,
    );
    await tx.execute(sql`delete from upload_sessions where id in (select jsonb_array_elements_text(${ids}::jsonb)::uuid)`);
    return chunks.map((row) => row.sha256);
  }

  /** Locks every session of the user (open or expired) and returns their ids. */
  async lockAllOf(userId: string, tx: Executor): Promise<string[]> {
    const rows = await tx.select({ id: uploadSessions.id }).from(uploadSessions).where(eq(uploadSessions.userId, userId)).orderBy(asc(uploadSessions.id)).for('update');
    return rows.map((row) => row.id);
  }

  /** Locks up to `limit` expired sessions (skipping those another transaction holds) and returns their ids. */
  async lockExpired(limit: number, tx: Executor): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`select id from upload_sessions where expires_at <= now() order by expires_at limit ${limit} for update skip locked`,
    );
    return rows.map((row) => row.id);
  }
}
