import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireSignedIn, requireUser } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import { errors, idParams, parseId } from './common.schemas.js';
import { nodeSchema, toNodeDto } from './nodes.schemas.js';

/** The trash: list, restore, delete for good, empty. */
export const trashRoutes: FastifyPluginAsyncZod<{ services: Services; retentionMs: number }> = async (app, { services, retentionMs }) => {
  const { trash } = services;
  app.addHook('onRequest', requireSignedIn);

  app.get(
    '/api/trash',
    {
      schema: {
        tags: ['trash'],
        summary: 'What the user put in the trash (the top of each trashed subtree), newest first',
        response: {
          200: z.object({
            items: z.array(nodeSchema),
            retentionSeconds: z.number().describe('How long an item stays in the trash before it is deleted for good (FILEFLOW_TRASH_RETENTION)'),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => ({
      items: (await trash.list(requireUser(request).userId)).map((row) => toNodeDto(row, { trash: true })),
      retentionSeconds: Math.round(retentionMs / 1000),
    }),
  );

  app.post(
    '/api/trash/:id/restore',
    {
      schema: {
        tags: ['trash'],
        summary: 'Restore to the original folder if it is live, else to the root; renamed "name (1)" on a clash',
        params: idParams,
        response: { 200: nodeSchema, ...errors(401, 404) },
      },
    },
    async (request) => toNodeDto(await trash.restore(requireUser(request).userId, parseId(request.params.id, 'That item in the trash'))),
  );

  app.delete(
    '/api/trash/:id',
    { schema: { tags: ['trash'], summary: 'Delete a trashed item for good', params: idParams, response: { 204: z.null(), ...errors(401, 404) } } },
    async (request, reply) => {
      await trash.deleteForGood(requireUser(request).userId, parseId(request.params.id, 'That item in the trash'));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/trash',
    { schema: { tags: ['trash'], summary: 'Empty the trash', response: { 204: z.null(), ...errors(401) } } },
    async (request, reply) => {
      await trash.empty(requireUser(request).userId);
      return reply.status(204).send(null);
    },
  );
};
