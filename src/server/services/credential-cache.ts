import { LruMap } from './lru-map.js';

/** What a valid session or token proved when it was last read from the database. */
export interface RememberedCredential {
  userId: string;
  via: 'session' | 'token';
  credentialId: string;
  /** When a session stops being valid (null for tokens, which live until revoked). */
  expiresAt: Date | null;
  /** Sessions: whether "remember me" was ticked (it sets the sliding lifetime). */
  remember: boolean;
  /** Tokens: when last_used_at was last written, in epoch ms. */
  lastUsedAt: number;
}

/**
 * Valid credentials by the hash of their secret, so that a signed-in request need not read the
 * session or token again before its own query: one database round trip less on every request.
 *
 * Only sound while this process is the only writer of the credentials, because a revocation must
 * take effect on the very next request: the services evict what they revoke (logout, a password
 * change, a token deleted) in the same call, and expiry is checked against the remembered time.
 * That holds for the embedded database, which one process opens at a time; on a PostgreSQL server
 * other workers and hosts revoke too, so there the cache is built with no capacity and every
 * request reads the database as before.
 */
export class CredentialCache {
  private readonly entries: LruMap<string, RememberedCredential>;
  // Counts evictions. A lookup notes it before reading the database and remembers what it read
  // only if nothing was evicted meanwhile: otherwise a read that began before a revocation and
  // ended after it would put the revoked credential back.
  private evictions = 0;

  constructor(capacity: number) {
    this.entries = new LruMap(capacity);
  }

  /** Taken before reading a credential from the database; hand it back to `remember`. */
  ticket(): number {
    return this.evictions;
  }

  /** The remembered credential for this secret hash, unless unknown or expired. */
  get(secretHash: string, now = Date.now()): RememberedCredential | undefined {
    const entry = this.entries.get(secretHash);
    if (entry?.expiresAt && entry.expiresAt.getTime() <= now) {
      this.entries.delete(secretHash);
      return undefined;
    }
    return entry;
  }

  /** Remembers a credential read from the database, unless something was revoked since `ticket`. */
  remember(secretHash: string, credential: RememberedCredential, ticket: number): void {
    if (ticket === this.evictions) {
      this.entries.set(secretHash, credential);
    }
  }

  /** Forgets one session or token (revoked). Revocations are rare; a scan is fine. */
  forgetCredential(credentialId: string): void {
    this.evictions++;
    this.entries.deleteWhere((entry) => entry.credentialId === credentialId);
  }

  /** Forgets every credential of a user (their other sessions were signed out). */
  forgetUser(userId: string): void {
    this.evictions++;
    this.entries.deleteWhere((entry) => entry.userId === userId);
  }

  /** Forgets everything: for whoever changed credentials behind the services' back. */
  clear(): void {
    this.evictions++;
    this.entries.clear();
  }
}
