import { createHmac } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FileNodeRow, ShareRow } from '../db/schema/index.js';
import { AppError, invalidRequest, notFound } from '../errors.js';
import type { ListSort, NodesRepository, SortOrder } from '../repositories/nodes.repository.js';
import { PARTIAL_UNITS_PER_DOWNLOAD, type SharesRepository } from '../repositories/shares.repository.js';
import type { SecretSealer } from '../security/sealed-secrets.js';
import { constantTimeEqual, hashPassword, hashSecret, newSecret, verifyPassword } from '../security/secrets.js';
import type { FilesService } from './files.service.js';
import type { Listing, TreeService } from './tree.service.js';

const DAY = 86_400_000;
export const DEFAULT_EXPIRY_DAYS = 7;
/** How long an unlock cookie lets a browser in without the password again. */
export const UNLOCK_TTL_MS = 3600_000;
// 256 bits in base64url.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface ShareInput {
  nodeId: string;
  expiresAt?: Date;
  expiresInDays?: number;
  password?: string;
  maxDownloads?: number;
}

/**
 * A change to a link. Absent fields stay as they are; `password: null` removes the password and
 * `maxDownloads: null` the limit. A new password (or none) voids every unlock cookie at once.
 */
export interface ShareChanges {
  expiresAt?: Date;
  expiresInDays?: number;
  password?: string | null;
  maxDownloads?: number | null;
}

/** A link that resolved: the share and the live node it points at. */
export interface ResolvedShare {
  share: ShareRow;
  node: FileNodeRow;
}

export const shareExpired = () => new AppError(410, 'share_expired', 'This link has expired.');
export const shareExhausted = () => new AppError(410, 'share_exhausted', 'This link has reached its download limit.');
export const passwordRequired = () => new AppError(401, 'password_required', 'This link needs its password.');

/** The expiry a create or update asks for (undefined when it asks for none), checked. */
function expiryOf(input: { expiresAt?: Date; expiresInDays?: number }, now = new Date()): Date | undefined {
  if (input.expiresAt && input.expiresInDays !== undefined) {
    throw invalidRequest('expiresAt: give either expiresAt or expiresInDays, not both');
  }
  const expiresAt = input.expiresAt ?? (input.expiresInDays !== undefined ? new Date(now.getTime() + input.expiresInDays * DAY) : undefined);
  if (!expiresAt) {
    return undefined;
  }
  if (expiresAt.getTime() <= now.getTime()) {
    throw invalidRequest('expiresAt: must be in the future');
  }
  // An offset can carry "9999-12-31T23:59:59-05:00" into a year the database does not read.
  if (expiresAt.getUTCFullYear() > 9999) {
    throw invalidRequest('expiresAt: must be before the year 10000 (UTC)');
  }
  return expiresAt;
}

/** What a link's sealed token is bound to: its own row (by the token's hash), so it opens nowhere else. */
const tokenPurpose = (tokenHash: string) => `share-link-token:${tokenHash}`;

/** `bytes` of a file of `size` bytes in billionths of a download, rounded up (at least one). */
export function partialUnits(bytes: number, size: number): number {
  return Math.max(1, Math.min(PARTIAL_UNITS_PER_DOWNLOAD, Math.ceil((bytes * PARTIAL_UNITS_PER_DOWNLOAD) / Math.max(size, 1))));
}

/**
 * Share links: unguessable tokens found by their hashes (and kept sealed for their owners to copy
 * again), expiry, download limits counted atomically, passwords, revocation, and folder shares
 * confined to the shared folder.
 */
export class SharesService {
  constructor(
    private readonly shares: SharesRepository,
    private readonly nodes: NodesRepository,
    private readonly tree: TreeService,
    private readonly files: FilesService,
    /** Seals tokens for their owners to copy again; without one, a token is shown only when made. */
    private readonly sealer?: SecretSealer,
  ) {}

