import { finished, Readable } from 'node:stream';
import { contentKey, type BlobStore, type StagedBlob } from '../blobs/blob-store.js';
import type { Database, Transaction } from '../db/client.js';
import type { FileNodeRow, UploadChunkRow, UploadSessionRow } from '../db/schema/index.js';
import { aboveUploadLimit, invalidRequest, nameTaken, notFound, offsetMismatch, quotaExceeded, rateLimited, tooLarge, uploadIncomplete } from '../errors.js';
import type { UploadSessionsRepository } from '../repositories/upload-sessions.repository.js';
import type { UsersRepository } from '../repositories/users.repository.js';
import type { ContentService } from './content.service.js';
import { HashingMeter } from './hashing-meter.js';
import { validateName } from './names.js';
import type { TreeService } from './tree.service.js';
import type { ConflictPolicy, UploadsService } from './uploads.service.js';

/** A session lives this long after its creation or its last chunk. */
export const UPLOAD_SESSION_TTL_MS = 24 * 3600_000;
/** Open sessions per user: each reserves quota and keeps chunks, and a client needs few at once. */
export const MAX_OPEN_UPLOAD_SESSIONS = 1000;
/**
 * Chunks per upload at most, as S3's multipart uploads and Nextcloud's chunked ones cap their
 * parts: each chunk is a row, an object and a read at completion, whatever its size.
 */
export const MAX_UPLOAD_CHUNKS = 10_000;

/** The fewest bytes a chunk that does not end the file may hold: no upload then needs more than MAX_UPLOAD_CHUNKS. */
export function minChunkSize(size: number): number {
  return Math.ceil(size / MAX_UPLOAD_CHUNKS);
}

/** Expired sessions deleted per transaction by the periodic job. */
const EXPIRY_BATCH = 100;

export interface NewUploadSession {
  userId: string;
  parentId: string | null;
  name: string;
  size: number;
  conflict: ConflictPolicy;
  modifiedAt?: Date;
}

/**
 * Resumable uploads. Each chunk is hashed while it streams, staged, then in one transaction (the
 * session's row locked, the offset checked again) stored as ordinary content with one reference
 * and recorded: a chunk counts whole or not at all. Completion streams the chunks in order through
 * the ordinary upload path (UploadsService), whose committing transaction also deletes the session
 * and drops the chunks' references, so a file is created once however often completion is retried.
 */
export class UploadSessionsService {
  constructor(
    private readonly db: Database,
    private readonly sessions: UploadSessionsRepository,
    private readonly users: UsersRepository,
    private readonly tree: TreeService,
    private readonly uploads: UploadsService,
    private readonly content: ContentService,
    private readonly store: BlobStore,
    private readonly maxUpload: number | undefined,
  ) {}

  /**
   * Opens a session, reserving `size` bytes of the quota: refused when the quota, less what the
   * user's other open sessions reserve, has no room for it. The account's row is locked while
   * the reservations are added up and the session inserted, so concurrent creations queue.
   */
  async create(input: NewUploadSession): Promise<UploadSessionRow> {
    const name = validateName(input.name);
    const maxUpload = this.maxUpload ?? Number.MAX_SAFE_INTEGER;
    if (input.size > maxUpload) {
      throw aboveUploadLimit(maxUpload);
    }
    return this.db.transaction(async (tx) => {
      const user = await this.users.lock(input.userId, tx);
      if (!user) {
        throw notFound('That user');
      }
      const existing = await this.tree.requireFolderChild(input.userId, input.parentId, name, tx);
      if (existing && (input.conflict === 'fail' || (input.conflict === 'replace' && existing.type === 'folder'))) {
        throw nameTaken(name);
      }
      const open = await this.sessions.openTotals(input.userId, tx);
      if (open.count >= MAX_OPEN_UPLOAD_SESSIONS) {
        const wait = open.firstExpiry ? Math.ceil((open.firstExpiry.getTime() - Date.now()) / 1000) : 60;
        throw rateLimited(Math.max(1, wait));
      }
      const credit = input.conflict === 'replace' && existing?.type === 'file' ? existing.size : 0;
      if (input.size + open.reserved > user.storageQuota - user.storageUsed + credit) {
        throw quotaExceeded();
      }
      return this.sessions.insert(
        { userId: input.userId, parentId: input.parentId, name, size: input.size, conflict: input.conflict, modifiedAt: input.modifiedAt ?? null },
        UPLOAD_SESSION_TTL_MS,
        tx,
      );
    });
  }

  /** The user's open sessions, newest first. */
  list(userId: string): Promise<UploadSessionRow[]> {
    return this.sessions.listOpen(userId);
  }

  /** The user's open session (404 for anyone else's, an expired or an unknown one). */
  async get(userId: string, id: string): Promise<UploadSessionRow> {
    const session = await this.sessions.find(userId, id);
    if (!session) {
      throw notFound('That upload');
    }
    return session;
  }

  /** The session's chunks in offset order, with their SHA-256: a client checks the bytes kept are its file's before going on. */
  async chunks(userId: string, id: string): Promise<UploadChunkRow[]> {
    const session = await this.get(userId, id);
    return this.sessions.chunks(session.id);
  }

