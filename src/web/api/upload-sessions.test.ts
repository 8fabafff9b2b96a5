import { createHash } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RESUMABLE } from '../lib/chunked-upload';

/**
 * resumableUpload against a stand-in server: one session whose offset the chunks advance, the JSON
 * calls through a fake apiRequest, the chunks through a fake XMLHttpRequest that can lose or hold one.
 */
const log: string[] = [];
let offset = 0;
/** What the next chunk does: arrive, get lost on the way, or hang until aborted. */
let chunkFates: ('arrive' | 'lost' | 'lost as the network returns' | 'hold')[] = [];
/** What GET /api/uploads lists, and the chunks GET /api/uploads/s1/chunks says s1 holds. */
let listed: object[] = [];
let kept: Array<{ offset: number; length: number; sha256: string }> = [];

vi.mock('./reachability', () => ({ reportReachable: () => {}, reportUnreachable: () => {}, onReachable: () => () => {} }));
vi.mock('./http', async (original) => ({
  ...(await original<typeof import('./http')>()),
  apiRequest: async (method: string, path: string, body?: { conflict?: string }) => {
    log.push(`${method} ${path.replace(/\/api\/uploads\/s1/, ':id')}${path.endsWith('/complete') ? ` ${body?.conflict}` : ''}`);
    const session = { id: 's1', offset };
    if (method === 'GET' && path === '/api/uploads') {
      return { items: listed };
    }
    if (method === 'GET' && path.endsWith('/chunks')) {
      return { items: kept };
    }
    if (method === 'POST' && path === '/api/uploads') {
      return session;
    }
    if (method === 'POST') {
      return { id: 'file-1', name: 'big.bin' };
    }
    return method === 'GET' ? session : undefined;
  },
}));

