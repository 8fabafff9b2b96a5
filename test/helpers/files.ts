import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { vi } from 'vitest';
import { contentKey, sha256OfKey } from '../../src/server/blobs/blob-store.js';
import { S3BlobStore } from '../../src/server/blobs/s3-blob-store.js';
import type { TestApp } from './app.js';
import type { ApiClient } from './client.js';
import { multipartBody, type MultipartPart } from './multipart.js';

/** Hex SHA-256 of the bytes. */
export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * What the blob helpers below inspect: a test app's store. (A bare data directory string is still
 * taken, for older callers, and then means the local disk store in it.)
 */
export type BlobsOf = Pick<TestApp, 'blobs' | 'dataDir'> | string;

/** The directory local content lives in (`<dataDir>/blobs/blobs/aa/bb/<sha256>`). Local store only. */
export function blobsDir(dataDir: string): string {
  return path.join(dataDir, 'blobs', 'blobs');
}

/** Where the content with this hash is stored on disk. Local store only: see blobExists / readBlob. */
export function blobPath(dataDir: string, sha: string): string {
  return path.join(blobsDir(dataDir), sha.slice(0, 2), sha.slice(2, 4), sha);
}

/** The staging directory of the local store. Local store only: see stagingEntries. */
export function stagingDir(dataDir: string): string {
  return path.join(dataDir, 'blobs', '.staging');
}

