import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http';
import type { FileNode } from '../api/types';
import { RESUMABLE } from './chunked-upload';

/** Each upload started, with the means to settle it. */
interface Started {
  kind: 'single' | 'resumable';
  request: { name: string; conflict: string; sessionId?: string | null; onReconnecting?: (waiting: boolean) => void };
  resolve: (node: FileNode) => void;
  reject: (error: unknown) => void;
  held: string | null;
}
const started: Started[] = [];
const abandoned: string[] = [];

function handle(kind: Started['kind'], request: Started['request']) {
  let resolve: (node: FileNode) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const done = new Promise<FileNode>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  const entry: Started = { kind, request, resolve, reject, held: null };
  started.push(entry);
  return { done, abort: () => reject(new DOMException('Upload cancelled', 'AbortError')), heldSession: () => entry.held };
}

vi.mock('../api/files', () => ({ uploadFile: (request: Started['request']) => handle('single', request) }));
vi.mock('../api/upload-sessions', () => ({
  resumableUpload: (request: Started['request']) => handle('resumable', request),
  abandonUploadSession: async (id: string) => {
    abandoned.push(id);
  },
}));
vi.stubGlobal('requestAnimationFrame', (callback: () => void) => setTimeout(callback, 0));

const { UploadQueue, uploadTotals } = await import('./upload-queue');

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const big = () => new File([new Uint8Array(RESUMABLE.thresholdBytes + 1)], 'big.bin');
const taken = new ApiError(409, 'name_taken', '“big.bin” already exists.');

/** A queue holding one large file whose completion found its name taken, the session kept as `s1`. */
async function clashAtCompletion() {
  const queue = new UploadQueue(() => {});
  queue.enqueue([{ file: big(), parentId: null }]);
  const first = started.at(-1)!;
  first.held = 's1';
  first.reject(taken);
  await settle();
  expect(queue.getSnapshot()[0]?.status).toBe('conflict');
  return queue;
}

afterAll(() => {
  vi.unstubAllGlobals();
});
beforeEach(() => {
  started.length = 0;
  abandoned.length = 0;
});

describe('upload queue and resumable uploads', () => {
  it('sends files above the threshold through a session, smaller ones as one request', () => {
    const queue = new UploadQueue(() => {});
    queue.enqueue([
      { file: new File(['small'], 'small.txt'), parentId: null },
      { file: new File([new Uint8Array(RESUMABLE.thresholdBytes)], 'edge.bin'), parentId: null },
      { file: big(), parentId: null },
    ]);
    expect(started.map((each) => [each.request.name, each.kind])).toEqual([
      ['small.txt', 'single'],
      ['edge.bin', 'single'],
      ['big.bin', 'resumable'],
    ]);
  });

  it('completes the session a name clash at completion kept, with the choice made', async () => {
    const queue = await clashAtCompletion();
    queue.resolveConflict(queue.getSnapshot()[0]!.id, 'replace');
    expect(started[1]).toMatchObject({ kind: 'resumable', request: { sessionId: 's1', conflict: 'replace' } });
    expect(abandoned).toEqual([]);
  });

  it('abandons the kept session when the file is skipped or cancelled', async () => {
    const skipped = await clashAtCompletion();
    skipped.resolveConflict(skipped.getSnapshot()[0]!.id, 'skip');
    expect(abandoned).toEqual(['s1']);
    const cancelled = await clashAtCompletion();
    cancelled.cancel(cancelled.getSnapshot()[0]!.id);
    expect(abandoned).toEqual(['s1', 's1']);
    expect(cancelled.getSnapshot()[0]?.status).toBe('cancelled');
  });

  it('shows an upload waiting for the connection as reconnecting, still holding its place', async () => {
    const queue = new UploadQueue(() => {}, 1);
    queue.enqueue([
      { file: big(), parentId: null },
      { file: new File(['next'], 'next.txt'), parentId: null },
    ]);
    started[0]!.request.onReconnecting?.(true);
    expect(queue.getSnapshot().map((item) => item.status)).toEqual(['reconnecting', 'queued']);
    expect(uploadTotals(queue.getSnapshot())).toMatchObject({ reconnecting: 1, active: 2, failed: 0 });
    started[0]!.request.onReconnecting?.(false);
    expect(queue.getSnapshot()[0]?.status).toBe('uploading');
    expect(started).toHaveLength(1);
  });
});
