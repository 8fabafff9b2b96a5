import { apiRequest, errorFromBody, ApiError } from './http';
import { queryString } from './query';
import type { FileNode } from './types';

export type ConflictMode = 'fail' | 'rename' | 'replace';

/** The file's bytes; `inline` asks for a preview-safe inline response. */
export function contentUrl(id: string, options: { inline?: boolean } = {}): string {
  return `/api/files/${encodeURIComponent(id)}/content${queryString({ inline: options.inline ? 1 : undefined })}`;
}

/** The folder as a streamed zip archive. */
export function zipUrl(folderId: string): string {
  return `/api/folders/${encodeURIComponent(folderId)}/zip`;
}

/** The most items the server zips as one selection. */
export const MAX_SELECTION_ZIP = 200;

/** Several files and folders as one zip, each at its top. */
export function selectionZipUrl(ids: readonly string[]): string {
  return `/api/zip?ids=${ids.map(encodeURIComponent).join(',')}`;
}

export interface UploadRequest {
  file: Blob;
  name: string;
  parentId: string | null;
  conflict: ConflictMode;
  modifiedAt?: number;
  onProgress: (loaded: number, total: number) => void;
}

export interface UploadHandle {
  /** Resolves the stored node; rejects with an ApiError, or an AbortError after abort(). */
  done: Promise<FileNode>;
  abort: () => void;
  /**
   * After a refusal at completion (name taken, quota): the upload session still holding every byte,
   * to complete with another policy (see resumableUpload) or abandon; null, or absent, when none.
   */
  heldSession?: () => string | null;
}

/**
 * Streams one file as the raw body of PUT /api/files/content. XMLHttpRequest, not fetch, because
 * only it reports upload progress.
 */
export function uploadFile(request: UploadRequest): UploadHandle {
  const xhr = new XMLHttpRequest();
  const url = `/api/files/content${queryString({
    parentId: request.parentId,
    name: request.name,
    conflict: request.conflict,
    modifiedAt: request.modifiedAt,
  })}`;
  const done = new Promise<FileNode>((resolve, reject) => {
    xhr.open('PUT', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => request.onProgress(event.loaded, event.lengthComputable ? event.total : request.file.size);
    xhr.onload = () => {
      const body = responseBody(xhr);
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as FileNode);
      } else {
        reject(errorFromBody(xhr.status, body));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The connection was lost during the upload.'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.send(request.file);
  });
  return { done, abort: () => xhr.abort() };
}

/** An XMLHttpRequest's JSON answer, or undefined when it has none (or not JSON). */
export function responseBody(xhr: XMLHttpRequest): unknown {
  try {
    return xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts a browser download of a same-origin URL without leaving the page. */
export function startDownload(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/**
 * Asks the server for a file's content without downloading it (a HEAD, which a limited link does
 * not count): whether the browser's own player would get it, or why not. A 401 is a link's
 * password asked for again, unless `signedIn`: then it is the session ended elsewhere, and the
 * app goes to sign-in as for any other request.
 */
export async function checkContent(url: string, options: { signal?: AbortSignal; signedIn?: boolean } = {}): Promise<true> {
  await apiRequest('HEAD', url, undefined, { signal: options.signal, quiet401: !options.signedIn });
  return true;
}

/**
 * checkContent as a yes or no: whether the content at `url` answers. A refusal, or a server out of
 * reach, goes to `onRefused`, which tells the user why (each page in its own words).
 */
export function contentAnswers(url: string, options: { signedIn?: boolean; onRefused: (error: unknown) => void }): Promise<boolean> {
  return checkContent(url, { signedIn: options.signedIn }).then(
    () => true,
    (error: unknown) => {
      options.onRefused(error);
      return false;
    },
  );
}