  async create(userId: string, input: ShareInput): Promise<{ share: ShareRow; node: FileNodeRow; token: string }> {
    // One clock for both times, so that a link of n days ends exactly n days after it was made.
    const createdAt = new Date();
    const expiresAt = expiryOf(input, createdAt) ?? new Date(createdAt.getTime() + DEFAULT_EXPIRY_DAYS * DAY);
    const node = await this.tree.get(userId, input.nodeId);
    const token = newSecret();
    const tokenHash = hashSecret(token);
    const share = await this.shares.insert({
      userId,
      nodeId: node.id,
      tokenHash,
      tokenSealed: this.sealer?.seal(token, tokenPurpose(tokenHash)) ?? null,
      createdAt,
      expiresAt,
      maxDownloads: input.maxDownloads ?? null,
      passwordHash: input.password ? await hashPassword(input.password) : null,
    });
    return { share, node, token };
  }

  /** Changes a link's expiry, password or download limit; the token and the counted downloads stay. */
  async update(userId: string, id: string, changes: ShareChanges): Promise<ResolvedShare> {
    const expiresAt = expiryOf(changes);
    const values: Parameters<SharesRepository['update']>[2] = {};
    if (expiresAt) {
      values.expiresAt = expiresAt;
    }
    if (changes.maxDownloads !== undefined) {
      values.maxDownloads = changes.maxDownloads;
    }
    if (changes.password !== undefined) {
      // Each hash has its own salt, and unlock cookies are signed with the hash: old cookies stop working.
      values.passwordHash = changes.password === null ? null : await hashPassword(changes.password);
    }
    const updated = Object.keys(values).length > 0 ? await this.shares.update(userId, id, values) : await this.shares.find(userId, id);
    if (!updated) {
      throw notFound('That share');
    }
    return updated;
  }

  /**
   * A link's token, for its owner to copy again: undefined for a link made before tokens were
   * sealed, or sealed under another key (another machine's data directory), whose token cannot
   * be shown.
   */
  tokenOf(share: ShareRow): string | undefined {
    if (share.tokenSealed === null || !this.sealer) {
      return undefined;
    }
    const token = this.sealer.open(share.tokenSealed, tokenPurpose(share.tokenHash));
    return token !== null && hashSecret(token) === share.tokenHash ? token : undefined;
  }

