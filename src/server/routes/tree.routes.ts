import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { TreeAnswerCache, type VersionedRead } from '../http/tree-answers.js';
import { z } from 'zod';
import { requireSignedIn, requireUser, treeVersionReadWithCredential } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import { TreeService, type Listing } from '../services/tree.service.js';
import { errors, idParams, notModified, parseId, parseParentId, TREE_VALIDATORS, treeAnswerDocs } from './common.schemas.js';
import { validateName } from '../services/names.js';
import {
  breadcrumbSchema,
  copyNodeBody,
  createFolderBody,
  listingSchema,
  listQuery,
  nodeSchema,
  toListingDto,
  toNodeDto,
  updateNodeBody,
} from './nodes.schemas.js';

/** The file tree: listing, folders, rename/move/favourite, copy, trash, breadcrumbs, favourites. */
export const treeRoutes: FastifyPluginAsyncZod<{ services: Services; answers: TreeAnswerCache }> = async (app, { services, answers }) => {
  const { tree } = services;
  app.addHook('onRequest', requireSignedIn);

  /** A folder's page, from the answers kept while the user's tree is unchanged (http/tree-answers.ts). */
  const sendListing = (request: FastifyRequest, reply: FastifyReply, userId: string, folderId: string | null, page: z.infer<typeof listQuery>) => {
    const key = `listing:${userId}:${folderId ?? 'root'}:${page.sort}:${page.order}:${page.offset}:${page.limit}`;
    return answers.send(
      request,
      reply,
      key,
      async (known): Promise<VersionedRead<Listing>> => {
        const { treeVersion, listing } = await tree.listIfChanged(userId, folderId, page, known, treeVersionReadWithCredential(request));
        return { treeVersion, value: listing, keep: listing?.oneSnapshot };
      },
      toListingDto,
    );
  };

  app.get(
    '/api/folders/root/children',
    {
      schema: {
        tags: ['tree'],
        summary: "List the root folder's children (folders first, then by name)",
        description: TREE_VALIDATORS,
        openapi: treeAnswerDocs,
        querystring: listQuery,
        response: { 200: listingSchema, ...notModified, ...errors(400, 401) },
      },
    },
    async (request, reply) => sendListing(request, reply, requireUser(request).userId, null, request.query),
  );

  app.get(
    '/api/folders/:id/children',
    {
      schema: {
        tags: ['tree'],
        summary: "List a folder's children, with the folder and its breadcrumbs",
        description: TREE_VALIDATORS,
        openapi: treeAnswerDocs,
        params: idParams,
        querystring: listQuery,
        response: { 200: listingSchema, ...notModified, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request).userId;
      const folderId = request.params.id === 'root' ? null : parseId(request.params.id, 'That folder');
      return sendListing(request, reply, userId, folderId, request.query);
    },
  );

  app.post(
    '/api/folders',
    {
      schema: {
        tags: ['tree'],
        summary: 'Create a folder (in the root when parentId is null or absent)',
        body: createFolderBody,
        response: { 201: nodeSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      // The name is checked before the parent is looked up: an invalid name is 400 wherever it goes.
      const name = validateName(request.body.name);
      const folder = await tree.createFolder(requireUser(request).userId, name, parseParentId(request.body.parentId));
      return reply.status(201).send(toNodeDto(folder));
    },
  );

  app.get(
    '/api/nodes/:id',
    { schema: { tags: ['tree'], summary: 'A file or folder', params: idParams, response: { 200: nodeSchema, ...errors(401, 404) } } },
    async (request) => toNodeDto(await tree.get(requireUser(request).userId, parseId(request.params.id))),
  );

  app.get(
    '/api/nodes/:id/breadcrumbs',
    {
      schema: {
        tags: ['tree'],
        summary: 'The path to a node: outermost folder first, the node itself last',
        description: TREE_VALIDATORS,
        openapi: treeAnswerDocs,
        params: idParams,
        response: { 200: z.array(breadcrumbSchema), ...notModified, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request).userId;
      const id = parseId(request.params.id);
      return answers.send(
        request,
        reply,
        `breadcrumbs:${userId}:${id}`,
        async (known): Promise<VersionedRead<Array<{ id: string; name: string }>>> => {
          const { treeVersion, breadcrumbs } = await tree.breadcrumbsIfChanged(userId, id, known, treeVersionReadWithCredential(request));
          return { treeVersion, value: breadcrumbs };
        },
        (breadcrumbs) => breadcrumbs,
      );
    },
  );

  app.patch(
    '/api/nodes/:id',
    {
      schema: {
        tags: ['tree'],
        summary: 'Rename, move (parentId; null is the root) and/or (un)favourite a node',
        params: idParams,
        body: updateNodeBody,
        response: { 200: nodeSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { name, parentId, favorite } = request.body;
      TreeService.assertSomeChange({ name, parentId, favorite });
      const id = parseId(request.params.id);
      const checkedName = name === undefined ? undefined : validateName(name);
      const node = await tree.update(requireUser(request).userId, id, {
        name: checkedName,
        favorite,
        parentId: parentId === undefined ? undefined : parseParentId(parentId),
      });
      return toNodeDto(node);
    },
  );

  app.post(
    '/api/nodes/:id/copy',
    {
      schema: {
        tags: ['tree'],
        summary: 'Copy a node (folders recursively) into a folder; content is shared, the quota charged',
        params: idParams,
        body: copyNodeBody,
        response: { 201: nodeSchema, ...errors(400, 401, 404, 409, 507) },
      },
    },
    async (request, reply) => {
      const id = parseId(request.params.id);
      const name = request.body.name === undefined ? undefined : validateName(request.body.name);
      const copy = await tree.copy(requireUser(request).userId, id, parseParentId(request.body.parentId), name);
      return reply.status(201).send(toNodeDto(copy));
    },
  );

  app.delete(
    '/api/nodes/:id',
    {
      schema: {
        tags: ['tree'],
        summary: 'Move a node and everything under it to the trash',
        params: idParams,
        response: { 200: z.object({ trashed: nodeSchema }), ...errors(401, 404) },
      },
    },
    async (request) => ({ trashed: toNodeDto(await tree.trash(requireUser(request).userId, parseId(request.params.id)), { trash: true }) }),
  );

  app.get(
    '/api/favorites',
    { schema: { tags: ['tree'], summary: "The user's favourite files and folders", response: { 200: z.object({ items: z.array(nodeSchema) }), ...errors(401) } } },
    async (request) => ({ items: (await tree.favorites(requireUser(request).userId)).map((row) => toNodeDto(row)) }),
  );
};
