import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiTokenRow } from '../db/schema/index.js';
import { requireSignedIn, requireUser } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import { errors, idParams, isoTimestamp, parseId } from './common.schemas.js';

const tokenSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: isoTimestamp(), lastUsedAt: isoTimestamp().nullable() })
  .meta({ id: 'AccessToken' });

const toTokenDto = (row: ApiTokenRow) => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

/** Personal access tokens for scripts and the CLI. */
export const tokensRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.addHook('onRequest', requireSignedIn);

  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create a personal access token; the secret is shown only in this answer',
        body: z.object({
          name: z
            .string()
            .trim()
            .min(1, 'must not be empty')
            .max(100)
            .regex(/^[^\u0000-\u001f\u007f]*$/u, 'must not contain control characters'),
        }),
        response: { 201: z.object({ id: z.string(), name: z.string(), token: z.string(), createdAt: isoTimestamp() }), ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const { row, token } = await services.tokens.create(requireUser(request).userId, request.body.name);
      return reply.status(201).send({ id: row.id, name: row.name, token, createdAt: row.createdAt.toISOString() });
    },
  );

  app.get(
    '/api/tokens',
    { schema: { tags: ['tokens'], summary: "The user's tokens (never their secrets)", response: { 200: z.object({ items: z.array(tokenSchema) }), ...errors(401) } } },
    async (request) => ({ items: (await services.tokens.list(requireUser(request).userId)).map(toTokenDto) }),
  );

  app.delete(
    '/api/tokens/:id',
    { schema: { tags: ['tokens'], summary: 'Revoke a token at once', params: idParams, response: { 204: z.null(), ...errors(401, 404) } } },
    async (request, reply) => {
      await services.tokens.revoke(requireUser(request).userId, parseId(request.params.id, 'That token'));
      return reply.status(204).send(null);
    },
  );
};
