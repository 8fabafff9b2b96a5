import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services/index.js';

/** Liveness and readiness: the database and the blob store must both answer. */
export const healthRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Health: 200 when the database and the blob store answer, else 503',
        response: {
          200: z.object({ status: z.literal('ok') }),
          // The contract's error body, for clients that read every failure one way, and the
          // monitoring fields beside it.
          503: z.object({
            status: z.literal('unavailable'),
            failing: z.array(z.string()),
            error: z.object({ code: z.literal('unavailable'), message: z.string() }),
          }),
        },
      },
    },
    async (_request, reply) => {
      const failing = await services.health.failingDependencies();
      if (failing.length > 0) {
        const message = `Not ready: ${failing.join(' and ')} ${failing.length === 1 ? 'is' : 'are'} not answering.`;
        return reply.status(503).send({ status: 'unavailable' as const, failing, error: { code: 'unavailable' as const, message } });
      }
      return { status: 'ok' as const };
    },
  );
};
