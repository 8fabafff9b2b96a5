import { ApiError } from '../api/http';

const MiB = 1024 * 1024;

/** How the web UI sends large files: in chunks through an upload session that outlives a lost connection. */
export const RESUMABLE = {
  /** Files above this size go through a session; smaller ones as one PUT, which costs one request. */
  thresholdBytes: 16 * MiB,
  /** Bytes per chunk: what a lost connection costs again at most. */
  chunkBytes: 8 * MiB,
  /** The first wait after a failure, doubled at each failure in a row up to maxRetryMs. */
  firstRetryMs: 1000,
  maxRetryMs: 30_000,
  /** Without a byte acknowledged for this long, the upload stops and its session is abandoned. */
  giveUpMs: 10 * 60_000,
  /** A chunk request that reports no progress for this long is taken for a dead connection. */
  stallMs: 60_000,
} as const;

/** Chunks per upload the server takes at most: chunks that do not end the file hold at least size / this. */
const MAX_CHUNKS = 10_000;

/** The chunk size for a file: RESUMABLE.chunkBytes, or more for a file so large (above 78 GiB) that it would need more chunks than the server takes. */
export function chunkBytesFor(size: number): number {
  return Math.max(RESUMABLE.chunkBytes, Math.ceil(size / MAX_CHUNKS));
}

/** What the server says of a session: how many bytes of the file it holds. */
export interface SessionOffset {
  id: string;
  offset: number;
}

/** A request the upload makes next, or its end. */
export type ChunkStep =
  | { kind: 'create' }
  | { kind: 'query' }
  | { kind: 'send'; start: number; end: number }
  | { kind: 'complete' }
  | { kind: 'wait'; ms: number }
  | { kind: 'done' }
  /** `abandon`: the session is of no further use and should be deleted; `held`: it keeps every byte for a later completion. */
  | { kind: 'fail'; error: unknown; abandon: boolean; held: boolean };

type Request = 'create' | 'query' | 'send' | 'complete';

export interface ChunkState {
  size: number;
  chunkBytes: number;
  sessionId: string | null;
  /** The bytes the server is known to hold. */
  offset: number;
  /** The request in flight, or the one a wait leads to. */
  request: Request;
  /** Failures in a row since the last byte acknowledged. */
  failures: number;
  /** When the first of those failures happened (ms), null while bytes flow. */
  stalledSince: number | null;
  /** A completion whose answer was lost: the file may be stored already. */
  completionLost: boolean;
}

export type ChunkEvent =
  /** The session created, or its offset asked for. */
  | { type: 'session'; session: SessionOffset; now: number }
  /** A chunk was accepted. */
  | { type: 'sent'; session: SessionOffset; now: number }
  | { type: 'completed' }
  /** The request in flight failed; `serverOffset` is the offset a 409 offset_mismatch named. */
  | { type: 'failed'; error: unknown; now: number; serverOffset?: number }
  /** A wait is over (its time passed, or the browser is back online). */
  | { type: 'woke' };

/** An upload that stopped for a reason of its own (not a refusal of the server). */
export class ChunkedUploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChunkedUploadError';
  }
}

/** The first state and step: a new session, or asking an existing one (`sessionId`) where it stands. */
export function startChunkedUpload(
  size: number,
  sessionId: string | null = null,
  chunkBytes: number = chunkBytesFor(size),
): { state: ChunkState; step: ChunkStep } {
  const request = sessionId === null ? 'create' : 'query';
  return {
    state: { size, chunkBytes, sessionId, offset: 0, request, failures: 0, stalledSince: null, completionLost: false },
    step: request === 'create' ? { kind: 'create' } : { kind: 'query' },
  };
}

/** The wait before the next try after `failures` failures in a row: 1 s, 2 s, 4 s … up to 30 s. */
export function retryDelay(failures: number): number {
  return Math.min(RESUMABLE.maxRetryMs, RESUMABLE.firstRetryMs * 2 ** Math.max(0, failures - 1));
}

/** True for a failure worth trying again: no answer, or the server (or its proxy) failing for now. */
export function isTransient(error: unknown): boolean {
  // 507 is the quota, a refusal; every other 5xx (and 0, no answer) may pass.
  return error instanceof ApiError && (error.status === 0 || (error.status >= 500 && error.status !== 507));
}

