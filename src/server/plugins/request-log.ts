import type { FastifyInstance } from 'fastify';

/**
 * A line when each request arrives and one when its answer is done, as Fastify would write them,
 * but at debug level (`LOG_LEVEL=debug`) rather than at info, where Fastify puts them. A reverse
 * proxy in front usually keeps the access log (as the original's gunicorn kept none by default),
 * and at info the two lines cost a kept folder listing about a quarter of its CPU time
 * (docs/DECISIONS.md). Errors are logged whatever the level (plugins/error-handler.ts).
 */
export function logRequestsAtDebug(app: FastifyInstance): void {
  if (app.log.level !== 'debug' && app.log.level !== 'trace') {
    return;
  }
  app.addHook('onRequest', async (request) => {
    request.log.debug({ req: request }, 'incoming request');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });
}
