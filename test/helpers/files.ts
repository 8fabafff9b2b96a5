import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import type { ApiClient } from './client.js';
import { multipartBody, type MultipartPart } from './multipart.js';

/** Hex SHA-256 of the bytes. */
export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The directory local content lives in (`<dataDir>/blobs/blobs/aa/bb/<sha256>`). */
export function blobsDir(dataDir: string): string {
  return path.join(dataDir, 'blobs', 'blobs');
}

/** Where the content with this hash is stored on disk. */
export function blobPath(dataDir: string, sha: string): string {
  return path.join(blobsDir(dataDir), sha.slice(0, 2), sha.slice(2, 4), sha);
}

/** The staging directory of the local store. */
export function stagingDir(dataDir: string): string {
  return path.join(dataDir, 'blobs', '.staging');
}

/** Every stored content file, as the hashes they are named by. */
export async function blobFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(blobsDir(dataDir), { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

/** How many stored content files there are with this hash (0 or 1). */
export async function blobCount(dataDir: string, sha: string): Promise<number> {
  return (await blobFiles(dataDir)).filter((name) => name === sha).length;
}

export async function stagingFiles(dataDir: string): Promise<string[]> {
  return readdir(stagingDir(dataDir));
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
  size: number;
  sha256: string | null;
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
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  let offset = zip.readUInt32LE(eocd + 16);
  if (offset + cdSize !== eocd) {
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