class FakeXhr {
  status = 0;
  responseText = '';
  upload: { onprogress: ((event: { loaded: number; lengthComputable: boolean; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  onloadend: (() => void) | null = null;
  private url = '';
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader() {}
  send(chunk: Blob) {
    const at = Number(/offset=(\d+)/.exec(this.url)?.[1]);
    const fate = chunkFates.shift() ?? 'arrive';
    log.push(`PUT ${at}+${chunk.size}${fate === 'arrive' ? '' : ` ${fate}`}`);
    if (fate === 'hold') {
      return;
    }
    setTimeout(() => {
      this.upload.onprogress?.({ loaded: chunk.size, lengthComputable: true, total: chunk.size });
      if (fate === 'lost as the network returns') {
        window.dispatchEvent(new Event('online'));
        this.onerror?.();
      } else if (fate === 'lost') {
        this.onerror?.();
      } else {
        offset = at + chunk.size;
        this.status = 200;
        this.responseText = JSON.stringify({ id: 's1', offset });
        this.onload?.();
      }
      this.onloadend?.();
    }, 0);
  }
  abort() {
    this.onabort?.();
    this.onloadend?.();
  }
}
vi.stubGlobal('XMLHttpRequest', FakeXhr);
vi.stubGlobal('window', new EventTarget());

const { resumableUpload } = await import('./upload-sessions');

const MiB = 1024 * 1024;
const file = new File([new Uint8Array(2 * RESUMABLE.chunkBytes + 5)], 'big.bin');
const request = (extra: { onReconnecting?: (waiting: boolean) => void; onProgress?: (loaded: number) => void } = {}) => ({
  file,
  name: 'big.bin',
  parentId: null,
  conflict: 'fail' as const,
  onProgress: extra.onProgress ?? (() => {}),
  onReconnecting: extra.onReconnecting,
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

afterAll(() => {
  vi.unstubAllGlobals();
});
beforeEach(() => {
  log.length = 0;
  offset = 0;
  chunkFates = [];
  listed = [];
  kept = [];
});

describe('resumableUpload', () => {
  it('sends the file in 8 MiB slices one after another and completes, counting progress across chunks', async () => {
    const progress: number[] = [];
    const node = await resumableUpload(request({ onProgress: (loaded) => progress.push(loaded) })).done;
    expect(node).toMatchObject({ id: 'file-1' });
    expect(log).toEqual([
      'POST /api/uploads',
      `PUT 0+${8 * MiB}`,
      `PUT ${8 * MiB}+${8 * MiB}`,
      `PUT ${16 * MiB}+5`,
      'POST :id/complete fail',
    ]);
    expect(progress.at(-1)).toBe(file.size);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('after a lost chunk says it reconnects, wakes when the browser is online, asks the offset and goes on', async () => {
    chunkFates = ['arrive', 'lost'];
    const reconnecting: boolean[] = [];
    const upload = resumableUpload(
      request({
        onReconnecting: (waiting) => {
          reconnecting.push(waiting);
          if (waiting) {
            // Long before the first wait (1 s) is over.
            setTimeout(() => window.dispatchEvent(new Event('online')), 10);
          }
        },
      }),
    );
    const started = Date.now();
    await upload.done;
    expect(Date.now() - started).toBeLessThan(RESUMABLE.firstRetryMs);
    expect(reconnecting).toEqual([true, false]);
    expect(log).toEqual([
      'POST /api/uploads',
      `PUT 0+${8 * MiB}`,
      `PUT ${8 * MiB}+${8 * MiB} lost`,
      'GET :id',
      `PUT ${8 * MiB}+${8 * MiB}`,
      `PUT ${16 * MiB}+5`,
      'POST :id/complete fail',
    ]);
  });

  it('does not miss the browser going online while a request was failing', async () => {
    chunkFates = ['lost as the network returns'];
    const started = Date.now();
    await resumableUpload(request()).done;
    expect(Date.now() - started).toBeLessThan(RESUMABLE.firstRetryMs);
    expect(log.slice(0, 3)).toEqual(['POST /api/uploads', `PUT 0+${8 * MiB} lost as the network returns`, 'GET :id']);
  });

  it('cancelled during a chunk, aborts it and deletes the session', async () => {
    chunkFates = ['arrive', 'hold'];
    const upload = resumableUpload(request());
    const outcome = upload.done.catch((error: unknown) => error);
    while (log.length < 3) {
      await tick();
    }
    upload.abort();
    expect(await outcome).toMatchObject({ name: 'AbortError' });
    expect(log).toEqual(['POST /api/uploads', `PUT 0+${8 * MiB}`, `PUT ${8 * MiB}+${8 * MiB} hold`, 'DELETE :id']);
  });

  it('cancelled while the session was being opened, deletes it once it is known, sending nothing', async () => {
    const upload = resumableUpload(request());
    upload.abort();
    expect(await upload.done.catch((error: unknown) => error)).toMatchObject({ name: 'AbortError' });
    expect(log).toEqual(['POST /api/uploads', 'DELETE :id']);
  });

  it('completes a session kept from an earlier try without sending its bytes again', async () => {
    offset = file.size;
    const node = await resumableUpload({ ...request(), conflict: 'replace', sessionId: 's1' }).done;
    expect(node).toMatchObject({ id: 'file-1' });
    expect(log).toEqual(['GET :id', 'POST :id/complete replace']);
  });

  it('goes on with an open session of the same file for the same place (a page reloaded half-way), sending only the rest', async () => {
    const modifiedAt = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const held = { id: 's1', name: 'big.bin', parentId: null, size: file.size, offset: 8 * MiB, modifiedAt: new Date(modifiedAt).toISOString() };
    listed = [
      { ...held, id: 'other', size: file.size - 1 },
      { ...held, id: 'other', modifiedAt: new Date(modifiedAt + 1).toISOString() },
      held,
    ];
    offset = 8 * MiB;
    // The file is zeros: the kept chunk is its first 8 MiB.
    kept = [{ offset: 0, length: 8 * MiB, sha256: createHash('sha256').update(new Uint8Array(8 * MiB)).digest('hex') }];
    const node = await resumableUpload({ ...request(), modifiedAt }).done;
    expect(node).toMatchObject({ id: 'file-1' });
    expect(log).toEqual(['GET /api/uploads', 'GET :id/chunks', 'GET :id', `PUT ${8 * MiB}+${8 * MiB}`, `PUT ${16 * MiB}+5`, 'POST :id/complete fail']);
  });

  it('opens a new session when the one of the same name, size and time holds other bytes', async () => {
    const modifiedAt = Date.UTC(2026, 0, 2);
    listed = [{ id: 's1', name: 'big.bin', parentId: null, size: file.size, offset: 8 * MiB, modifiedAt: new Date(modifiedAt).toISOString() }];
    kept = [{ offset: 0, length: 8 * MiB, sha256: createHash('sha256').update('other bytes').digest('hex') }];
    offset = 0;
    await resumableUpload({ ...request(), modifiedAt }).done;
    expect(log.slice(0, 4)).toEqual(['GET /api/uploads', 'GET :id/chunks', 'POST /api/uploads', `PUT 0+${8 * MiB}`]);
  });

  it('opens a new session when none is of the same file', async () => {
    const modifiedAt = Date.UTC(2026, 0, 2);
    listed = [{ id: 'other', name: 'other.bin', parentId: null, size: file.size, offset: 8 * MiB, modifiedAt: new Date(modifiedAt).toISOString() }];
    await resumableUpload({ ...request(), modifiedAt }).done;
    expect(log.slice(0, 3)).toEqual(['GET /api/uploads', 'POST /api/uploads', `PUT 0+${8 * MiB}`]);
  });
});
