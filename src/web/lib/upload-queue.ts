import { ApiError, isAbort } from '../api/http';
import { uploadFile, type ConflictMode, type UploadHandle } from '../api/files';
import type { FileNode } from '../api/types';
import { abandonUploadSession, resumableUpload } from '../api/upload-sessions';
import { RESUMABLE } from './chunked-upload';

/** `reconnecting`: a large file's upload lost the connection and waits to go on from the bytes the server kept. */
export type UploadStatus = 'queued' | 'uploading' | 'reconnecting' | 'done' | 'error' | 'conflict' | 'cancelled' | 'skipped';

/** One file of the upload panel. */
export interface UploadItem {
  id: number;
  name: string;
  /** Where it goes, for the panel ("Photos/2024"); empty for the current folder. */
  destination: string;
  parentId: string | null;
  size: number;
  loaded: number;
  status: UploadStatus;
  error: string | null;
  /** Bytes per second, smoothed. */
  speed: number;
  conflict: ConflictMode;
  /** False once Replace was refused: the name is a folder's, which a file cannot replace. */
  replaceable: boolean;
  /** The name the server stored it under, once done: another one when "Keep both" numbered it. */
  storedName: string | null;
}

interface Entry {
  item: UploadItem;
  file: File;
  handle: UploadHandle | null;
  /** An upload session holding every byte after a refusal at completion: the next try completes it. */
  sessionId: string | null;
  lastTime: number;
  lastLoaded: number;
  onStored?: (node: FileNode) => void;
}

export interface UploadRequestItem {
  file: File;
  parentId: string | null;
  name?: string;
  destination?: string;
  /** Told of the file the server stored (under another name after "Keep both"). */
  onStored?: (node: FileNode) => void;
}

/** The sentence for an upload the server refused. */
export function uploadErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.status) {
      case 507:
        return 'Not enough storage: this file would exceed your quota.';
      case 413:
        return 'This file is larger than the server accepts.';
      case 404:
        return error.code === 'not_found' && /route/i.test(error.message)
          ? 'This server cannot accept uploads yet.'
          : 'The destination folder no longer exists.';
      case 401:
        return 'You were signed out. Sign in and try again.';
      case 0:
        return 'The connection was lost during the upload.';
      default:
        return error.message;
    }
  }
  return error instanceof Error ? error.message : 'The upload failed.';
}

const ACTIVE: readonly UploadStatus[] = ['queued', 'uploading', 'reconnecting', 'conflict'];
/** Statuses that hold one of the `concurrency` places. */
const RUNNING: readonly UploadStatus[] = ['uploading', 'reconnecting'];

/**
 * The upload queue: a few files at a time over XMLHttpRequest, with progress, speed, cancel, and
 * name clashes held for the user to choose rename, replace or skip. Listeners are told at most
 * once per animation frame.
 */
export class UploadQueue {
  private entries: Entry[] = [];
  private snapshot: readonly UploadItem[] = [];
  private nextId = 1;
  private listeners = new Set<() => void>();
  private scheduled = false;

