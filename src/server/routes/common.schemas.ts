import { z } from 'zod';
import { notFound } from '../errors.js';

/** The contract's error body. */
export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error' });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are opaque to clients; one that cannot exist is simply not found (never a 400 or 500). */
export function parseId(raw: string, what = 'That item'): string {
  if (!UUID.test(raw)) {
    throw notFound(what);
  }
  return raw.toLowerCase();
}

/** Like parseId for an optional parent: null (the root) passes through. */
export function parseParentId(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null || raw === '' || raw === 'root') {
    return null;
  }
  return parseId(raw, 'That folder');
}

// No length limit here: parseId answers 404 for any id that cannot exist (the router caps its length).
export const idParams = z.object({ id: z.string() });

/** Standard error responses, so that the OpenAPI document lists them. */
export function errors(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((status) => [status, errorSchema]));
}

/** The description of a route whose answers are kept while the user's tree is unchanged (http/tree-answers.ts). */
export const TREE_VALIDATORS =
  'The answer carries an ETag (and `Cache-Control: private, no-cache`). A request whose If-None-Match names it gets 304 with no body for as long as nothing in the caller\'s tree has changed.';

/** A 304 Not Modified answer (no body), for routes that honour If-None-Match. */
export const notModified = { 304: z.null().describe('Not modified: the If-None-Match header names the current ETag; no body') };

/**
 * A response whose body is bytes of the given media type, not JSON (a download, a zip): the
 * OpenAPI document shows it as a binary string of that type. Streams bypass the serializer.
 */
export function binaryResponse(description: string, mediaType = 'application/octet-stream') {
  return z.unknown().meta({ description, content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } });
}

/** The answers of a download route besides its errors: the bytes, a range of them, or not modified. */
export const contentResponses = {
  200: binaryResponse('The whole file, with Content-Length, ETag, Last-Modified, Accept-Ranges and Content-Disposition; HEAD: the headers alone'),
  206: binaryResponse('One byte range of the file (Content-Range)'),
  ...notModified,
};