  /**
   * Takes `body` as the chunk at `offset`: streamed to staging while hashed, then committed with
   * the session's row locked and its offset checked again (the loser of two chunks sent at the
   * same offset gets 409 and leaves nothing). A body cut short leaves the session as it was.
   */
  async appendChunk(userId: string, id: string, offset: number, body: Readable, declaredLength?: number): Promise<UploadSessionRow> {
    const session = await this.get(userId, id);
    if (offset !== session.offset) {
      throw offsetMismatch(session.offset);
    }
    const room = session.size - session.offset;
    const overSize = () => tooLarge(`The chunk goes past the upload's declared size (${room} bytes left of ${session.size}).`);
    if (declaredLength !== undefined && declaredLength > room) {
      throw overSize();
    }
    const min = minChunkSize(session.size);
    const tooSmall = () =>
      invalidRequest(`A chunk that does not end the file must hold at least ${min} bytes (an upload takes at most ${MAX_UPLOAD_CHUNKS} chunks).`);
    if (declaredLength !== undefined && declaredLength > 0 && declaredLength < Math.min(min, room)) {
      throw tooSmall();
    }
    const meter = new HashingMeter(room, overSize);
    // pipe() does not forward the source's errors (a client that went away): finished() does.
    body.pipe(meter);
    finished(body, (error) => {
      if (error) {
        meter.destroy(error);
      }
    });
    let staged: StagedBlob;
    try {
      staged = await this.store.stage(meter);
    } catch (error) {
      body.unpipe(meter);
      throw error;
    }
    let promoted = false;
    try {
      const sha256 = meter.digest();
      const length = meter.bytes;
      if (length > 0 && length < Math.min(min, room)) {
        throw tooSmall();
      }
      const result = await this.db.transaction(async (tx) => {
        const locked = await this.sessions.lock(userId, id, tx);
        if (!locked) {
          throw notFound('That upload');
        }
        if (locked.offset !== offset) {
          throw offsetMismatch(locked.offset);
        }
        if (length === 0) {
          // Nothing arrived: nor does the expiry move (else an upload never completed could keep
          // its chunks, uncounted by the quota, for ever with one empty chunk a day).
          return { session: locked, promoted: false };
        }
        const stored = await this.content.commitStaged(staged, sha256, length, tx);
        return { session: await this.sessions.appendChunk(locked, { length, sha256 }, UPLOAD_SESSION_TTL_MS, tx), promoted: stored.promoted };
      });
      promoted = result.promoted;
      return result.session;
    } finally {
      if (!promoted) {
        await this.content.discard(staged);
      }
    }
  }

  /**
   * Stores the session's bytes as a file, as PUT /api/files/content does (`conflict` overrides the
   * session's policy). The chunks are leased while they are read, so a deletion meanwhile cannot
   * collect them under the reader; the commit deletes the session, checking that it is still
   * there and complete (404 or 409 otherwise, and nothing is stored). A refusal (name taken, quota,
   * parent gone) leaves the session for another try.
   */
  async complete(userId: string, id: string, conflict?: ConflictPolicy): Promise<FileNodeRow> {
    const session = await this.get(userId, id);
    if (session.offset !== session.size) {
      throw uploadIncomplete(session.offset, session.size);
    }
    const { value: chunks, lease } = await this.content.leased(
      (tx) => this.sessions.chunks(session.id, tx),
      (rows) => rows.map((row) => row.sha256),
    );
    const body = this.concatenated(chunks);
    try {
      return await this.uploads.upload({
        userId,
        parentId: session.parentId,
        name: session.name,
        conflict: conflict ?? session.conflict,
        modifiedAt: session.modifiedAt ?? undefined,
        declaredSize: session.size,
        body,
        alsoInCommit: async (tx, file) => {
          // The account's row before the session's, as account deletion takes them.
          await this.users.lock(userId, tx);
          const locked = await this.sessions.lock(userId, id, tx);
          if (!locked) {
            throw notFound('That upload');
          }
          if (locked.offset !== locked.size) {
            throw uploadIncomplete(locked.offset, locked.size);
          }
          if (file.size !== locked.size) {
            throw new Error(`the chunks of upload ${id} hold ${file.size} bytes, not ${locked.size}`);
          }
          return { release: await this.sessions.deleteSessions([id], tx) };
        },
      });
    } finally {
      body.destroy();
      // Collects the chunks' content, now unreferenced, unless another file or upload uses it.
      await lease.end();
    }
  }

  /** Deletes the session and releases its chunks. */
  async delete(userId: string, id: string): Promise<void> {
    const orphaned = await this.db.transaction(async (tx) => {
      if (!(await this.sessions.lock(userId, id, tx))) {
        throw notFound('That upload');
      }
      return this.content.release(await this.sessions.deleteSessions([id], tx), tx);
    });
    await this.content.collect(orphaned);
  }

  /** Deletes expired sessions (in batches) and collects their chunks' content; returns how many went. */
  async deleteExpired(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { count, orphaned } = await this.db.transaction(async (tx) => {
        const ids = await this.sessions.lockExpired(EXPIRY_BATCH, tx);
        return { count: ids.length, orphaned: await this.content.release(await this.sessions.deleteSessions(ids, tx), tx) };
      });
      await this.content.collect(orphaned);
      deleted += count;
      if (count < EXPIRY_BATCH) {
        return deleted;
      }
    }
  }

  /**
   * Deletes every session of the account, in the caller's transaction (account deletion, which has
   * locked the account's row), releasing their chunks; returns the content left unreferenced, for
   * the caller to collect once committed (ContentService.collect).
   */
  async deleteAllOf(userId: string, tx: Transaction): Promise<string[]> {
    const ids = await this.sessions.lockAllOf(userId, tx);
    return this.content.release(await this.sessions.deleteSessions(ids, tx), tx);
  }

  /** The chunks' content one after another, as one stream (each chunk itself streamed from the store). */
  private concatenated(chunks: readonly UploadChunkRow[]): Readable {
    const store = this.store;
    return Readable.from(
      (async function* () {
        for (const chunk of chunks) {
          yield* await store.read(contentKey(chunk.sha256));
        }
      })(),
      { objectMode: false },
    );
  }
}
