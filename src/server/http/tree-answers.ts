import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { INSTANCE_ID } from '../instance.js';
import { matchesIfNoneMatch } from './send-content.js';

/** What a tree read found: the user's tree version, and the answer unless it was unchanged. */
export interface VersionedRead<T> {
  treeVersion: number;
  /** Absent when the tree is still at the version the caller said it knew. */
  value?: T;
  /** False when the value was read across two versions (sent, with no validator, and not kept). */
  keep?: boolean;
}

interface Entry {
  treeVersion: number;
  body: Buffer;
  etag: string;
  /** What it is charged against the limit: the body, the key and the bookkeeping around them. */
  cost: number;
}

// Measured: an entry with a tiny body still takes about 490 bytes (key, ETag, objects, the Map's slot).
const ENTRY_OVERHEAD = 512;

// Pages bigger than this (about 2,500 items) are rare and cheap to miss; they would crowd out many small ones.
const LARGEST_ENTRY = 1024 * 1024;

/**
 * Answers computed from a user's file tree alone (a folder's page, breadcrumbs, a page of search
 * results), kept per process as the very bytes sent, and sent again for as long as the user's
 * tree version has not moved. The version is bumped by the database at the commit of every write
 * to the user's nodes, and is read fresh for every request (a one-row read instead of the page's
 * query, its JSON and its serialisation), so an answer is never staler than the database at the
 * time of the request, whichever process wrote last.
 *
 * The answers carry a strong ETag (the version, and a digest of who asked what of which server start),
 * and a matching If-None-Match gets 304 with no body: clients that poll a folder pay one small
 * read. Least recently used answers go first once `maxBytes` is reached.
 */
export class TreeAnswerCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * Answers the request with the cached bytes for `key` (which must name the user and every
   * input of the answer) when `read` finds the tree unchanged, or else with the fresh answer,
   * serialised by the route's own serializer, and keeps it.
   */
  async send<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    read: (knownVersion: number | undefined) => Promise<VersionedRead<T>>,
    toDto: (value: T) => unknown,
  ): Promise<FastifyReply> {
    const cached = this.entries.get(key);
    const found = await read(cached?.treeVersion);
    let entry: Entry;
    if (found.value === undefined && cached && cached.treeVersion === found.treeVersion) {
      entry = cached;
      // Another request may have replaced or dropped it meanwhile: then it stays as they left it.
      if (this.entries.get(key) === cached) {
        this.entries.delete(key);
        this.entries.set(key, cached);
      }
    } else if (found.value !== undefined) {
      const serialized = reply.serialize(toDto(found.value));
      const body = typeof serialized === 'string' ? Buffer.from(serialized) : Buffer.from(serialized as ArrayBuffer);
      const etag = etagOf(key, found.treeVersion);
      entry = { treeVersion: found.treeVersion, body, etag, cost: body.length + key.length + etag.length + ENTRY_OVERHEAD };
      if (found.keep !== false) {
        this.keep(key, entry);
      }
    } else {
      throw new Error('a tree read found its answer unchanged without having been told a version');
    }
    if (found.keep === false) {
      return reply.type('application/json; charset=utf-8').send(entry.body);
    }
    reply.header('etag', entry.etag).header('cache-control', 'private, no-cache');
    if (matchesIfNoneMatch(request.headers['if-none-match'], entry.etag)) {
      return reply.code(304).send();
    }
    return reply.type('application/json; charset=utf-8').send(entry.body);
  }

  private keep(key: string, entry: Entry): void {
    this.forget(key);
    if (entry.body.length > LARGEST_ENTRY || entry.cost > this.maxBytes) {
      return;
    }
    this.entries.set(key, entry);
    this.bytes += entry.cost;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) {
        break;
      }
      this.entries.delete(oldest);
      this.bytes -= old.cost;
    }
  }

  private forget(key: string): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.cost;
    }
  }
}

/**
 * A strong ETag: the same bytes for the same key at the same tree version, in every worker of one
 * start of the server (src/server/instance.ts).
 */
function etagOf(key: string, treeVersion: number): string {
  const digest = createHash('sha256').update(`${INSTANCE_ID}\n${key}`).digest('base64url').slice(0, 16);
  return `"t${treeVersion}-${digest}"`;
}
