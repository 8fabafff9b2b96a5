import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentKey, type BlobStore } from '../../src/server/blobs/blob-store.js';
import { FLUSH_EVERY_BYTES } from '../../src/server/blobs/durable-file-sink.js';
import { LocalBlobStore } from '../../src/server/blobs/local-blob-store.js';
import { PART_SIZE, S3BlobStore } from '../../src/server/blobs/s3-blob-store.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.from(chunk as Buffer));
  }
  return Buffer.concat(chunks);
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function stored(store: BlobStore, data: Buffer): Promise<string> {
  const key = contentKey(sha(data));
  const staged = await store.stage(Readable.from([data]));
  await store.promote(staged, key);
  return key;
}

/** A source that sends some bytes and then fails, like a client that goes away mid-upload. */
function failingSource(bytes: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(randomBytes(bytes));
        setTimeout(() => this.destroy(new Error('client went away')), 5);
      }
    },
  });
}

interface Harness {
  store: BlobStore;
  /** Staging leftovers, whatever the store keeps them in. */
  stagingCount(): Promise<number>;
  close(): Promise<void>;
}

const harnesses: Record<string, () => Promise<Harness>> = {
  local: async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fileflow-blobs-'));
    const store = new LocalBlobStore(dir);
    await store.init();
    return {
      store,
      stagingCount: async () => (await readdir(path.join(dir, '.staging'))).length,
      close: () => rm(dir, { recursive: true, force: true }),
    };
  },
  s3: async () => {
    const s3: TestS3 = await startS3();
    const store = new S3BlobStore({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      timeoutMs: 15_000,
      idleTimeoutMs: 120_000,
    });
    return {
      store,
      stagingCount: async () => {
        let count = 0;
        for await (const _object of store.listPrefix('staging/')) {
          count += 1;
        }
        return count;
      },
      close: async () => {
        store.close();
        await s3.stop();
      },
    };
  },
};

describe.each(Object.keys(harnesses))('%s blob store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnesses[kind]!();
  });
  afterAll(async () => {
    await h.close();
  });

  it('stores content under its key and reads it back whole and by range', async () => {
    const data = randomBytes(100_000);
    const key = await stored(h.store, data);
    expect(await h.store.exists(key)).toBe(true);
    expect((await readAll(await h.store.read(key))).equals(data)).toBe(true);
    const slice = await readAll(await h.store.read(key, { start: 10, end: 19 }));
    expect(slice.equals(data.subarray(10, 20))).toBe(true);
    expect(await h.stagingCount()).toBe(0);
  });

  it('handles sizes around the multipart part size byte-exact', async () => {
    for (const size of [0, 1, PART_SIZE - 1, PART_SIZE, PART_SIZE + 1, 2 * PART_SIZE, 3 * PART_SIZE + 3]) {
      const data = randomBytes(size);
      const key = await stored(h.store, data);
      const back = await readAll(await h.store.read(key));
      expect(back.length).toBe(size);
      expect(sha(back)).toBe(sha(data));
    }
  }, 120_000);

  it('stores content larger than the background-flush interval, sent in small chunks, byte-exact', async () => {
    // FLUSH_EVERY_BYTES + 8 MiB in 64 KiB chunks: crosses the local store's durable sink's flush interval, so a
    // background fdatasync runs while writes go on.
    const chunk = randomBytes(64 * 1024);
    const count = Math.ceil((FLUSH_EVERY_BYTES + 8 * 1024 * 1024) / chunk.length);
    const hash = createHash('sha256');
    for (let i = 0; i < count; i++) {
      hash.update(chunk);
    }
    const digest = hash.digest('hex');
    function* chunks() {
      for (let i = 0; i < count; i++) {
        yield chunk;
      }
    }
    const staged = await h.store.stage(Readable.from(chunks()));
    await h.store.promote(staged, contentKey(digest));
    const back = createHash('sha256');
    let size = 0;
    for await (const part of await h.store.read(contentKey(digest))) {
      back.update(part as Buffer);
      size += (part as Buffer).length;
    }
    expect(size).toBe(count * chunk.length);
    expect(back.digest('hex')).toBe(digest);
    expect(await h.stagingCount()).toBe(0);
  }, 120_000);

  it('a source that fails after more than the background-flush interval leaves nothing staged', async () => {
    const before = await h.stagingCount();
    const chunk = randomBytes(1024 * 1024);
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent * chunk.length > FLUSH_EVERY_BYTES + 4 * chunk.length) {
          this.destroy(new Error('client went away'));
          return;
        }
        sent++;
        this.push(chunk);
      },
    });
    await expect(h.store.stage(source)).rejects.toThrow();
    expect(await h.stagingCount()).toBe(before);
  }, 120_000);

  it('promoting identical content twice is harmless', async () => {
    const data = randomBytes(1000);
    const key = await stored(h.store, data);
    await stored(h.store, data);
    expect(sha(await readAll(await h.store.read(key)))).toBe(sha(data));
  });

  it('a source that fails midway leaves nothing staged or stored', async () => {
    const before = await h.stagingCount();
    await expect(h.store.stage(failingSource(kind === 's3' ? PART_SIZE + 1024 * 1024 : 64 * 1024))).rejects.toThrow();
    expect(await h.stagingCount()).toBe(before);
  });

  it('discards staged content and deletes stored content', async () => {
    const staged = await h.store.stage(Readable.from([Buffer.from('discard me')]));
    await h.store.discard(staged);
    expect(await h.stagingCount()).toBe(0);
    const key = await stored(h.store, Buffer.from('delete me'));
    await h.store.delete(key);
    expect(await h.store.exists(key)).toBe(false);
    await h.store.delete(key);
  });

  it('lists content keys for garbage collection', async () => {
    const key = await stored(h.store, Buffer.from(`listed ${kind}`));
    const keys: string[] = [];
    for await (const object of h.store.list()) {
      keys.push(object.key);
      expect(await object.modifiedAt()).toBeInstanceOf(Date);
    }
    expect(keys).toContain(key);
  });

  it('refuses keys that are not content keys', async () => {
    await expect(h.store.read('../../etc/passwd')).rejects.toThrow();
    await expect(h.store.delete('blobs/../x')).rejects.toThrow();
  });

  it('answers ping', async () => {
    await expect(h.store.ping()).resolves.toBeUndefined();
  });
});
