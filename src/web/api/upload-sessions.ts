import { advanceChunkedUpload, RESUMABLE, startChunkedUpload, type ChunkEvent, type ChunkStep } from '../lib/chunked-upload';
import { responseBody, type ConflictMode, type UploadHandle, type UploadRequest } from './files';
import { ApiError, apiRequest, errorFromBody, isAbort, isUnreachable } from './http';
import { onReachable, reportReachable, reportUnreachable } from './reachability';
import type { FileNode } from './types';

/** A resumable upload: the bytes of a file the server holds so far (`offset`), until completed. */
export interface UploadSession {
  id: string;
  name: string;
  parentId: string | null;
  size: number;
  offset: number;
  conflict: ConflictMode;
  modifiedAt: string | null;
  createdAt: string;
  expiresAt: string;
}

const sessionPath = (id: string) => `/api/uploads/${encodeURIComponent(id)}`;

// Uploads do not send the app to the sign-in page on a 401: the panel says so (as uploadFile does).
const quiet = (signal?: AbortSignal) => ({ signal, quiet401: true });

/** Opens a session; refused up front when the name is taken (409), the folder gone, or the file too large. */
export function createUploadSession(
  body: { name: string; size: number; parentId: string | null; conflict: ConflictMode; modifiedAt?: number },
  signal?: AbortSignal,
): Promise<UploadSession> {
  return apiRequest('POST', '/api/uploads', body, quiet(signal));
}

/** The caller's open sessions, newest first. */
export function listUploadSessions(signal?: AbortSignal): Promise<{ items: UploadSession[] }> {
  return apiRequest('GET', '/api/uploads', undefined, quiet(signal));
}

/**
 * An open session of this very file for the same place, left by a page reloaded or closed half-way
 * (or another tab): the same name, folder, size and modification time, as resumable upload clients
 * know a file again (tus-js-client's fingerprint), and the bytes it holds checked against the
 * file's. Null when there is none, or no way to ask or check.
 */
async function sessionOfSameFile(request: UploadRequest, signal: AbortSignal): Promise<string | null> {
  if (request.modifiedAt === undefined) {
    return null;
  }
  try {
    const { items } = await listUploadSessions(signal);
    const candidates = items.filter(
      (session) =>
        session.offset > 0 &&
        session.name === request.name &&
        session.parentId === request.parentId &&
        session.size === request.file.size &&
        session.modifiedAt !== null &&
        Date.parse(session.modifiedAt) === request.modifiedAt,
    );
    for (const session of candidates) {
      if (await holdsBytesOf(session.id, request.file, signal)) {
        return session.id;
      }
    }
    return null;
  } catch (error) {
    if (isAbort(error)) {
      throw error;
    }
    // Not asked: a new session does as well, only sending every byte.
    return null;
  }
}

/** Chunks larger than this are not read into memory to be checked: such a session is not gone on with. */
const MAX_CHECKED_CHUNK = 64 * 1024 * 1024;

/**
 * Whether every chunk the session holds has the SHA-256 of the same bytes of `file`: a file of the
 * same name, size and time but other bytes (a build with a fixed time, say) must never be completed
 * from another's. False when the browser cannot hash (Web Crypto needs HTTPS or localhost).
 */
async function holdsBytesOf(id: string, file: Blob, signal: AbortSignal): Promise<boolean> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    return false;
  }
  const { items } = await apiRequest<{ items: Array<{ offset: number; length: number; sha256: string }> }>(
    'GET',
    `${sessionPath(id)}/chunks`,
    undefined,
    quiet(signal),
  );
  for (const chunk of items) {
    if (chunk.length > MAX_CHECKED_CHUNK || chunk.offset + chunk.length > file.size) {
      return false;
    }
    const digest = await subtle.digest('SHA-256', await file.slice(chunk.offset, chunk.offset + chunk.length).arrayBuffer());
    const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
    if (hex !== chunk.sha256) {
      return false;
    }
  }
  return true;
}

/** The session as the server has it now: how many bytes it holds. */
export function getUploadSession(id: string, signal?: AbortSignal): Promise<UploadSession> {
  return apiRequest('GET', sessionPath(id), undefined, quiet(signal));
}

