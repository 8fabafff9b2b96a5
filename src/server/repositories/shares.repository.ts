import { and, desc, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { deleteOwnedRow } from './owned-rows.js';
import { fileNodes, shares, type FileNodeRow, type ShareRow } from '../db/schema/index.js';

/** SQL for share links. */
/** How finely downloads in pieces are counted: a billionth of a download. */
export const PARTIAL_UNITS_PER_DOWNLOAD = 1_000_000_000;

export class SharesRepository {
  constructor(private readonly db: Executor) {}

  /** Revokes every link of a user (the account is being deleted); returns how many. */
  async deleteAllOf(userId: string, tx: Executor = this.db): Promise<number> {
    const rows = await tx.delete(shares).where(eq(shares.userId, userId)).returning({ id: shares.id });
    return rows.length;
  }

  async insert(values: Omit<typeof shares.$inferInsert, 'id' | 'accessCount'>): Promise<ShareRow> {
    const [row] = await this.db.insert(shares).values(values).returning();
    if (!row) {
      throw new Error('insert into shares returned no row');
    }
    return row;
  }

  /** Links joined with the node each points at. */
  private withNodes() {
    return this.db.select({ share: shares, node: fileNodes }).from(shares).innerJoin(fileNodes, eq(fileNodes.id, shares.nodeId));
  }

  /** The user's links (optionally of one node), newest first, with the shared node. */
  async list(userId: string, nodeId?: string): Promise<Array<{ share: ShareRow; node: FileNodeRow }>> {
    return this.withNodes()
      .where(nodeId ? and(eq(shares.userId, userId), eq(shares.nodeId, nodeId)) : eq(shares.userId, userId))
      .orderBy(desc(shares.createdAt))
      .limit(10_000);
  }

  /** The user's link `id` with its node; undefined when the user has no such link. */
  async find(userId: string, id: string): Promise<{ share: ShareRow; node: FileNodeRow } | undefined> {
    const [row] = await this.withNodes().where(and(eq(shares.id, id), eq(shares.userId, userId)));
    return row;
  }

  /** Changes the user's link `id`; undefined when the user has no such link. */
  async update(
    userId: string,
    id: string,
    values: Partial<Pick<typeof shares.$inferInsert, 'expiresAt' | 'maxDownloads' | 'passwordHash'>>,
  ): Promise<{ share: ShareRow; node: FileNodeRow } | undefined> {
    const updated = await this.db
      .update(shares)
      .set(values)
      .where(and(eq(shares.id, id), eq(shares.userId, userId)))
      .returning({ id: shares.id });
    return updated.length === 1 ? this.find(userId, id) : undefined;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return deleteOwnedRow(this.db, shares, userId, id);
  }

  /** The link with this token hash and its node (live or not). */
  async findByTokenHash(tokenHash: string): Promise<{ share: ShareRow; node: FileNodeRow } | undefined> {
    const [row] = await this.withNodes().where(eq(shares.tokenHash, tokenHash));
    return row;
  }

  /**
   * Counts one download if the limit allows it: one conditional UPDATE, so concurrent downloads
   * can never together pass `max_downloads`. Returns false when the link is used up.
   */
  async reserveDownload(id: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      sql`
      update shares set access_count = access_count + 1
      where id = ${id} and (max_downloads is null or access_count < max_downloads)
      returning id`,
    );
    return rows.length === 1;
  }

  /** Gives back a reserved download that did not complete. */
  async refundDownload(id: string): Promise<void> {
    await this.db.execute(sql`update shares set access_count = greatest(access_count - 1, 0) where id = ${id}`);
  }

  /**
   * Counts part of a download (`units` billionths of one) if the limit allows another download
   * to begin: the units add up, and each whole download they make moves access_count. Returns
   * false when the link is used up. A part is at most a whole file, so access_count never passes
   * max_downloads.
   */
  async reservePartialDownload(id: string, units: number): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      sql`
      update shares set
        access_count = access_count + (partial_download_units + ${units}) / ${PARTIAL_UNITS_PER_DOWNLOAD},
        partial_download_units = (partial_download_units + ${units}) % ${PARTIAL_UNITS_PER_DOWNLOAD}
      where id = ${id} and (max_downloads is null or access_count < max_downloads)
      returning id`,
    );
    return rows.length === 1;
  }

  /** Gives back part of a download that did not complete, borrowing a whole one if need be. */
  async refundPartialDownload(id: string, units: number): Promise<void> {
    await this.db.execute(sql`
      update shares set
        access_count = case when partial_download_units >= ${units} then access_count else greatest(access_count - 1, 0) end,
        partial_download_units = case
          when partial_download_units >= ${units} then partial_download_units - ${units}
          when access_count > 0 then partial_download_units + ${PARTIAL_UNITS_PER_DOWNLOAD} - ${units}
          else 0 end
      where id = ${id}`);
  }
}
