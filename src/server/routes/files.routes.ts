import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FileNodeRow } from '../db/schema/index.js';
import { AppError, invalidRequest } from '../errors.js';
import { sendArchive, sendContent } from '../http/send-content.js';
import { requireSignedIn, requireUser, treeVersionReadWithCredential } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import type { ConflictPolicy } from '../services/uploads.service.js';
import {
  binaryResponse,
  contentDocs,
  contentQuery,
  contentResponses,
  errors,
  idParams,
  parseId,
  parseParentId,
  wantsInline,
  zipDocs,
} from './common.schemas.js';
import { validateName } from '../services/names.js';
import {
  conflictSchema,
  multipartUploadDocs,
  parseModifiedAt,
  putContentQuery,
  rawUploadDocs,
  uploadResultSchema,
} from './files.schemas.js';
import { nodeSchema, toNodeDto } from './nodes.schemas.js';

const MULTIPART_LIMITS = {
  // Our own meter enforces FILEFLOW_MAX_UPLOAD and the quota while streaming.
  fileSize: Number.MAX_SAFE_INTEGER,
  files: 1000,
  fields: 100,
  fieldSize: 64 * 1024,
  parts: 2000,
  headerPairs: 100,
  headerSize: 16 * 1024,
};

/** The multipart parser's own errors (no boundary, truncated body, limits) are the client's: 400 or 413. */
function malformedMultipart(error: unknown): Error {
  if (error instanceof AppError) {
    return error;
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return error as Error;
  }
  const detail = error instanceof Error ? error.message.replace(/^Multipart: /, '') : 'unreadable';
  return invalidRequest(`body: malformed multipart/form-data (${detail.slice(0, 100)})`);
}

/**
 * A multipart part's file name without any path a client put before it (RFC 7578 §4.2: receivers
 * strip it, as the parser would, but the parser also turned "." and ".." into "", and the failure
 * should name what was sent).
 */
function partFileName(filename: string): string {
  return filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
}

/**
 * A part named "file" that has no filename: the parser reads it as a field (or, typed
 * application/octet-stream, as a file whose filename is undefined), so the client sent content
 * without the name to store it under.
 */
const unnamedFilePart = () => invalidRequest('file: a part named "file" needs a filename (Content-Disposition: form-data; name="file"; filename="...")');

/**
 * A filename the parser could not decode. It reads `filename` and `filename*=UTF-8''` as UTF-8,
 * putting U+FFFD in place of bytes that are not, and has no option to hand over the bytes
 * themselves, so U+FFFD is the only sign of them: a multipart filename holding it is refused.
 * Stored, it would be a name the client never sent, and different bad names would become one
 * (the second replacing the first under conflict=replace). PUT /api/files/content takes a name
 * that really holds U+FFFD (percent-encoded, so bad bytes there are told apart).
 */
const undecodableFileName = () =>
  invalidRequest(
    'file: the filename must be valid UTF-8 (U+FFFD, which stands for bytes that are not, is refused in a multipart filename)',
  );

/** The most items one selection zip may name (their ids fit well within a request line). */
const MAX_SELECTION = 200;