/** Stores the session's bytes as a file; `conflict` overrides the policy it was opened with. */
export function completeUploadSession(id: string, conflict: ConflictMode, signal?: AbortSignal): Promise<FileNode> {
  return apiRequest('POST', `${sessionPath(id)}/complete`, { conflict }, quiet(signal));
}

/** Abandons a session and the bytes it holds; never rejects (the server forgets it within a day anyway). */
export async function abandonUploadSession(id: string): Promise<void> {
  try {
    await apiRequest('DELETE', sessionPath(id), undefined, quiet());
  } catch {
    // Gone already, or out of reach: it expires by itself.
  }
}

/** A refused chunk; `offset` is the session's own when the server names it (409 offset_mismatch). */
class ChunkError extends ApiError {
  constructor(
    base: ApiError,
    readonly offset: number | undefined,
  ) {
    super(base.status, base.code, base.message);
  }
}

function offsetIn(body: unknown): number | undefined {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null) {
    const offset: unknown = 'offset' in body.error ? body.error.offset : undefined;
    return typeof offset === 'number' ? offset : undefined;
  }
  return undefined;
}

/**
 * Sends one chunk as the raw body of PUT /api/uploads/:id/content?offset=N over XMLHttpRequest (for
 * its progress). A chunk that reports no progress for RESUMABLE.stallMs is given up as a lost connection.
 */
