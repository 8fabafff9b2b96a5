import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import type { BlobReferences } from '../services/blob-references.js';

/** The advisory lock of one content hash (see BlobsRepository.lockContent). */
const contentLockKey = (sha256: string) => sql`hashtextextended(${`blob:${sha256}`}, 0)`;

/** The advisory lock between leasing content and collecting it (see BlobsRepository.lease and lockLeases). */
const LEASES_LOCK_KEY = sql`hashtextextended('content-leases', 0)`;

/** Hashes as one comma-separated parameter, not one parameter each (hex digests hold no commas). */
function hashList(sha256s: readonly string[]): string {
  for (const sha of sha256s) {
    if (!/^[0-9a-f]{64}$/.test(sha)) {
      throw new Error(`not a SHA-256 digest: ${sha.slice(0, 80)}`);
    }
  }
  return sha256s.join(',');
}

/** SQL for the blobs table: stored content and its reference counts. */
export class BlobsRepository implements BlobReferences {
  constructor(private readonly db: Executor) {}

  /**
   * Serialises everything about one content hash until the transaction ends: an upload that is
   * about to reference content, and the sweep that deletes objects no row knows of.
   */
  async lockContent(sha256: string, tx: Executor): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(${contentLockKey(sha256)})`);
  }

  /** Whether a row (referenced or not) exists for the hash. */
  async exists(sha256: string, tx: Executor = this.db): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(tx, sql`select 1 as one from blobs where sha256 = ${sha256}`);
    return rows.length > 0;
  }

  /**
   * Takes the content lock (lockContent), then adds one reference to the content, creating its
   * row if needed: one statement, the lock taken as the row to insert is made, before the insert
   * looks for a conflicting row (which it does in the latest committed state, not in the
   * statement's snapshot). Locks the row until the transaction ends. `wasUnreferenced` is true
   * when the row is new or had no references, i.e. when the stored object may be missing (new, or
   * being collected) and must be made sure of.
   */
  async lockAndReference(blob: { sha256: string; size: number; storageKey: string }, tx: Executor): Promise<{ wasUnreferenced: boolean }> {
    const rows = await queryRows<{ ref_count: number }>(
      tx,
      sql`
      insert into blobs (sha256, size, storage_key, ref_count)
      select ${blob.sha256}, ${blob.size}, ${blob.storageKey}, 1 from (select pg_advisory_xact_lock(${contentLockKey(blob.sha256)})) as locked
      on conflict (sha256) do update set ref_count = blobs.ref_count + 1
      returning ref_count`,
    );
    return { wasUnreferenced: Number(rows[0]?.ref_count) === 1 };
  }

  /** Adds one reference per listed hash; a hash listed n times gains n. */
  async add(sha256s: readonly string[], tx: Executor = this.db): Promise<void> {
    await this.adjust(sha256s, 1, tx);
  }

  /** Removes one reference per listed hash; returns the hashes left with none. */
  async release(sha256s: readonly string[], tx: Executor = this.db): Promise<string[]> {
    const rows = await this.adjust(sha256s, -1, tx);
    return rows.filter((row) => row.refCount === 0).map((row) => row.sha256);
  }

  /**
   * Changes reference counts by `sign` times the number of times each hash is listed, in two
   * statements whatever the batch size: the rows are locked first in hash order (so concurrent
   * transactions can never deadlock on them), then updated together from one JSON parameter.
   */
  private async adjust(sha256s: readonly string[], sign: 1 | -1, tx: Executor): Promise<Array<{ sha256: string; refCount: number }>> {
    const counts = tally(sha256s);
    if (counts.length === 0) {
      return [];
    }
    const deltas = JSON.stringify(Object.fromEntries(counts.map(([sha, n]) => [sha, sign * n])));
    await tx.execute(sql`
      select 1 from blobs where sha256 in (select jsonb_object_keys(${deltas}::jsonb))
      order by sha256 for update`);
    const rows = await queryRows<{ sha256: string; ref_count: number }>(
      tx,
      sql`
      update blobs set ref_count = greatest(blobs.ref_count + d.delta::int, 0)
      from jsonb_each_text(${deltas}::jsonb) as d(sha256, delta)
      where blobs.sha256 = d.sha256
      returning blobs.sha256, blobs.ref_count`,
    );
    return rows.map((row) => ({ sha256: row.sha256, refCount: Number(row.ref_count) }));
  }

  /**
   * Locks the rows of those blobs that are unreferenced (skipping rows another transaction holds,
   * in hash order); returns their hashes and storage keys. Referenced, gone or busy ones are left out.
   */
  async lockUnreferenced(sha256s: readonly string[], tx: Executor): Promise<Array<{ sha256: string; storageKey: string }>> {
    if (sha256s.length === 0) {
      return [];
    }
    const rows = await queryRows<{ sha256: string; storage_key: string }>(
      tx,
      sql`select sha256, storage_key from blobs
          where sha256 in (select jsonb_array_elements_text(${JSON.stringify(sha256s)}::jsonb)) and ref_count = 0
          order by sha256 for update skip locked`,
    );
    return rows.map((row) => ({ sha256: row.sha256, storageKey: row.storage_key }));
  }

  async deleteRows(sha256s: readonly string[], tx: Executor): Promise<void> {
    if (sha256s.length > 0) {
      await tx.execute(sql`delete from blobs where sha256 in (select jsonb_array_elements_text(${JSON.stringify(sha256s)}::jsonb))`);
    }
  }

  /** Up to `limit` hashes of unreferenced blobs that no live lease holds. */
  async listUnreferenced(limit: number, tx: Executor = this.db): Promise<string[]> {
    const rows = await queryRows<{ sha256: string }>(
      tx,
      sql`select b.sha256 from blobs b
          left join (select distinct unnest(string_to_array(sha256s, ',')) as sha256 from content_leases where expires_at > now()) leased on leased.sha256 = b.sha256
          where b.ref_count = 0 and leased.sha256 is null
          limit ${limit}`,
    );
    return rows.map((row) => row.sha256);
  }

  /**
   * Takes the leases lock, shared, until the transaction ends: a transaction that reads what a
   * download will read, then leases it (insertLease), takes it first, so that its reads see every
   * collection committed before, and a collection that comes later waits for the lease to be
   * committed (lockLeases) and then leaves the leased content alone.
   */
  async shareLeasesLock(tx: Executor): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(${LEASES_LOCK_KEY})`);
  }

  /** Leases content for `seconds` (see shareLeasesLock): one row, whatever the number of hashes. */
  async insertLease(leaseId: string, sha256s: readonly string[], seconds: number, tx: Executor): Promise<void> {
    await tx.execute(
      sql`insert into content_leases (lease_id, expires_at, sha256s) values (${leaseId}, now() + make_interval(secs => ${seconds}), ${hashList(sha256s)})
          on conflict (lease_id) do update set expires_at = excluded.expires_at`,
    );
  }

  /**
   * Takes the leases lock exclusively until the transaction ends: a collector takes it before it
   * asks which content is leased (leasedAmong), so every lease is either committed by then or
   * made after the collection, by a transaction whose reads no longer find the collected content.
   */
  async lockLeases(tx: Executor): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(${LEASES_LOCK_KEY})`);
  }

  /** Moves a lease's end to `seconds` from now; returns false when there is no such lease (any more). */
  async renewLease(leaseId: string, seconds: number, tx: Executor = this.db): Promise<boolean> {
    const rows = await queryRows<{ renewed: number }>(
      tx,
      sql`update content_leases set expires_at = now() + make_interval(secs => ${seconds}) where lease_id = ${leaseId} returning 1 as renewed`,
    );
    return rows.length > 0;
  }

  /** Ends a lease; returns the hashes it held that are unreferenced (to be collected). */
  async endLease(leaseId: string, tx: Executor = this.db): Promise<string[]> {
    const rows = await queryRows<{ sha256: string }>(
      tx,
      sql`with ended as (delete from content_leases where lease_id = ${leaseId} returning sha256s)
          select b.sha256 from blobs b join (select distinct unnest(string_to_array(sha256s, ',')) as sha256 from ended) held on held.sha256 = b.sha256
          where b.ref_count = 0`,
    );
    return rows.map((row) => row.sha256);
  }

  /** Which of the given hashes a live lease holds (see lockLeases). */
  async leasedAmong(sha256s: readonly string[], tx: Executor): Promise<Set<string>> {
    if (sha256s.length === 0) {
      return new Set();
    }
    const rows = await queryRows<{ sha256: string }>(
      tx,
      sql`select distinct h as sha256 from content_leases l cross join lateral unnest(string_to_array(l.sha256s, ',')) h
          where l.expires_at > now() and h in (select unnest(string_to_array(${hashList(sha256s)}, ',')))`,
    );
    return new Set(rows.map((row) => row.sha256));
  }

  /**
   * Deletes leases: those that ran out without being ended (their process died), or every one
   * (`all`: at the start of the one process that opens the embedded database). Returns how many.
   */
  async deleteLeases(which: 'expired' | 'all', tx: Executor = this.db): Promise<number> {
    const condition = which === 'expired' ? sql`where expires_at <= now()` : sql``;
    const rows = await queryRows<{ n: number | string }>(tx, sql`with gone as (delete from content_leases ${condition} returning 1) select count(*) as n from gone`);
    return Number(rows[0]?.n ?? 0);
  }

  /** Up to `limit` blobs after `afterSha256` in hash order: a resumable walk over all stored content. */
  async page(afterSha256: string, limit: number, tx: Executor = this.db): Promise<Array<{ sha256: string; size: number; storageKey: string }>> {
    const rows = await queryRows<{ sha256: string; size: string | number; storage_key: string }>(
      tx,
      sql`select sha256, size, storage_key from blobs where sha256 > ${afterSha256} order by sha256 limit ${limit}`,
    );
    return rows.map((row) => ({ sha256: row.sha256, size: Number(row.size), storageKey: row.storage_key }));
  }

  /** Which of the given hashes have a row (referenced or not). */
  async existing(sha256s: readonly string[], tx: Executor = this.db): Promise<Set<string>> {
    if (sha256s.length === 0) {
      return new Set();
    }
    const rows = await queryRows<{ sha256: string }>(
      tx,
      sql`select sha256 from blobs where sha256 in (${sql.join(
        sha256s.map((sha) => sql`${sha}`),
        sql`, `,
      )})`,
    );
    return new Set(rows.map((row) => row.sha256));
  }
}

/** Counts of each distinct hash, in a stable order so that concurrent transactions lock rows alike (no deadlocks). */
function tally(sha256s: readonly string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const sha of sha256s) {
    counts.set(sha, (counts.get(sha) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