/**
 * The upload's state machine, free of I/O and clocks: given what happened to the request in flight,
 * the next state and what to do. The caller performs the step and reports how it ended.
 */
export function advanceChunkedUpload(state: ChunkState, event: ChunkEvent): { state: ChunkState; step: ChunkStep } {
  switch (event.type) {
    case 'session':
    case 'sent':
      return transfer(state, event.session.offset, event.session.id);
    case 'completed':
      return { state, step: { kind: 'done' } };
    case 'woke':
      return again(state);
    case 'failed':
      return failed(state, event);
  }
}

/** The request a wait was for, made again. */
function again(state: ChunkState): { state: ChunkState; step: ChunkStep } {
  switch (state.request) {
    case 'send':
      return transfer(state, state.offset, state.sessionId);
    case 'create':
      return { state, step: { kind: 'create' } };
    case 'query':
      return { state, step: { kind: 'query' } };
    case 'complete':
      return { state, step: { kind: 'complete' } };
  }
}

/** The next chunk from `offset`, or the completion once the server holds every byte. */
function transfer(state: ChunkState, offset: number, sessionId: string | null): { state: ChunkState; step: ChunkStep } {
  const progressed = offset > state.offset;
  const next: ChunkState = {
    ...state,
    sessionId,
    offset,
    failures: progressed ? 0 : state.failures,
    stalledSince: progressed ? null : state.stalledSince,
  };
  if (offset >= state.size) {
    return { state: { ...next, request: 'complete' }, step: { kind: 'complete' } };
  }
  return {
    state: { ...next, request: 'send' },
    step: { kind: 'send', start: offset, end: Math.min(state.size, offset + state.chunkBytes) },
  };
}

function failed(state: ChunkState, event: { error: unknown; now: number; serverOffset?: number }): { state: ChunkState; step: ChunkStep } {
  const { error } = event;
  const status = error instanceof ApiError ? error.status : -1;
  const code = error instanceof ApiError ? error.code : '';
  if (state.request === 'send' && status === 409 && code === 'offset_mismatch' && event.serverOffset !== undefined) {
    // Another try of this chunk reached the server after all, or fewer bytes did: go on from its count.
    return transfer(state, event.serverOffset, state.sessionId);
  }
  if (isTransient(error) || (state.request === 'complete' && status === 409 && code === 'upload_incomplete')) {
    const stalledSince = state.stalledSince ?? event.now;
    if (event.now - stalledSince >= RESUMABLE.giveUpMs) {
      const stopped = new ChunkedUploadError(
        `The server could not be reached for ${RESUMABLE.giveUpMs / 60_000} minutes: the upload stopped. Retry to send the file again.`,
      );
      return { state, step: { kind: 'fail', error: stopped, abandon: state.sessionId !== null, held: false } };
    }
    const failures = state.failures + 1;
    // After a failed chunk, the server says how much of it arrived before anything is sent again.
    const request: Request = state.request === 'send' || code === 'upload_incomplete' ? 'query' : state.request;
    return {
      state: { ...state, request, failures, stalledSince, completionLost: state.completionLost || state.request === 'complete' },
      step: { kind: 'wait', ms: retryDelay(failures) },
    };
  }
  if (status === 404 && state.sessionId !== null && (state.request !== 'complete' || state.completionLost)) {
    // The session is gone: it expired, or was completed by the request whose answer was lost.
    const gone = new ChunkedUploadError(
      state.completionLost
        ? 'The connection was lost as the upload finished: check whether the file is in the folder.'
        : 'The upload was interrupted for too long and has to start again.',
    );
    return { state, step: { kind: 'fail', error: gone, abandon: false, held: false } };
  }
  // A refusal at completion (name taken, quota, folder gone) leaves the session and its bytes: the
  // caller may complete it again with another policy, or abandon it. Signed out, nothing can be deleted.
  const held = state.request === 'complete' && state.sessionId !== null && status !== 401;
  return { state, step: { kind: 'fail', error, abandon: !held && state.sessionId !== null && status !== 401, held } };
}
