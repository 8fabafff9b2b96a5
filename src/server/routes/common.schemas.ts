import { z } from 'zod';
import { notFound } from '../errors.js';
import type { HeaderDoc, OperationDocs } from '../plugins/openapi.js';

/** The contract's error body. */
export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error' });

/**
 * A time in an answer: ISO 8601 in UTC ("2024-05-01T12:00:00.000Z"). Documented as date-time for
 * client generators; the serializer does not check it (the DTO mappers write every one with toISOString).
 */
export const isoTimestamp = () => z.string().meta({ format: 'date-time' });

/**
 * An ISO 8601 time as the Date it names, read as UTC when it gives no offset: the contract's times
 * are UTC, and JavaScript would otherwise read "2020-01-02T03:04:05" in the server's own time zone.
 * Whether the text is a valid time is for the caller to check (an invalid Date).
 */
export function dateFromIso(raw: string): Date {
  // RFC 3339 also takes "t" or a space between date and time.
  const withoutOffset = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/.exec(raw);
  return new Date(withoutOffset ? `${withoutOffset[1]}T${withoutOffset[2]}Z` : raw);
}

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

/** The validators of a kept answer (http/tree-answers.ts), for the OpenAPI document. */
export const treeAnswerDocs = {
  requestHeaders: { 'If-None-Match': { description: 'ETags of earlier answers (or `*`): 304 while the one named is current' } },
  responseHeaders: {
    200: { ETag: { description: 'Names this answer' }, 'Cache-Control': { description: '`private, no-cache`' } },
    304: { ETag: { description: 'The current ETag' }, 'Cache-Control': { description: '`private, no-cache`' } },
  },
} satisfies OperationDocs;

/** A 304 Not Modified answer (no body), for routes that honour If-None-Match. */
export const notModified = { 304: z.null().describe('Not modified: the If-None-Match header names the current ETag; no body') };

/**
 * A response whose body is bytes of the given media type, not JSON (a download, a zip): the
 * OpenAPI document shows it as a binary string of that type. Streams bypass the serializer.
 */
export function binaryResponse(description: string, mediaType = 'application/octet-stream') {
  return z.unknown().meta({ description, content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } });
}

const ranges =
  'One byte range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`: 206, or 416 when it starts at or past the end. ' +
  'Several ranges, another unit or a malformed value are ignored (the whole file, 200).';

/** The headers of a whole file's answer, with or without its bytes (http/send-content.ts). */
const fileHeaders = {
  'Content-Length': { description: 'The size of the file (of the range, on a 206)', schema: { type: 'integer', minimum: 0 } },
  ETag: { description: '`"<sha256>"`: the SHA-256 of the content, in hex' },
  'Last-Modified': { description: "The file's modification time (`modifiedAt`)" },
  'Accept-Ranges': { description: '`bytes`' },
  'Content-Disposition': {
    description:
      '`attachment` (`inline` for ?inline=1 on a type safe to render), with `filename="<ascii fallback>"; filename*=UTF-8\'\'<percent-encoded>`',
  },
  'Cache-Control': { description: '`private, no-cache`' },
  'X-Content-Type-Options': { description: '`nosniff`' },
  'Content-Security-Policy': { description: '`sandbox`' },
} satisfies Record<string, HeaderDoc>;

/** The request and response headers of a download route (http/send-content.ts), for the OpenAPI document. */
export const contentDocs = {
  requestHeaders: {
    Range: { description: ranges },
    'If-None-Match': { description: "ETags (or `*`): 304 when one names the file's content" },
    'If-Range': {
      description: "An ETag: the Range applies only while it names the file's content; otherwise (or for a date) the whole file is sent",
    },
  },
  responseHeaders: {
    200: fileHeaders,
    206: { ...fileHeaders, 'Content-Range': { description: '`bytes <first>-<last>/<size>`' } },
    304: { ETag: fileHeaders.ETag, 'Last-Modified': fileHeaders['Last-Modified'], 'Cache-Control': fileHeaders['Cache-Control'] },
  },
} satisfies OperationDocs;

/** The headers of a zip archive's answer (sendArchive in http/send-content.ts). */
export const zipDocs = {
  responseHeaders: {
    200: {
      'Content-Disposition': { description: "`attachment`, with the archive's file name, as for a download" },
      'Content-Length': {
        description: 'The archive size, when it is known before streaming starts',
        schema: { type: 'integer', minimum: 0 },
      },
      'Cache-Control': { description: '`private, no-store`' },
    },
  },
} satisfies OperationDocs;

/** The answers of a download route besides its errors: the bytes, a range of them, or not modified. */
export const contentResponses = {
  200: binaryResponse('The whole file, with Content-Length, ETag, Last-Modified, Accept-Ranges and Content-Disposition; HEAD: the headers alone'),
  206: binaryResponse('One byte range of the file (Content-Range)'),
  ...notModified,
};

/** A download's query, on the owner's and the public routes alike. */
export const contentQuery = z.object({ inline: z.enum(['0', '1', 'true', 'false']).optional() });

/** Whether a download's query asks for a preview (`?inline=1` or `true`). */
export const wantsInline = (query: z.infer<typeof contentQuery>): boolean => query.inline === '1' || query.inline === 'true';
