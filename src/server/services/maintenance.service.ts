import type { BlobStore, ListedObject } from '../blobs/blob-store.js';
import { sha256OfKey } from '../blobs/blob-store.js';
import type { BlobsRepository } from '../repositories/blobs.repository.js';
import type { RateLimitsRepository } from '../repositories/rate-limits.repository.js';
import type { CredentialsRepository } from '../repositories/sessions.repository.js';
import type { ContentService } from './content.service.js';
import type { TrashService } from './trash.service.js';
import type { UploadSessionsService } from './upload-sessions.service.js';

const HOUR = 3600_000;
/** An object without a row is left alone this long: it may be an upload about to commit. */
const ORPHAN_GRACE_MS = HOUR;
const STAGING_MAX_AGE_MS = 24 * HOUR;

/** The periodic jobs' work: retention purge, blob collection, staging sweep, session, upload and counter expiry. */
export class MaintenanceService {
  constructor(
    private readonly trash: TrashService,
    private readonly content: ContentService,
    private readonly blobs: BlobsRepository,
    private readonly store: BlobStore,
    private readonly credentials: CredentialsRepository,
    private readonly rateLimits: RateLimitsRepository,
    private readonly uploadSessions: UploadSessionsService,
    private readonly trashRetentionMs: number,
  ) {}

  /** Deletes for good what has been in the trash longer than the retention. */
  async purgeTrash(): Promise<string> {
    return `purged ${await this.trash.purgeExpired(this.trashRetentionMs)} trashed subtrees`;
  }

  /** Removes unreferenced content, and objects in the store that no row knows (left by a crash). */
  async collectBlobs(): Promise<string> {
    // Leases left by a process that died: what they kept is collected below.
    await this.content.deleteExpiredLeases();
    const unreferenced = await this.content.collectAll();
    let orphans = 0;
    let batch: ListedObject[] = [];
    // The database is asked first, 500 objects at a time: only an object no row knows has its
    // age looked at (on disk, a stat), not every object in the store every hour.
    const flush = async () => {
      const known = await this.blobs.existing(batch.map((object) => sha256OfKey(object.key) ?? ''));
      for (const object of batch) {
        const sha = sha256OfKey(object.key);
        if (!sha || known.has(sha)) {
          continue;
        }
        const writtenAt = await object.modifiedAt();
        if (writtenAt && Date.now() - writtenAt.getTime() > ORPHAN_GRACE_MS && (await this.content.deleteOrphanObject(sha))) {
          orphans += 1;
        }
      }
      batch = [];
    };
    for await (const object of this.store.list()) {
      batch.push(object);
      if (batch.length >= 500) {
        await flush();
      }
    }
    await flush();
    return `collected ${unreferenced} unreferenced blobs and ${orphans} orphaned objects`;
  }

  async sweepStaging(): Promise<string> {
    return `swept ${await this.store.sweepStaging(STAGING_MAX_AGE_MS)} staging files`;
  }

  /** Deletes resumable uploads past their expiry, releasing (and collecting) their chunks. */
  async expireUploads(): Promise<string> {
    return `deleted ${await this.uploadSessions.deleteExpired()} expired upload sessions`;
  }

  async expireSessions(): Promise<string> {
    const sessions = await this.credentials.deleteExpiredSessions();
    await this.rateLimits.deleteOlderThan(new Date(Date.now() - 2 * HOUR));
    return `deleted ${sessions} expired sessions`;
  }
}
