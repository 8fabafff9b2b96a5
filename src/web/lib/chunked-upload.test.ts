import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import {
  advanceChunkedUpload,
  chunkBytesFor,
  ChunkedUploadError,
  isTransient,
  RESUMABLE,
  retryDelay,
  startChunkedUpload,
  type ChunkEvent,
  type ChunkState,
  type ChunkStep,
} from './chunked-upload';

const lost = new ApiError(0, 'network_error', 'The connection was lost during the upload.');
const session = (offset: number) => ({ id: 's1', offset });

/** Feeds events one after another from `start`, returning every step taken. */
function run(start: { state: ChunkState; step: ChunkStep }, events: ChunkEvent[]): { state: ChunkState; steps: ChunkStep[] } {
  let { state } = start;
  const steps = [start.step];
  for (const event of events) {
    const next = advanceChunkedUpload(state, event);
    state = next.state;
    steps.push(next.step);
  }
  return { state, steps };
}

describe('chunk size', () => {
  it('is 8 MiB, and more for a file that would need more than the 10,000 chunks the server takes', () => {
    const MiB = 1024 * 1024;
    expect(chunkBytesFor(20 * MiB)).toBe(RESUMABLE.chunkBytes);
    expect(chunkBytesFor(10_000 * 8 * MiB)).toBe(8 * MiB);
    const huge = 200 * 1024 * MiB + 1;
    expect(chunkBytesFor(huge)).toBe(Math.ceil(huge / 10_000));
    const { steps } = run(startChunkedUpload(huge), [{ type: 'session', session: session(0), now: 0 }]);
    expect(steps[1]).toEqual({ kind: 'send', start: 0, end: Math.ceil(huge / 10_000) });
  });
});