function sendChunk(id: string, offset: number, chunk: Blob, onProgress: (loaded: number) => void) {
  const xhr = new XMLHttpRequest();
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const watch = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stalled = true;
      xhr.abort();
    }, RESUMABLE.stallMs);
  };
  const done = new Promise<UploadSession>((resolve, reject) => {
    const lost = () => {
      reportUnreachable();
      reject(new ApiError(0, 'network_error', 'The connection was lost during the upload.'));
    };
    xhr.open('PUT', `${sessionPath(id)}/content?offset=${offset}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      watch();
      onProgress(event.loaded);
    };
    xhr.onload = () => {
      const body = responseBody(xhr);
      if (xhr.status >= 200 && xhr.status < 300) {
        reportReachable();
        resolve(body as UploadSession);
        return;
      }
      const error = errorFromBody(xhr.status, body);
      if (isUnreachable(error)) {
        reportUnreachable();
      } else {
        reportReachable();
      }
      reject(new ChunkError(error, offsetIn(body)));
    };
    xhr.onerror = lost;
    xhr.onabort = () => (stalled ? lost() : reject(new DOMException('Upload cancelled', 'AbortError')));
    xhr.onloadend = () => clearTimeout(watchdog);
    watch();
    xhr.send(chunk);
  });
  return { done, abort: () => xhr.abort() };
}

export interface ResumableRequest extends UploadRequest {
  /** A session kept from an earlier try (see UploadHandle.heldSession): completes it instead of sending again. */
  sessionId?: string | null;
  /** Told when the upload waits for the connection to come back (true), and when the server answers again (false). */
  onReconnecting?: (reconnecting: boolean) => void;
}

/**
 * Uploads a file in chunks through an upload session (RESUMABLE says the sizes and waits). A lost
 * connection, or the server failing for now, costs at most the chunk on its way: the upload waits,
 * asks the server how many bytes it holds and goes on from there, until RESUMABLE.giveUpMs pass
 * without progress. The steps are chunked-upload.ts's; this performs them.
 */
export function resumableUpload(request: ResumableRequest): UploadHandle {
  const { file } = request;
  const controller = new AbortController();
  let chunk: { abort: () => void } | null = null;
  let sessionId: string | null = request.sessionId ?? null;
  let held: string | null = null;
  let reconnecting = false;
  let stored: FileNode | null = null;
  const setReconnecting = (value: boolean) => {
    if (value !== reconnecting) {
      reconnecting = value;
      request.onReconnecting?.(value);
    }
  };
  const cancelled = () => new DOMException('Upload cancelled', 'AbortError');
  // The browser back online, or the server answering again, ends a wait at once. One that comes
  // while a request is failing ends the wait after it: the event would otherwise be missed, and
  // the upload would sit out its whole wait (up to 30 s) with the network back.
  let wakeups = 0;
  let wake: (() => void) | null = null;
  const woken = () => {
    wakeups += 1;
    wake?.();
  };
  /** Resolves after `ms`, or at the next wake-up. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => wake?.(), ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  let abandoned = false;
  /** Deletes the session on cancel (once, whether cancelled between requests or during one). */
  const abandonOnce = () => {
    if (!abandoned && sessionId !== null) {
      abandoned = true;
      void abandonUploadSession(sessionId);
    }
  };

  /** Performs one request step and says how it ended. */
  async function perform(step: ChunkStep & { kind: 'create' | 'query' | 'send' | 'complete' }, id: string | null): Promise<ChunkEvent> {
    const now = () => Date.now();
    try {
      if (step.kind === 'create') {
        const session = await createUploadSession(
          { name: request.name, size: file.size, parentId: request.parentId, conflict: request.conflict, modifiedAt: request.modifiedAt },
          controller.signal,
        );
        return { type: 'session', session, now: now() };
      }
      if (id === null) {
        throw new Error('No upload session to continue.');
      }
      if (step.kind === 'query') {
        return { type: 'session', session: await getUploadSession(id, controller.signal), now: now() };
      }
      if (step.kind === 'send') {
        const sending = sendChunk(id, step.start, file.slice(step.start, step.end), (loaded) =>
          request.onProgress(step.start + loaded, file.size),
        );
        chunk = sending;
        try {
          return { type: 'sent', session: await sending.done, now: now() };
        } finally {
          chunk = null;
        }
      }
      stored = await completeUploadSession(id, request.conflict, controller.signal);
      return { type: 'completed' };
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) {
        throw cancelled();
      }
      return { type: 'failed', error, now: now(), serverOffset: error instanceof ChunkError ? error.offset : undefined };
    }
  }

  async function drive(): Promise<FileNode> {
    if (sessionId === null && request.modifiedAt !== undefined) {
      try {
        sessionId = await sessionOfSameFile(request, controller.signal);
      } catch {
        throw cancelled();
      }
    }
    let { state, step } = startChunkedUpload(file.size, sessionId);
    /** The wake-ups counted when the last request started. */
    let wakeupsBefore = wakeups;
    for (;;) {
      if (controller.signal.aborted) {
        // Cancelled as an answer arrived: a session it opened is not left behind.
        abandonOnce();
        throw cancelled();
      }
      let event: ChunkEvent;
      switch (step.kind) {
        case 'done':
          if (stored === null) {
            throw new Error('The upload finished without a file.');
          }
          return stored;
        case 'fail':
          if (step.held) {
            held = state.sessionId;
          } else if (step.abandon && state.sessionId !== null) {
            void abandonUploadSession(state.sessionId);
          }
          sessionId = null;
          throw step.error;
        case 'wait':
          setReconnecting(true);
          request.onProgress(state.offset, file.size);
          if (wakeups === wakeupsBefore) {
            await pause(step.ms);
          }
          if (controller.signal.aborted) {
            throw cancelled();
          }
          event = { type: 'woke' };
          break;
        case 'create':
        case 'query':
        case 'send':
        case 'complete':
          wakeupsBefore = wakeups;
          event = await perform(step, state.sessionId);
          if (event.type !== 'failed') {
            setReconnecting(false);
          }
          break;
      }
      ({ state, step } = advanceChunkedUpload(state, event));
      sessionId = state.sessionId;
      if (step.kind === 'send' || step.kind === 'complete') {
        request.onProgress(state.offset, file.size);
      }
    }
  }

  window.addEventListener('online', woken);
  controller.signal.addEventListener('abort', woken);
  const stopListening = onReachable(woken);
  const done = drive().finally(() => {
    window.removeEventListener('online', woken);
    stopListening();
  });
  return {
    done,
    abort: () => {
      controller.abort();
      chunk?.abort();
      abandonOnce();
    },
    heldSession: () => held,
  };
}
