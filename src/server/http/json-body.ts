import type { FastifyInstance } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { invalidRequest } from '../errors.js';

/**
 * Parses JSON bodies as Fastify does (prototype poisoning refused), except that:
 * - An empty body under `Content-Type: application/json` is no body rather than a 400. Clients
 *   that set that header on every request (many HTTP helpers do) must still be able to log out,
 *   restore or delete, which take no body; a route that needs one still refuses its absence,
 *   naming the field.
 * - A body that is not valid UTF-8 is a 400: decoding would quietly put U+FFFD in place of the
 *   bad bytes, and a name would be stored that the client never sent (RFC 8259 §8.1: JSON
 *   exchanged between systems is UTF-8).
 */
export function parseJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Read as bytes (within the same bodyLimit) so that they can be checked before decoding.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (bytes.length === 0) {
      done(null, undefined);
      return;
    }
    if (!isUtf8(bytes)) {
      done(invalidRequest('body: JSON must be valid UTF-8'), undefined);
      return;
    }
    // Fastify's own parser answers through `done` (its type also allows a promise-returning parser).
    void parseJson(request, bytes.toString('utf8'), done);
  });
}
