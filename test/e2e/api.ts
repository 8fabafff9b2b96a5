import { deflateSync } from 'node:zlib';
import type { BrowserContext } from 'playwright-core';

export interface Credentials {
  username: string;
  email: string;
  password: string;
}

let counter = 0;

/** Random, unique account details. */
export function newCredentials(): Credentials {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return { username: `user${tag}`, email: `user${tag}@example.test`, password: 'correct horse battery' };
}

export interface NodeJson {
  id: string;
  name: string;
  type: 'file' | 'folder';
  parentId: string | null;
  size: number;
}

export interface UploadSessionJson {
  id: string;
  name: string;
  size: number;
  offset: number;
}

async function json<T>(response: { ok(): boolean; status(): number; text(): Promise<string> }, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok()) {
    throw new Error(`${what} failed: ${response.status()} ${text}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Setup through the API with the context's cookies (context.request shares them), so tests spend
 * their time on the screen they are about.
 */
export function api(context: BrowserContext) {
  const request = context.request;
  return {
    async register(credentials = newCredentials()): Promise<Credentials> {
      await json(await request.post('/api/auth/register', { data: credentials }), 'register');
      return credentials;
    },
    async folder(name: string, parentId: string | null = null): Promise<NodeJson> {
      return json(await request.post('/api/folders', { data: { name, parentId } }), `create folder ${name}`);
    },
    /** Folders `item-0000`, `item-0001` … at the top level, `count` of them, made a batch at a time. */
    async numberedFolders(count: number): Promise<void> {
      const names = Array.from({ length: count }, (_, i) => `item-${String(i).padStart(4, '0')}`);
      for (let i = 0; i < names.length; i += 25) {
        await Promise.all(names.slice(i, i + 25).map((name) => this.folder(name)));
      }
    },
    async upload(name: string, body: string | Buffer, parentId: string | null = null): Promise<NodeJson> {
      const query = new URLSearchParams({ name, ...(parentId ? { parentId } : {}) });
      return json(
        await request.put(`/api/files/content?${query.toString()}`, {
          data: typeof body === 'string' ? Buffer.from(body) : body,
          headers: { 'content-type': 'application/octet-stream' },
        }),
        `upload ${name}`,
      );
    },
    async patch(id: string, change: Record<string, unknown>): Promise<NodeJson> {
      return json(await request.patch(`/api/nodes/${id}`, { data: change }), 'update node');
    },
    async trash(id: string): Promise<void> {
      await json(await request.delete(`/api/nodes/${id}`), 'trash node');
    },
    async share(nodeId: string, options: Record<string, unknown> = {}): Promise<{ id: string; token: string; url: string }> {
      return json(await request.post('/api/shares', { data: { nodeId, ...options } }), 'create share');
    },
    async updateShare(id: string, change: Record<string, unknown>): Promise<void> {
      await json(await request.patch(`/api/shares/${id}`, { data: change }), 'update share');
    },
    async revokeShare(id: string): Promise<void> {
      await json(await request.delete(`/api/shares/${id}`), 'revoke share');
    },
    async children(folderId: string | null = null): Promise<{ items: NodeJson[]; total: number }> {
      return json(await request.get(`/api/folders/${folderId ?? 'root'}/children?limit=1000`), 'list');
    },
    /** The user's open upload sessions (resumable uploads not completed or abandoned). */
    async uploadSessions(): Promise<UploadSessionJson[]> {
      return (await json<{ items: UploadSessionJson[] }>(await request.get('/api/uploads'), 'list uploads')).items;
    },
    /** A file's stored bytes. */
    async download(id: string): Promise<Buffer> {
      const response = await request.get(`/api/files/${id}/content`);
      if (!response.ok()) {
        throw new Error(`download failed: ${response.status()}`);
      }
      return response.body();
    },
    async trashed(): Promise<NodeJson[]> {
      return (await json<{ items: NodeJson[] }>(await request.get('/api/trash'), 'list trash')).items;
    },
  };
}

/** A PNG of a diagonal gradient (valid, small), for image previews and grid thumbnails. */
export function gradientPng(
  width = 4,
  height = 4,
  from: [number, number, number] = [37, 96, 224],
  to: [number, number, number] = [138, 77, 219],
): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
      for (let c = 0; c < 3; c += 1) {
        row[1 + x * 3 + c] = Math.round((from[c] ?? 0) * (1 - t) + (to[c] ?? 0) * t);
      }
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) {
      crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
  }
  return ~crc >>> 0;
}
