import { reportReachable, reportUnreachable } from './reachability';

/** A failed API call: the contract's error code and message, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called whenever an authenticated call answers 401, so the app can return to the sign-in page. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** The contract's error body, or a generic one when the body is not JSON. */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error: unknown = body.error;
    if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
      return new ApiError(status, String(error.code), String(error.message));
    }
  }
  return new ApiError(
    status,
    status === 0 ? 'network_error' : 'http_error',
    status === 0 ? 'Could not reach the server.' : `The server answered ${status}.`,
  );
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Do not broadcast a 401 (sign-in, public pages). */
  quiet401?: boolean;
}

/**
 * A request to this origin whose outcome says whether the server can be reached (see
 * reachability.ts): resolves an ok response; rejects with an ApiError, of status 0 when the
 * request never got an answer, or an AbortError.
 */
export async function fetchFromServer(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch (error) {
    if (isAbort(error)) {
      throw error;
    }
    reportUnreachable();
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection.');
  }
  if (!response.ok) {
    const error = errorFromBody(response.status, await readJson(response));
    if (isUnreachable(error)) {
      reportUnreachable();
    } else {
      reportReachable();
    }
    throw error;
  }
  reportReachable();
  return response;
}

/** The body as JSON; undefined when empty or not JSON. */
async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Calls the JSON API on this origin with the session cookie; resolves the parsed body (undefined for 204). */
export async function apiRequest<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetchFromServer(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && !options.quiet401) {
      unauthenticatedListeners.forEach((listener) => listener());
    }
    throw error;
  }
  if (response.status === 204) {
    return undefined as T;
  }
  return (await readJson(response)) as T;
}

/** What a proxy answers when the server behind it is down or restarting. */
const GATEWAY_FAILURES = new Set([502, 503, 504]);

/**
 * True for a call that never got the server's answer (no network, the server or its proxy down):
 * what was loaded before is still worth showing, and the call is worth making again once the
 * server answers (see reachability.ts).
 */
export function isUnreachable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || (GATEWAY_FAILURES.has(error.status) && error.code === 'http_error'));
}

/** True for an aborted fetch, which callers ignore. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** A human sentence for any error thrown by an API call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