  list(userId: string, nodeId?: string): Promise<ResolvedShare[]> {
    return this.shares.list(userId, nodeId);
  }

  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.shares.delete(userId, id))) {
      throw notFound('That share');
    }
  }

  /**
   * The link behind a token, checked in the contract's order: unknown, revoked or pointing at a
   * trashed node → 404; past its expiry → 410 share_expired; used up → 410 share_exhausted.
   */
  async resolve(token: string): Promise<ResolvedShare> {
    if (!TOKEN_SHAPE.test(token)) {
      throw notFound('That link');
    }
    const tokenHash = hashSecret(token);
    const found = await this.shares.findByTokenHash(tokenHash);
    if (!found || !constantTimeEqual(found.share.tokenHash, tokenHash) || found.node.trashedAt !== null) {
      throw notFound('That link');
    }
    if (found.share.expiresAt.getTime() <= Date.now()) {
      throw shareExpired();
    }
    if (found.share.maxDownloads !== null && found.share.accessCount >= found.share.maxDownloads) {
      throw shareExhausted();
    }
    return found;
  }

  /** Lets the request through a password-protected link: the password itself or a valid unlock cookie. */
  async authorize(resolved: ResolvedShare, credentials: { password?: string; unlockCookie?: string }): Promise<void> {
    const { share } = resolved;
    if (!share.passwordHash) {
      return;
    }
    if (credentials.unlockCookie && this.verifyUnlock(share, credentials.unlockCookie)) {
      return;
    }
    if (credentials.password !== undefined && (await verifyPassword(share.passwordHash, credentials.password))) {
      return;
    }
    throw passwordRequired();
  }

  /** Checks the password and returns an unlock cookie value for this link (valid UNLOCK_TTL_MS). */
  async unlock(resolved: ResolvedShare, password: string): Promise<string | null> {
    const { share } = resolved;
    if (!share.passwordHash) {
      return null;
    }
    if (!(await verifyPassword(share.passwordHash, password))) {
      throw passwordRequired();
    }
    const expires = Date.now() + UNLOCK_TTL_MS;
    return `${expires}.${this.unlockSignature(share, expires)}`;
  }

  // Keyed by the link's own password hash: changing or revoking the link voids every cookie.
  private unlockSignature(share: ShareRow, expires: number): string {
    return createHmac('sha256', share.passwordHash ?? '')
      .update(`${share.id}.${expires}`)
      .digest('base64url');
  }

  private verifyUnlock(share: ShareRow, cookie: string): boolean {
    const [expiresText, signature] = cookie.split('.');
    const expires = Number(expiresText);
    if (!signature || !Number.isSafeInteger(expires) || expires < Date.now()) {
      return false;
    }
    return constantTimeEqual(signature, this.unlockSignature(share, expires));
  }

  /** Counts a download that is starting; 410 when the limit was reached meanwhile. */
  async reserveDownload(share: ShareRow): Promise<void> {
    if (!(await this.shares.reserveDownload(share.id))) {
      throw shareExhausted();
    }
  }

  /** Gives back the count of a download that did not complete. */
  async refundDownload(share: ShareRow): Promise<void> {
    await this.shares.refundDownload(share.id);
  }

  /**
   * Counts a piece of a file that is starting (a range answer of `bytes` out of `size`) as that
   * share of a download; 410 when the link is used up. Pieces that together make the whole file
   * count as one download, so a file fetched in ranges (a video player, a download manager)
   * counts as often as it is fetched, no more and no less. Rounded up, never down.
   */
  async reservePartialDownload(share: ShareRow, bytes: number, size: number): Promise<number> {
    const units = partialUnits(bytes, size);
    if (!(await this.shares.reservePartialDownload(share.id, units))) {
      throw shareExhausted();
    }
    return units;
  }

  /** Gives back a piece counted by reservePartialDownload that did not complete. */
  async refundPartialDownload(share: ShareRow, units: number): Promise<void> {
    await this.shares.refundPartialDownload(share.id, units);
  }

  /** A folder inside a shared folder (the shared folder itself by default); 404 for anything outside it. */
  async listFolder(
    resolved: ResolvedShare,
    folderId: string | null,
    page: { sort: ListSort; order: SortOrder; offset: number; limit: number },
  ): Promise<Listing> {
    const root = this.requireFolderShare(resolved);
    const target = folderId ?? root.id;
    await this.requireInside(root, target, 'folder');
    const listing = await this.tree.list(root.userId, target, page);
    // Breadcrumbs start at the shared folder, which shows no parent: nothing above it is revealed.
    const start = listing.breadcrumbs.findIndex((crumb) => crumb.id === root.id);
    const folder = listing.folder?.id === root.id ? { ...listing.folder, parentId: null } : listing.folder;
    // Favourites are the owner's own bookmarks, not part of what is shared.
    return {
      ...listing,
      folder: folder && { ...folder, favorite: false },
      items: listing.items.map((item) => ({ ...item, favorite: false })),
      breadcrumbs: start >= 0 ? listing.breadcrumbs.slice(start) : [],
    };
  }

  /** A file inside a shared folder; 404 for anything outside it. */
  async fileInShare(resolved: ResolvedShare, fileId: string): Promise<FileNodeRow> {
    const root = this.requireFolderShare(resolved);
    return this.requireInside(root, fileId, 'file');
  }

  /** The shared folder, or a folder inside it, as a zip; 404 for anything outside it. */
  async archive(resolved: ResolvedShare, folderId: string | null = null): Promise<{ name: string; stream: Readable; size: number | null }> {
    const root = this.requireFolderShare(resolved);
    const folder = folderId === null ? root : await this.requireInside(root, folderId, 'folder');
    return this.files.archive(root.userId, folder.id);
  }

  open(node: FileNodeRow, range?: { start: number; end: number }): Promise<Readable> {
    return this.files.open(node, range);
  }

  private requireFolderShare(resolved: ResolvedShare): FileNodeRow {
    if (resolved.node.type !== 'folder') {
      throw notFound('That folder');
    }
    return resolved.node;
  }

  private async requireInside(root: FileNodeRow, id: string, type: 'file' | 'folder'): Promise<FileNodeRow> {
    const node = await this.nodes.findLive(root.userId, id);
    if (node?.type !== type || !(await this.nodes.isSelfOrDescendant(root.id, node.id))) {
      throw notFound(type === 'file' ? 'That file' : 'That folder');
    }
    return node;
  }
}
