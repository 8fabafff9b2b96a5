import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireSignedIn, requireUser } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import { errors, idParams, parseId, parseParentId } from './common.schemas.js';
import { parseModifiedAt } from './files.schemas.js';
import { nodeSchema, toNodeDto } from './nodes.schemas.js';
import {
  chunkDocs,
  chunkQuery,
  completeUploadBody,
  createUploadBody,
  offsetMismatchSchema,
  toUploadSessionDto,
  uploadChunksSchema,
  uploadSessionSchema,
} from './uploads.schemas.js';

const UPLOAD = 'That upload';

/** Resumable uploads: a session, its chunks, then completion into a file. */
export const uploadsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { uploadSessions } = services;
  app.addHook('onRequest', requireSignedIn);

  app.post(
    '/api/uploads',
    {
      schema: {
        tags: ['uploads'],
        summary: 'Start a resumable upload: reserves the size against the quota; send chunks, then complete',
        description:
          'The name and parent are checked now (404, 409 `name_taken`) and again at completion. At most 1000 open uploads per user (429 beyond, Retry-After until the first expires).',
        body: createUploadBody,
        response: { 201: uploadSessionSchema, ...errors(400, 401, 404, 409, 413, 429, 507) },
      },
    },
    async (request, reply) => {
      const { name, size, parentId, conflict, modifiedAt } = request.body;
      const session = await uploadSessions.create({
        userId: requireUser(request).userId,
        name,
        size,
        parentId: parseParentId(parentId),
        conflict,
        modifiedAt: parseModifiedAt(modifiedAt === undefined ? undefined : String(modifiedAt), 'body.modifiedAt'),
      });
      return reply.status(201).send(toUploadSessionDto(session));
    },
  );

  app.get(
    '/api/uploads',
    {
      schema: {
        tags: ['uploads'],
        summary: "The caller's open resumable uploads, newest first",
        response: { 200: z.object({ items: z.array(uploadSessionSchema) }), ...errors(401) },
      },
    },
    async (request) => ({ items: (await uploadSessions.list(requireUser(request).userId)).map(toUploadSessionDto) }),
  );

  app.get(
    '/api/uploads/:id',
    {
      schema: {
        tags: ['uploads'],
        summary: 'A resumable upload, with its current offset (where to resume)',
        params: idParams,
        response: { 200: uploadSessionSchema, ...errors(401, 404) },
      },
    },
    async (request) => toUploadSessionDto(await uploadSessions.get(requireUser(request).userId, parseId(request.params.id, UPLOAD))),
  );

  app.get(
    '/api/uploads/:id/chunks',
    {
      schema: {
        tags: ['uploads'],
        summary: 'The chunks a resumable upload holds, in order, each with its SHA-256',
        description: 'For a client going on with an upload it did not start (a page reloaded): it checks that the bytes kept are those of its file.',
        params: idParams,
        response: { 200: uploadChunksSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const chunks = await uploadSessions.chunks(requireUser(request).userId, parseId(request.params.id, UPLOAD));
      return { items: chunks.map(({ offset, length, sha256 }) => ({ offset, length, sha256 })) };
    },
  );

  // Chunks are raw bodies: in their own scope, every content type is left unparsed for streaming.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_request, _payload, done) => done(null));
    raw.withTypeProvider<ZodTypeProvider>().put(
      '/api/uploads/:id/content',
      {
        schema: {
          tags: ['uploads'],
          summary: 'Send the next chunk (the raw body, streamed) at ?offset=, the current offset',
          description:
            'A chunk counts whole or not at all: one cut short leaves the offset as it was. Another offset than the current one: 409 `offset_mismatch`, with `offset` in the error. Past the declared size: 413 `too_large`. A chunk that does not end the file must hold at least the session\'s `minChunkSize` bytes (400 `invalid_request`). Each chunk pushes the expiry back; an empty one changes nothing.',
          params: idParams,
          querystring: chunkQuery,
          openapi: chunkDocs,
          response: { 200: uploadSessionSchema, 409: offsetMismatchSchema, ...errors(400, 401, 404, 413, 503) },
        },
      },
      async (request) => {
        const lengthHeader = request.headers['content-length'];
        const declaredLength = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
        const session = await uploadSessions.appendChunk(
          requireUser(request).userId,
          parseId(request.params.id, UPLOAD),
          Number(request.query.offset),
          request.raw,
          declaredLength,
        );
        return toUploadSessionDto(session);
      },
    );
  });

  app.post(
    '/api/uploads/:id/complete',
    {
      schema: {
        tags: ['uploads'],
        summary: 'Store the uploaded bytes as a file, as PUT /api/files/content does; the upload is then gone',
        description:
          '409 `upload_incomplete` until every byte has arrived. A refusal (409 `name_taken`, 507, 404 for a parent gone) leaves the upload to retry, e.g. with another `conflict`.',
        params: idParams,
        body: completeUploadBody,
        response: { 201: nodeSchema, ...errors(400, 401, 404, 409, 413, 503, 507) },
      },
    },
    async (request, reply) => {
      // Completion reads every chunk back and writes the file once more (about 100 MiB/s on the
      // benchmark's machine) with nothing to send meanwhile: for a file of some gigabytes, longer
      // than the idle timeout, which would take the client for a dead one and drop the answer.
      // (An injected request's socket, in tests, has no timeout to set.)
      const socket = request.raw.socket as Partial<Pick<typeof request.raw.socket, 'setTimeout'>> | undefined;
      socket?.setTimeout?.(0);
      try {
        const node = await uploadSessions.complete(requireUser(request).userId, parseId(request.params.id, UPLOAD), request.body?.conflict);
        return await reply.status(201).send(toNodeDto(node));
      } finally {
        socket?.setTimeout?.(app.initialConfig.connectionTimeout ?? 0);
      }
    },
  );

  app.delete(
    '/api/uploads/:id',
    {
      schema: {
        tags: ['uploads'],
        summary: 'Abandon a resumable upload; its chunks are released',
        params: idParams,
        response: { 204: z.null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await uploadSessions.delete(requireUser(request).userId, parseId(request.params.id, UPLOAD));
      return reply.status(204).send(null);
    },
  );
};
