import type { FastifyInstance } from 'fastify';
import { parse, unescape } from 'node:querystring';
import { invalidRequest } from '../errors.js';

/** Parsed queries that held percent-encoded bytes that are not UTF-8. */
const undecodableQueries = new WeakSet<object>();

/**
 * Fastify's query string parser, with two differences:
 * - A parameter given empty (`?sizeMax=`) is the same as one not given. The contract writes its
 *   query templates that way (`/api/search?q=&sizeMin=&sizeMax=...`), so a client that fills in
 *   only some of them must get the defaults for the rest, not a size bound of 0 or a 400 for an
 *   empty `conflict=`.
 * - Percent-encoded bytes that are not UTF-8 (`?name=%ff.txt`) are noted, for
 *   refuseUndecodableQueries to answer 400: Node would quietly turn them into U+FFFD, and a file
 *   would be stored under a name the client never sent. A stray `%` stays a literal, as in Node.
 */
export function parseQueryString(query: string): Record<string, string | string[]> {
  if (query.length === 0) {
    return {};
  }
  let undecodable = false;
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      // Either a stray "%" (kept literally, as Node does) or escaped bytes that are not UTF-8.
      try {
        decodeURIComponent(text.replace(/%(?![0-9a-f]{2})/gi, '%25'));
      } catch {
        undecodable = true;
      }
      return unescape(text);
    }
  };
  const parsed = parse(query, '&', '=', { decodeURIComponent: decode }) as Record<string, string | string[]>;
  for (const key of Object.keys(parsed)) {
    if (parsed[key] === '') {
      delete parsed[key];
    }
  }
  if (undecodable) {
    undecodableQueries.add(parsed);
  }
  return parsed;
}

/** Answers 400 `invalid_request` to a query string whose percent-encoding is not UTF-8 (see parseQueryString). */
export function refuseUndecodableQueries(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const query: unknown = request.query;
    if (typeof query === 'object' && query !== null && undecodableQueries.has(query)) {
      throw invalidRequest('query: percent-encoded bytes must be UTF-8');
    }
  });
}
