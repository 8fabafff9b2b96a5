import { sql } from 'drizzle-orm';
import { isSharedDatabase, type Database } from './client.js';

// The channel and setting of the trigger in migrations/0005_tree_versions.sql.
const CHANNEL = 'fileflow_tree_versions';

/** The part of the embedded database's client that delivers notifications. */
interface ListeningClient {
  listen(channel: string, callback: (payload: string) => void): Promise<unknown>;
}

/**
 * On the embedded database, has `onVersion` told each new tree version at the commit that made
 * it (the trigger's NOTIFY): the client hands notifications over while it reads the commit's
 * answer, before the transaction's caller resumes, so nothing can observe a commit and then read
 * an older version here. The one process that opens the embedded database makes all its writes.
 *
 * Returns false, and does nothing, on a PostgreSQL server: other processes write there, and a
 * notification from another connection may arrive after that process has already answered.
 */
export async function followTreeVersions(db: Database, onVersion: (userId: string, version: number) => void): Promise<boolean> {
  if (isSharedDatabase(db)) {
    return false;
  }
  const client = (db as unknown as { $client: ListeningClient }).$client;
  await client.listen(CHANNEL, (payload) => {
    const [userId, version] = payload.split(' ');
    if (userId && version) {
      onVersion(userId, Number(version));
    }
  });
  await db.execute(sql`set fileflow.announce_tree_versions = 'on'`);
  return true;
}
