import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { ByteRange } from '../blobs/blob-store.js';
import { AppError } from '../errors.js';
import { contentDisposition } from './content-disposition.js';

/** Types a browser may render inline without running anything: no HTML, SVG, XML or scripts. */
const INLINE_SAFE = /^(image\/(png|jpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf|text\/plain|text\/csv|text\/markdown)$/;

export function isInlineSafe(mimeType: string): boolean {
  return INLINE_SAFE.test(mimeType);
}

export interface Content {
  name: string;
  size: number;
  mimeType: string;
  sha256: string | null;
  modifiedAt: Date;
  /** Opens the bytes (whole, or an inclusive range) only when a body is to be sent. */
  open(range?: ByteRange): Promise<Readable>;
}

function etagOf(content: Content): string {
  return `"${content.sha256 ?? 'empty'}"`;
}

/**
 * The one byte range a Range header asks for (RFC 9110 §14.1.2), clamped to the content:
 * 'unsatisfiable' when it starts at or beyond the end (416; so does any first-last range of empty
 * content, and a set of several ranges none of which is satisfiable), or undefined when the header
 * is to be ignored and the whole content sent (another unit, malformed, or several ranges).
 */
export function parseByteRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(.+)$/i.exec(header.trim());
  if (!match?.[1]) {
    return undefined;
  }
  const specs = match[1].split(',').map((spec) => rangeOf(spec, size));
  const ranges = specs.filter((range) => range !== 'invalid');
  if (ranges.length < specs.length) {
    return undefined;
  }
  if (ranges.length === 1) {
    return ranges[0];
  }
  // Several ranges are answered with the whole content, unless none of them is satisfiable.
  return ranges.every((range) => range === 'unsatisfiable') ? 'unsatisfiable' : undefined;
}

/** One range-spec: first-last, first- (to the end) or -suffix (the last bytes); undefined means the whole content. */
function rangeOf(spec: string, size: number): ByteRange | 'unsatisfiable' | 'invalid' | undefined {
  const parts = /^\s*(?:(\d+)-(\d*)|-(\d+))\s*$/.exec(spec);
  if (!parts || (parts[1] !== undefined && parts[2] && Number(parts[2]) < Number(parts[1]))) {
    return 'invalid';
  }
  if (parts[3] !== undefined) {
    const suffix = Number(parts[3]);
    // A suffix longer than the content selects all of it (of empty content: the empty whole, a
    // 200, as no 206 can say "no bytes"); a zero-length suffix selects nothing.
    if (suffix === 0) {
      return 'unsatisfiable';
    }
    return size === 0 ? undefined : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(parts[1]);
  if (start >= size) {
    return 'unsatisfiable';
  }
  return { start, end: parts[2] ? Math.min(Number(parts[2]), size - 1) : size - 1 };
}

/** True when If-None-Match names this etag (weak or strong) or is "*". */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) {
    return false;
  }
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/**
 * Sends stored content the way downloads should work: Content-Length, Content-Type, ETag (the
 * SHA-256), Last-Modified, Accept-Ranges, a safe Content-Disposition, conditional requests (304),
 * single byte ranges (206 / 416), HEAD without opening the content, and on every answer
 * `nosniff` with `Content-Security-Policy: sandbox` so that nothing stored can run as our origin.
 */
export async function sendContent(request: FastifyRequest, reply: FastifyReply, content: Content, options: { inline: boolean }): Promise<FastifyReply> {
  const etag = etagOf(content);
  const inline = options.inline && isInlineSafe(content.mimeType);
  const contentType = content.mimeType.startsWith('text/') ? `${content.mimeType}; charset=utf-8` : content.mimeType;
  reply
    .header('etag', etag)
    .header('last-modified', content.modifiedAt.toUTCString())
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', 'sandbox')
    .header('content-disposition', contentDisposition(content.name, inline ? 'inline' : 'attachment'));

  if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
    return reply.status(304).send();
  }

  let range: ByteRange | undefined;
  const rangeHeader = request.headers.range;
  const ifRange = request.headers['if-range'];
  const rangeApplies = rangeHeader !== undefined && (ifRange === undefined || ifRange === etag);
  if (rangeApplies) {
    const parsed = parseByteRange(rangeHeader, content.size);
    if (parsed === 'unsatisfiable') {
      reply.header('content-range', `bytes */${content.size}`);
      throw new AppError(416, 'range_not_satisfiable', `The range is outside the file's ${content.size} bytes.`);
    }
    // Malformed and multi-range requests get the whole file, as RFC 9110 allows.
    range = parsed;
  }

  reply.type(contentType);
  if (range) {
    reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${content.size}`);
  }
  const length = range ? range.end - range.start + 1 : content.size;
  reply.header('content-length', String(length));
  if (request.method === 'HEAD') {
    return reply.send();
  }
  return reply.send(await content.open(range));
}

/**
 * Sends a zip archive as an attachment, with its exact length when it is known up front. A HEAD
 * gets the same headers and no archive: the stream is let go before it reads any content (Fastify's
 * automatic HEAD would read the whole archive, every file's content, only to discard it).
 */
export function sendArchive(
  request: FastifyRequest,
  reply: FastifyReply,
  archive: { name: string; stream: Readable; size: number | null },
): FastifyReply {
  reply.type('application/zip').header('content-disposition', contentDisposition(archive.name)).header('cache-control', 'private, no-store');
  if (archive.size !== null) {
    reply.header('content-length', String(archive.size));
  }
  if (request.method === 'HEAD') {
    archive.stream.destroy();
    return reply.send();
  }
  return reply.send(archive.stream);
}