/** Uploads (multipart and raw), downloads and folder zips. */
export const filesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { uploads, files } = services;
  app.addHook('onRequest', requireSignedIn);
  await app.register(multipart, { limits: MULTIPART_LIMITS, preservePath: true });

  app.post(
    '/api/files',
    {
      schema: {
        tags: ['files'],
        summary: 'Upload files (multipart/form-data)',
        description:
          'Optional fields `parentId`, `conflict` (fail | rename | replace) and `modifiedAt` (ISO 8601 or epoch ms) apply to the `file` parts after them. ' +
          'Answers 201 when at least one file was stored; when none was, the status and body of the first failure. ' +
          'A field with a bad value fails the files after it (each listed in `failed` with that error); a path before a file name is dropped. ' +
          'A filename must be UTF-8; one holding U+FFFD is refused, as the parser puts it in place of bytes that are not (PUT /api/files/content takes such a name).',
        openapi: multipartUploadDocs,
        response: { 201: uploadResultSchema, ...errors(400, 401, 404, 409, 413, 503, 507) },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request).userId;
      if (!request.isMultipart()) {
        throw invalidRequest('content-type: send the files as multipart/form-data');
      }
      let parentId: string | null = null;
      let conflict: ConflictPolicy = 'fail';
      let modifiedAt: Date | undefined;
      const uploaded: FileNodeRow[] = [];
      const failed: Array<{ name: string; error: AppError }> = [];
      // A field with a bad value fails every file after it (until a good value of that field
      // comes): the files it governs are not stored as something the client did not ask for.
      const badFields = new Map<string, AppError>();
      let firstFailure: AppError | undefined;
      let storeDown: AppError | undefined;
      const fail = (name: string, error: AppError) => {
        failed.push({ name, error });
        firstFailure ??= error;
      };
      const parts = request.parts();
      for (;;) {
        let next: Awaited<ReturnType<typeof parts.next>>;
        try {
          next = await parts.next();
        } catch (error) {
          throw malformedMultipart(error);
        }
        if (next.done) {
          break;
        }
        const part = next.value;
        // The parser's types promise a filename; a part without one has none (see unnamedFilePart).
        if (part.fieldname === 'file' && (part.type === 'field' || (part.filename as string | undefined) === undefined)) {
          fail('', unnamedFilePart());
          if (part.type === 'file') {
            part.file.resume();
          }
          continue;
        }
        if (part.type === 'field') {
          const value = typeof part.value === 'string' ? part.value : '';
          try {
            if (part.fieldname === 'parentId') {
              parentId = parseParentId(value);
            } else if (part.fieldname === 'conflict') {
              // Blank is the default, as in the query string (http/query-string.ts).
              const parsed = conflictSchema.safeParse(value === '' ? 'fail' : value);
              if (!parsed.success) {
                throw invalidRequest('conflict: must be fail, rename or replace');
              }
              conflict = parsed.data;
            } else if (part.fieldname === 'modifiedAt') {
              modifiedAt = parseModifiedAt(value);
            }
            badFields.delete(part.fieldname);
          } catch (error) {
            if (!(error instanceof AppError)) {
              throw error;
            }
            badFields.set(part.fieldname, error);
          }
          continue;
        }
        if (part.fieldname !== 'file') {
          part.file.resume();
          continue;
        }
        const name = partFileName(part.filename);
        // A store found not answering fails the files after it at once: each would wait out the
        // store's timeouts again (half a minute) for the same answer.
        const refusal = storeDown ?? badFields.values().next().value ?? (name.includes('\ufffd') ? undecodableFileName() : undefined);
        if (refusal) {
          fail(name, refusal);
          part.file.resume();
          continue;
        }
        try {
          uploaded.push(await uploads.upload({ userId, parentId, name, conflict, modifiedAt, body: part.file }));
        } catch (error) {
          if (!(error instanceof AppError)) {
            // The parser failing mid-file is the client's malformed body, not our failure.
            throw part.file.errored ? malformedMultipart(part.file.errored) : error;
          }
          fail(name, error);
          if (error.code === 'storage_unavailable') {
            // Ours, not the client's: the operator needs the cause, even if other files were stored.
            request.log.error({ err: error.cause ?? error }, error.message);
            storeDown = error;
          }
          // Skip the rest of this file and go on with the next part.
          part.file.resume();
        }
      }
      if (uploaded.length === 0) {
        throw firstFailure ?? badFields.values().next().value ?? invalidRequest('file: send at least one part named "file"');
      }
      return reply.status(201).send({
        uploaded: uploaded.map((node) => toNodeDto(node)),
        failed: failed.map(({ name, error }) => ({ name, error: { code: error.code, message: error.message } })),
      });
    },
  );

  // The raw-body upload lives in its own scope, where every content type is left unparsed for streaming.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_request, _payload, done) => done(null));
    raw.withTypeProvider<ZodTypeProvider>().put(
      '/api/files/content',
      {
        schema: {
          tags: ['files'],
          summary: 'Upload one file as the raw request body (streamed)',
          querystring: putContentQuery,
          openapi: rawUploadDocs,
          response: { 201: nodeSchema, ...errors(400, 401, 404, 409, 413, 503, 507) },
        },
      },
      async (request, reply) => {
        const userId = requireUser(request).userId;
        const lengthHeader = request.headers['content-length'];
        const declaredSize = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
        // The name is checked before the parent is looked up, as for folders.
        const name = validateName(request.query.name);
        const node = await uploads.upload({
          userId,
          parentId: parseParentId(request.query.parentId),
          name,
          conflict: request.query.conflict,
          modifiedAt: parseModifiedAt(request.query.modifiedAt),
          declaredSize,
          body: request.raw,
        });
        return reply.status(201).send(toNodeDto(node));
      },
    );
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/files/:id/content',
    schema: {
      tags: ['files'],
      summary: 'Download a file (Range, If-None-Match and HEAD supported; ?inline=1 previews safe types)',
      params: idParams,
      querystring: contentQuery,
      openapi: contentDocs,
      response: { ...contentResponses, ...errors(400, 401, 404, 416, 503) },
    },
    handler: async (request, reply) => {
      const node = await files.getFile(requireUser(request).userId, parseId(request.params.id, 'That file'), treeVersionReadWithCredential(request));
      const inline = wantsInline(request.query);
      return sendContent(
        request,
        reply,
        {
          name: node.name,
          size: node.size,
          mimeType: node.mimeType ?? 'application/octet-stream',
          sha256: node.sha256,
          modifiedAt: node.modifiedAt,
          open: (range) => files.open(node, range),
        },
        { inline },
      );
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/folders/:id/zip',
    schema: {
      tags: ['files'],
      summary: 'Download a folder (or "root") as a streamed zip archive',
      params: idParams,
      openapi: zipDocs,
      response: { 200: binaryResponse('The folder as a streamed zip archive', 'application/zip'), ...errors(401, 404, 503) },
    },
    handler: async (request, reply) => {
      const userId = requireUser(request).userId;
      const folderId = request.params.id === 'root' ? null : parseId(request.params.id, 'That folder');
      return sendArchive(request, reply, await files.archive(userId, folderId));
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/zip',
    schema: {
      tags: ['files'],
      summary: 'Download several files and folders (a selection) as one streamed zip archive, each at its top',
      querystring: z.object({
        ids: z
          .string()
          .max(MAX_SELECTION * 40)
          .describe(`Comma-separated ids, at most ${MAX_SELECTION}`),
      }),
      openapi: zipDocs,
      response: {
        200: binaryResponse(
          'The selection as a streamed zip archive, named after the one item, else after the folder the items are all in, else FileFlow.zip',
          'application/zip',
        ),
        ...errors(400, 401, 404, 503),
      },
    },
    handler: async (request, reply) => {
      const ids = [...new Set(request.query.ids.split(',').filter((id) => id !== ''))];
      if (ids.length === 0 || ids.length > MAX_SELECTION) {
        throw invalidRequest(`ids: give 1 to ${MAX_SELECTION} ids`);
      }
      return sendArchive(request, reply, await files.archiveSelection(requireUser(request).userId, ids.map((id) => parseId(id))));
    },
  });
};
