import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireSignedIn, requireUser } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import { errors, idParams, parseId } from './common.schemas.js';
import { createShareBody, shareSchema, toShareDto, updateShareBody } from './shares.schemas.js';

/** The owner's side of share links: create, list, change, revoke. */
export const sharesRoutes: FastifyPluginAsyncZod<{ services: Services; publicUrl: string | undefined }> = async (
  app,
  { services, publicUrl },
) => {
  const { shares } = services;
  app.addHook('onRequest', requireSignedIn);
  // These answers carry links' tokens, which open the items to anyone: kept in no cache (a shared
  // computer's browser after its user signed out, a proxy between), as the web UI's own copy of
  // addresses is cleared at sign out.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  /** A link's token and the URL to hand out, when its token can be shown. */
  const addressOf = (request: FastifyRequest, token: string | undefined) => {
    if (token === undefined) {
      return undefined;
    }
    const base = publicUrl ?? `${request.protocol}://${request.host}`;
    return { token, url: `${base}/s/${token}` };
  };

  app.post(
    '/api/shares',
    {
      schema: {
        tags: ['shares'],
        summary: 'Create a share link (expiry 7 days unless given; optional password and download limit)',
        description:
          "The token and URL are also in the link's later answers (list, change) while the server has the sealing key it was made under; the database keeps the token only sealed under that key.",
        body: createShareBody,
        response: { 201: shareSchema, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { share, node, token } = await shares.create(requireUser(request).userId, {
        nodeId: parseId(body.nodeId),
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
        expiresInDays: body.expiresInDays ?? undefined,
        password: body.password ?? undefined,
        maxDownloads: body.maxDownloads ?? undefined,
      });
      return reply.status(201).send(toShareDto(share, node, addressOf(request, token)));
    },
  );

  app.get(
    '/api/shares',
    {
      schema: {
        tags: ['shares'],
        summary: "The user's share links (optionally of one node), newest first",
        description:
          "Each with its token and URL, except links made before FileFlow sealed tokens, or under another sealing key (FILEFLOW_SEALING_KEY), whose token it cannot show.",
        querystring: z.object({ nodeId: z.string().max(100).optional() }),
        response: { 200: z.object({ items: z.array(shareSchema) }), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const nodeId = request.query.nodeId ? parseId(request.query.nodeId) : undefined;
      const items = await shares.list(requireUser(request).userId, nodeId);
      return { items: items.map(({ share, node }) => toShareDto(share, node, addressOf(request, shares.tokenOf(share)))) };
    },
  );

  app.patch(
    '/api/shares/:id',
    {
      schema: {
        tags: ['shares'],
        summary: "Change a link's expiry, password or download limit (the address stays the same)",
        description:
          'Fields left out stay as they are. `password: null` removes the password, `maxDownloads: null` the limit. A new or removed password signs out every browser that unlocked the link.',
        params: idParams,
        body: updateShareBody,
        response: { 200: shareSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const body = request.body;
      const { share, node } = await shares.update(requireUser(request).userId, parseId(request.params.id, 'That share'), {
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
        expiresInDays: body.expiresInDays ?? undefined,
        password: body.password,
        maxDownloads: body.maxDownloads,
      });
      return toShareDto(share, node, addressOf(request, shares.tokenOf(share)));
    },
  );

  app.delete(
    '/api/shares/:id',
    { schema: { tags: ['shares'], summary: 'Revoke a link at once', params: idParams, response: { 204: z.null(), ...errors(401, 404) } } },
    async (request, reply) => {
      await shares.revoke(requireUser(request).userId, parseId(request.params.id, 'That share'));
      return reply.status(204).send(null);
    },
  );
};
