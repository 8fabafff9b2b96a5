import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { contentKey, type BlobStore } from '../../src/server/blobs/blob-store.js';
import { queryRows, type Database } from '../../src/server/db/client.js';

/**
 * Checks the storage invariants over the whole database and blob store; returns the violations
 * (empty when everything holds):
 * - the tree has no cycles (every node reaches the root);
 * - live names are unique per folder per user;
 * - each user's storage_used is exactly the sum of their file sizes, trash included;
 * - each blob's ref_count is exactly the number of file nodes and resumable uploads' chunks using it;
 * - every referenced blob is in the store with the right SHA-256 (when `verifyContent`).
 */
export async function checkInvariants(db: Database, store: BlobStore, options: { verifyContent?: boolean } = {}): Promise<string[]> {
  const problems: string[] = [];

  const cycles = await queryRows<{ id: string }>(
    db,
    sql`
    with recursive walk (id, parent_id, depth) as (
      select id, parent_id, 0 from file_nodes
      union all
      select w.id, n.parent_id, w.depth + 1 from walk w join file_nodes n on n.id = w.parent_id
      where w.depth < 200
    )
    select distinct id from walk where depth >= 200`,
  );
  if (cycles.length > 0) {
    problems.push(`cycle or runaway depth at ${cycles.map((row) => row.id).join(', ')}`);
  }

  const orphans = await queryRows<{ id: string }>(
    db,
    sql`select n.id from file_nodes n left join file_nodes p on p.id = n.parent_id
        where n.parent_id is not null and (p.id is null or (n.trashed_at is null and p.trashed_at is not null) or p.type <> 'folder' or p.user_id <> n.user_id)`,
  );
  if (orphans.length > 0) {
    problems.push(`live nodes under a missing, trashed, non-folder or foreign parent: ${orphans.map((row) => row.id).join(', ')}`);
  }

  const duplicates = await queryRows<{ name: string }>(
    db,
    sql`select name from file_nodes where trashed_at is null group by user_id, parent_id, name having count(*) > 1`,
  );
  if (duplicates.length > 0) {
    problems.push(`duplicate live names: ${duplicates.map((row) => row.name).join(', ')}`);
  }

  const usage = await queryRows<{ id: string; storage_used: string | number; actual: string | number; storage_quota: string | number }>(
    db,
    sql`select u.id, u.storage_used, u.storage_quota,
               coalesce((select sum(size) from file_nodes f where f.user_id = u.id and f.type = 'file'), 0) as actual
        from users u`,
  );
  for (const row of usage) {
    if (Number(row.storage_used) !== Number(row.actual)) {
      problems.push(`user ${row.id}: storage_used ${row.storage_used} but files sum to ${row.actual}`);
    }
    if (Number(row.storage_used) > Number(row.storage_quota)) {
      problems.push(`user ${row.id}: storage_used ${row.storage_used} over quota ${row.storage_quota}`);
    }
  }

  const refs = await queryRows<{ sha256: string; ref_count: number; actual: string | number }>(
    db,
    sql`select b.sha256, b.ref_count,
               (select count(*) from file_nodes f where f.sha256 = b.sha256 and f.type = 'file')
               + (select count(*) from upload_chunks c where c.sha256 = b.sha256) as actual
        from blobs b`,
  );
  for (const row of refs) {
    if (Number(row.ref_count) !== Number(row.actual)) {
      problems.push(`blob ${row.sha256.slice(0, 12)}: ref_count ${row.ref_count} but ${row.actual} nodes and chunks use it`);
    }
  }
  const unknown = await queryRows<{ sha256: string }>(
    db,
    sql`select distinct f.sha256 from file_nodes f left join blobs b on b.sha256 = f.sha256 where f.sha256 is not null and b.sha256 is null`,
  );
  const unknownChunks = await queryRows<{ sha256: string }>(
    db,
    sql`select distinct c.sha256 from upload_chunks c left join blobs b on b.sha256 = c.sha256 where b.sha256 is null`,
  );
  unknown.push(...unknownChunks);
  if (unknown.length > 0) {
    problems.push(`nodes reference content with no blob row: ${unknown.map((row) => row.sha256.slice(0, 12)).join(', ')}`);
  }

  if (options.verifyContent !== false) {
    for (const row of refs) {
      if (Number(row.ref_count) === 0) {
        continue;
      }
      const key = contentKey(row.sha256);
      if (!(await store.exists(key))) {
        problems.push(`blob ${row.sha256.slice(0, 12)} is referenced but missing from the store`);
        continue;
      }
      const hash = createHash('sha256');
      for await (const chunk of await store.read(key)) {
        hash.update(chunk as Buffer);
      }
      if (hash.digest('hex') !== row.sha256) {
        problems.push(`blob ${row.sha256.slice(0, 12)} has the wrong content in the store`);
      }
    }
  }
  return problems;
}