  constructor(
    private readonly onStored: () => void,
    private readonly concurrency = 3,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly UploadItem[] => this.snapshot;

  /** Adds files to the queue and starts uploading. */
  enqueue(requests: readonly UploadRequestItem[]): void {
    for (const request of requests) {
      this.entries.push({
        file: request.file,
        handle: null,
        sessionId: null,
        lastTime: 0,
        lastLoaded: 0,
        onStored: request.onStored,
        item: {
          id: this.nextId++,
          name: request.name ?? request.file.name,
          destination: request.destination ?? '',
          parentId: request.parentId,
          size: request.file.size,
          loaded: 0,
          status: 'queued',
          error: null,
          speed: 0,
          conflict: 'fail',
          replaceable: true,
          storedName: null,
        },
      });
    }
    this.changed(true);
    this.pump();
  }

  /** Stops one upload (or drops it from the queue). */
  cancel(id: number): void {
    const entry = this.find(id);
    if (!entry || !ACTIVE.includes(entry.item.status)) {
      return;
    }
    entry.handle?.abort();
    this.release(entry);
    this.update(entry, { status: 'cancelled', speed: 0 });
    this.pump();
  }

  /** Stops everything still queued or running. */
  cancelAll(): void {
    this.entries.filter((entry) => ACTIVE.includes(entry.item.status)).forEach((entry) => this.cancel(entry.item.id));
  }

  /** Answers a name clash: upload again under a new name, over the existing file, or not at all. */
  resolveConflict(id: number, choice: 'rename' | 'replace' | 'skip'): void {
    const entry = this.find(id);
    if (!entry || entry.item.status !== 'conflict' || (choice === 'replace' && !entry.item.replaceable)) {
      return;
    }
    if (choice === 'skip') {
      this.release(entry);
      this.update(entry, { status: 'skipped', error: null });
    } else {
      this.update(entry, { status: 'queued', conflict: choice, error: null, loaded: 0 });
    }
    this.pump();
  }

  /** The same answer for every clash waiting. */
  resolveAllConflicts(choice: 'rename' | 'replace' | 'skip'): void {
    this.entries.filter((entry) => entry.item.status === 'conflict').forEach((entry) => this.resolveConflict(entry.item.id, choice));
  }

  /** Tries a failed or cancelled upload again. */
  retry(id: number): void {
    const entry = this.find(id);
    if (entry && (entry.item.status === 'error' || entry.item.status === 'cancelled')) {
      this.update(entry, { status: 'queued', error: null, loaded: 0 });
      this.pump();
    }
  }

  /** Tries every failed upload again (after the server or the network is back). */
  retryAll(): void {
    let any = false;
    for (const entry of this.entries) {
      if (entry.item.status === 'error') {
        this.update(entry, { status: 'queued', error: null, loaded: 0 });
        any = true;
      }
    }
    if (any) {
      this.pump();
    }
  }

  /** Removes finished, failed, skipped and cancelled uploads from the panel. */
  clearFinished(): void {
    this.entries.filter((entry) => !ACTIVE.includes(entry.item.status)).forEach((entry) => this.release(entry));
    this.entries = this.entries.filter((entry) => ACTIVE.includes(entry.item.status));
    this.changed(true);
  }

  /** Abandons the session a refused completion left, if any: the file will not be tried again. */
  private release(entry: Entry): void {
    if (entry.sessionId !== null) {
      void abandonUploadSession(entry.sessionId);
      entry.sessionId = null;
    }
  }

  private find(id: number): Entry | undefined {
    return this.entries.find((entry) => entry.item.id === id);
  }

  private update(entry: Entry, change: Partial<UploadItem>, immediate = true): void {
    entry.item = { ...entry.item, ...change };
    this.changed(immediate);
  }

  private pump(): void {
    let running = this.entries.filter((entry) => RUNNING.includes(entry.item.status)).length;
    for (const entry of this.entries) {
      if (running >= this.concurrency) {
        break;
      }
      if (entry.item.status === 'queued') {
        running += 1;
        this.start(entry);
      }
    }
  }

  private start(entry: Entry): void {
    entry.lastTime = performance.now();
    entry.lastLoaded = 0;
    this.update(entry, { status: 'uploading', loaded: 0, speed: 0 });
    const request = {
      file: entry.file,
      name: entry.item.name,
      parentId: entry.item.parentId,
      conflict: entry.item.conflict,
      modifiedAt: entry.file.lastModified || undefined,
      onProgress: (loaded: number) => this.progress(entry, loaded),
    };
    // A session kept from the last try is completed with this try's policy, without sending again.
    const sessionId = entry.sessionId;
    entry.sessionId = null;
    const handle =
      sessionId !== null || entry.file.size > RESUMABLE.thresholdBytes
        ? resumableUpload({ ...request, sessionId, onReconnecting: (waiting) => this.reconnecting(entry, waiting) })
        : uploadFile(request);
    entry.handle = handle;
    handle.done
      .then(
        (stored) => {
          this.update(entry, { status: 'done', loaded: entry.item.size, speed: 0, storedName: stored.name });
          this.onStored();
          entry.onStored?.(stored);
        },
        (error: unknown) => {
          if (isAbort(error) || entry.item.status === 'cancelled') {
            return;
          }
          entry.sessionId = handle.heldSession?.() ?? null;
          if (error instanceof ApiError && error.status === 409 && error.code === 'name_taken') {
            // The file is not stored (a session may hold its bytes, to complete with the choice made).
            // A clash that Replace did not settle is with a folder: asking "Replace?" again would
            // only be refused again.
            const folder = entry.item.conflict === 'replace';
            this.update(entry, {
              status: 'conflict',
              error: folder
                ? `A folder named “${entry.item.name}” is here: a file cannot replace it.`
                : `“${entry.item.name}” already exists here.`,
              loaded: 0,
              speed: 0,
              replaceable: entry.item.replaceable && !folder,
            });
          } else {
            this.update(entry, { status: 'error', error: uploadErrorMessage(error), speed: 0 });
          }
        },
      )
      .finally(() => {
        entry.handle = null;
        this.pump();
      });
  }

  /** A resumable upload lost the connection (true), or the server answers again (false). */
  private reconnecting(entry: Entry, waiting: boolean): void {
    if (RUNNING.includes(entry.item.status)) {
      this.update(entry, { status: waiting ? 'reconnecting' : 'uploading', speed: 0 });
    }
  }

  private progress(entry: Entry, loaded: number): void {
    const now = performance.now();
    const elapsed = (now - entry.lastTime) / 1000;
    let speed = entry.item.speed;
    if (entry.item.status !== 'uploading' || loaded < entry.lastLoaded) {
      // Back to the bytes the server kept after a lost chunk: speed starts again from here.
      entry.lastTime = now;
      entry.lastLoaded = loaded;
      speed = 0;
    } else if (elapsed >= 0.25) {
      const instant = (loaded - entry.lastLoaded) / elapsed;
      speed = speed === 0 ? instant : speed * 0.7 + instant * 0.3;
      entry.lastTime = now;
      entry.lastLoaded = loaded;
    }
    this.update(entry, { loaded: Math.min(loaded, entry.item.size), speed }, false);
  }

  private changed(immediate: boolean): void {
    if (immediate) {
      this.publish();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => this.publish());
    }
  }

  private publish(): void {
    this.scheduled = false;
    this.snapshot = this.entries.map((entry) => entry.item);
    this.listeners.forEach((listener) => listener());
  }
}

/** Totals for the panel header: bytes across the current batch and the combined speed. */
export function uploadTotals(items: readonly UploadItem[]) {
  const counted = items.filter((item) => item.status !== 'cancelled' && item.status !== 'skipped');
  const total = counted.reduce((sum, item) => sum + item.size, 0);
  // A failed or clashing file's bytes were sent but not kept: they do not count as uploaded.
  const loaded = counted.reduce(
    (sum, item) => sum + (item.status === 'done' ? item.size : item.status === 'error' || item.status === 'conflict' ? 0 : item.loaded),
    0,
  );
  return {
    total,
    loaded,
    speed: items.reduce((sum, item) => sum + (item.status === 'uploading' ? item.speed : 0), 0),
    active: items.filter((item) => ACTIVE.includes(item.status)).length,
    reconnecting: items.filter((item) => item.status === 'reconnecting').length,
    done: items.filter((item) => item.status === 'done').length,
    failed: items.filter((item) => item.status === 'error').length,
    conflicts: items.filter((item) => item.status === 'conflict').length,
  };
}