describe('chunked upload steps', () => {
  it('creates a session, sends the file chunk after chunk (the last one shorter) and completes', () => {
    const { steps } = run(startChunkedUpload(20, null, 8), [
      { type: 'session', session: session(0), now: 0 },
      { type: 'sent', session: session(8), now: 1 },
      { type: 'sent', session: session(16), now: 2 },
      { type: 'sent', session: session(20), now: 3 },
      { type: 'completed' },
    ]);
    expect(steps).toEqual([
      { kind: 'create' },
      { kind: 'send', start: 0, end: 8 },
      { kind: 'send', start: 8, end: 16 },
      { kind: 'send', start: 16, end: 20 },
      { kind: 'complete' },
      { kind: 'done' },
    ]);
  });

  it('completes an empty remainder at once, and a held session without sending its bytes again', () => {
    const resumed = run(startChunkedUpload(20, 's1', 8), [{ type: 'session', session: session(20), now: 0 }]);
    expect(resumed.steps).toEqual([{ kind: 'query' }, { kind: 'complete' }]);
    const halfway = run(startChunkedUpload(20, 's1', 8), [{ type: 'session', session: session(12), now: 0 }]);
    expect(halfway.steps.at(-1)).toEqual({ kind: 'send', start: 12, end: 20 });
  });

  it('after a lost chunk waits, asks the server for its offset and goes on from there', () => {
    const { steps, state } = run(startChunkedUpload(30, null, 8), [
      { type: 'session', session: session(0), now: 0 },
      { type: 'sent', session: session(8), now: 1 },
      { type: 'failed', error: lost, now: 2 },
      { type: 'woke' },
      { type: 'session', session: session(8), now: 1003 },
    ]);
    expect(steps.slice(2)).toEqual([
      { kind: 'send', start: 8, end: 16 },
      { kind: 'wait', ms: 1000 },
      { kind: 'query' },
      { kind: 'send', start: 8, end: 16 },
    ]);
    expect(state.offset).toBe(8);
  });

  it('treats no answer and 5xx as passing, and other refusals (507 quota included) as final', () => {
    expect(isTransient(lost)).toBe(true);
    expect(isTransient(new ApiError(503, 'http_error', ''))).toBe(true);
    expect(isTransient(new ApiError(500, 'internal_error', ''))).toBe(true);
    expect(isTransient(new ApiError(507, 'quota_exceeded', ''))).toBe(false);
    expect(isTransient(new ApiError(413, 'too_large', ''))).toBe(false);
    expect(isTransient(new Error('other'))).toBe(false);
  });

  it('doubles the wait from 1 s up to 30 s while failures go on, and starts again from 1 s after progress', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    const events: ChunkEvent[] = [{ type: 'session', session: session(0), now: 0 }];
    for (let i = 0; i < 3; i += 1) {
      events.push(
        { type: 'failed', error: new ApiError(502, 'http_error', ''), now: i },
        { type: 'woke' },
        { type: 'session', session: session(0), now: i },
      );
    }
    events.push({ type: 'sent', session: session(8), now: 10 }, { type: 'failed', error: lost, now: 11 });
    const waits = run(startChunkedUpload(30, null, 8), events).steps.filter((step) => step.kind === 'wait');
    expect(waits).toEqual([
      { kind: 'wait', ms: 1000 },
      { kind: 'wait', ms: 2000 },
      { kind: 'wait', ms: 4000 },
      { kind: 'wait', ms: 1000 },
    ]);
  });

  it('goes on from the offset a 409 offset_mismatch names, without waiting', () => {
    const { steps } = run(startChunkedUpload(30, null, 8), [
      { type: 'session', session: session(0), now: 0 },
      { type: 'failed', error: new ApiError(409, 'offset_mismatch', 'Expected 8.'), now: 1, serverOffset: 8 },
    ]);
    expect(steps.at(-1)).toEqual({ kind: 'send', start: 8, end: 16 });
  });

  it('gives up after ten minutes without an acknowledged byte, abandoning the session', () => {
    const start = run(startChunkedUpload(30, null, 8), [
      { type: 'session', session: session(0), now: 0 },
      { type: 'sent', session: session(8), now: 5_000 },
      { type: 'failed', error: lost, now: 10_000 },
    ]).state;
    const before = advanceChunkedUpload(
      { ...start, request: 'query' },
      { type: 'failed', error: lost, now: 10_000 + RESUMABLE.giveUpMs - 1 },
    );
    expect(before.step.kind).toBe('wait');
    const after = advanceChunkedUpload(before.state, { type: 'failed', error: lost, now: 10_000 + RESUMABLE.giveUpMs });
    expect(after.step).toMatchObject({ kind: 'fail', abandon: true, held: false });
    expect(after.step.kind === 'fail' && after.step.error).toBeInstanceOf(ChunkedUploadError);
  });

  it('tries a lost creation or completion again as such', () => {
    const created = run(startChunkedUpload(30, null, 8), [{ type: 'failed', error: lost, now: 0 }, { type: 'woke' }]);
    expect(created.steps).toEqual([{ kind: 'create' }, { kind: 'wait', ms: 1000 }, { kind: 'create' }]);
    const completed = run(startChunkedUpload(8, 's1', 8), [
      { type: 'session', session: session(8), now: 0 },
      { type: 'failed', error: new ApiError(503, 'http_error', ''), now: 1 },
      { type: 'woke' },
    ]);
    expect(completed.steps.slice(1)).toEqual([{ kind: 'complete' }, { kind: 'wait', ms: 1000 }, { kind: 'complete' }]);
  });

  it('says the file may be stored when a completion whose answer was lost finds the session gone', () => {
    const { steps } = run(startChunkedUpload(8, 's1', 8), [
      { type: 'session', session: session(8), now: 0 },
      { type: 'failed', error: lost, now: 1 },
      { type: 'woke' },
      { type: 'failed', error: new ApiError(404, 'not_found', 'Upload not found.'), now: 2 },
    ]);
    const last = steps.at(-1);
    expect(last).toMatchObject({ kind: 'fail', abandon: false, held: false });
    expect(last?.kind === 'fail' && last.error instanceof Error && last.error.message).toMatch(/check whether the file is in the folder/);
  });

  it('stops on refusals: nothing to abandon at creation, the session abandoned mid-way, held at completion', () => {
    const taken = new ApiError(409, 'name_taken', '“a.bin” already exists.');
    expect(run(startChunkedUpload(30, null, 8), [{ type: 'failed', error: taken, now: 0 }]).steps.at(-1)).toEqual({
      kind: 'fail',
      error: taken,
      abandon: false,
      held: false,
    });
    const tooLarge = new ApiError(413, 'too_large', 'Too large.');
    const midway = run(startChunkedUpload(30, null, 8), [
      { type: 'session', session: session(0), now: 0 },
      { type: 'failed', error: tooLarge, now: 1 },
    ]);
    expect(midway.steps.at(-1)).toEqual({ kind: 'fail', error: tooLarge, abandon: true, held: false });
    const atCompletion = run(startChunkedUpload(8, null, 8), [
      { type: 'session', session: session(0), now: 0 },
      { type: 'sent', session: session(8), now: 1 },
      { type: 'failed', error: taken, now: 2 },
    ]);
    expect(atCompletion.steps.at(-1)).toEqual({ kind: 'fail', error: taken, abandon: false, held: true });
    expect(atCompletion.state.sessionId).toBe('s1');
  });

  it('stops without deleting anything once signed out, or when the session is gone', () => {
    const signedOut = new ApiError(401, 'unauthenticated', 'Sign in.');
    const { steps } = run(startChunkedUpload(30, null, 8), [
      { type: 'session', session: session(0), now: 0 },
      { type: 'failed', error: signedOut, now: 1 },
    ]);
    expect(steps.at(-1)).toEqual({ kind: 'fail', error: signedOut, abandon: false, held: false });
    const gone = run(startChunkedUpload(30, 's1', 8), [{ type: 'failed', error: new ApiError(404, 'not_found', 'Not found.'), now: 0 }]);
    expect(gone.steps.at(-1)).toMatchObject({ kind: 'fail', abandon: false, held: false });
  });
});
