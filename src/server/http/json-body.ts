import type { FastifyInstance } from 'fastify';

/**
 * Parses JSON bodies as Fastify does (prototype poisoning refused), except that an empty body
 * under `Content-Type: application/json` is no body rather than a 400. Clients that set that
 * header on every request (many HTTP helpers do) must still be able to log out, restore or
 * delete, which take no body; a route that needs one still refuses its absence, naming the field.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') {
      done(null, undefined);
      return;
    }
    // Fastify's own parser answers through `done` (its type also allows a promise-returning parser).
    void parseJson(request, text, done);
  });
}