/** Every stored content object (a file on disk, an object in S3), as the hashes they are named by. */
export async function blobFiles(target: BlobsOf): Promise<string[]> {
  if (typeof target === 'string') {
    const entries = await readdir(blobsDir(target), { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  }
  const hashes: string[] = [];
  for await (const { key } of target.blobs.list()) {
    hashes.push(sha256OfKey(key)!);
  }
  return hashes;
}

/**
 * How many stored content objects there are with this hash (0 or 1). Through a store, the listing
 * must agree with exists() on the hash's content key.
 */
export async function blobCount(target: BlobsOf, sha: string): Promise<number> {
  const count = (await blobFiles(target)).filter((name) => name === sha).length;
  if (typeof target !== 'string' && (await target.blobs.exists(contentKey(sha))) !== count > 0) {
    throw new Error(`the ${target.blobs.kind} store lists ${count} object(s) for ${sha} but exists() disagrees`);
  }
  return count;
}

/** Whether the store holds the content with this hash. */
export function blobExists(t: Pick<TestApp, 'blobs'>, sha: string): Promise<boolean> {
  return t.blobs.exists(contentKey(sha));
}

/** The stored bytes of the content with this hash, read through the store. */
export async function readBlob(t: Pick<TestApp, 'blobs'>, sha: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await t.blobs.read(contentKey(sha))) {
    chunks.push(Buffer.from(chunk as Buffer));
  }
  return Buffer.concat(chunks);
}

/** Where the S3 store stages uploads (S3BlobStore's STAGING_PREFIX). */
const S3_STAGING_PREFIX = 'staging/';

/**
 * Staging leftovers, whatever the store keeps them in: the names in the local staging directory,
 * or the objects under `staging/` in the bucket (without the prefix). An S3 upload still in
 * progress is not an object yet (its bytes sit in the uploader's part buffer or in an unfinished
 * multipart upload, which s3rver cannot list), so this shows only what was written whole.
 */
export async function stagingEntries(t: Pick<TestApp, 'blobs' | 'dataDir'>): Promise<string[]> {
  if (t.blobs instanceof S3BlobStore) {
    const names: string[] = [];
    for await (const { key } of t.blobs.listPrefix(S3_STAGING_PREFIX)) {
      names.push(key.slice(S3_STAGING_PREFIX.length));
    }
    return names;
  }
  if (t.blobs.kind !== 'local') {
    throw new Error(`no staging inspection for the ${t.blobs.kind} store`);
  }
  return readdir(stagingDir(t.dataDir));
}

/**
 * Watches the app's store for stage() calls (the store-independent sign that the server is writing
 * an upload to staging): how many began, and how many are still running. restore() ends the watch.
 */
export function watchStaging(t: Pick<TestApp, 'blobs'>): { started(): number; running(): number; restore(): void } {
  const spy = vi.spyOn(t.blobs, 'stage');
  return {
    started: () => spy.mock.calls.length,
    running: () => spy.mock.settledResults.filter((result) => result.type === 'incomplete').length,
    restore: () => spy.mockRestore(),
  };
}

/** Polls until `check` holds (or the time is up), then returns its last value. */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** POST /api/files with a hand-built multipart body. */
export function postMultipart(client: ApiClient, parts: MultipartPart[]): Promise<LightMyRequestResponse> {
  const { body, contentType } = multipartBody(parts);
  return client.post('/api/files', body, { 'content-type': contentType });
}

/** The user's storage counters from GET /api/me. */
export async function storageOf(client: ApiClient): Promise<{ storageUsed: number; storageQuota: number; storagePercentage: number }> {
  const res = await client.get('/api/me');
  if (res.statusCode !== 200) {
    throw new Error(`GET /api/me failed: ${res.statusCode} ${res.body}`);
  }
  const { storageUsed, storageQuota, storagePercentage } = res.json();
  return { storageUsed, storageQuota, storagePercentage };
}

export interface ListedNode {
  id: string;
  name: string;
  type: 'file' | 'folder';
  parentId: string | null;
  size: number;
  sha256: string | null;
  etag: string;
  favorite: boolean;
}

/** The items of a folder (null: the root). */
export async function children(client: ApiClient, folderId: string | null = null): Promise<ListedNode[]> {
  const res = await client.get(`/api/folders/${folderId ?? 'root'}/children?limit=1000`);
  if (res.statusCode !== 200) {
    throw new Error(`listing failed: ${res.statusCode} ${res.body}`);
  }
  return res.json().items;
}

/** Sum of the sizes of every file in the user's live tree. */
export async function totalFileSize(client: ApiClient, folderId: string | null = null): Promise<number> {
  let total = 0;
  for (const item of await children(client, folderId)) {
    total += item.type === 'file' ? item.size : await totalFileSize(client, item.id);
  }
  return total;
}

export interface ZipEntry {
  name: string;
  directory: boolean;
  content: Buffer;
}

/**
 * A small zip reader for tests: walks the central directory, checks each local header and CRC-32,
 * and returns the entries in archive order. Throws on anything malformed.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new Error('no end of central directory record');
  }
  let count = zip.readUInt16LE(eocd + 10);
  let cdSize = zip.readUInt32LE(eocd + 12);
  let offset = zip.readUInt32LE(eocd + 16);
  // Fields at their maximum: the zip64 end record (its locator just before this record) has them.
  let cdEnd = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== 0x07064b50) {
      throw new Error('no zip64 end of central directory locator');
    }
    const record = Number(zip.readBigUInt64LE(locator + 8));
    if (record !== locator - 56 || zip.readUInt32LE(record) !== 0x06064b50) {
      throw new Error('no zip64 end of central directory record where its locator says');
    }
    count = Number(zip.readBigUInt64LE(record + 32));
    cdSize = Number(zip.readBigUInt64LE(record + 40));
    offset = Number(zip.readBigUInt64LE(record + 48));
    cdEnd = record;
  }
  if (offset + cdSize !== cdEnd) {
    throw new Error('central directory does not end where the end record starts');
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) {
      throw new Error(`bad central directory header at ${offset}`);
    }
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const rawName = zip.subarray(offset + 46, offset + 46 + nameLength);
    const name = rawName.toString(flags & 0x800 ? 'utf8' : 'latin1');
    offset += 46 + nameLength + extraLength + commentLength;

    if (zip.readUInt32LE(localOffset) !== 0x04034b50) {
      throw new Error(`bad local header for ${name}`);
    }
    const localName = zip.subarray(localOffset + 30, localOffset + 30 + zip.readUInt16LE(localOffset + 26));
    if (!localName.equals(rawName)) {
      throw new Error(`local and central names differ for ${name}`);
    }
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    const content = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : null;
    if (!content) {
      throw new Error(`unsupported compression method ${method} for ${name}`);
    }
    if (content.length !== size || crc32(content) !== crc) {
      throw new Error(`size or CRC-32 mismatch for ${name}`);
    }
    entries.push({ name, directory: name.endsWith('/'), content });
  }
  return entries;
}
