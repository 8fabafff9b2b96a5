import { z } from 'zod';
import type { UploadSessionRow } from '../db/schema/index.js';
import type { OperationDocs } from '../plugins/openapi.js';
import { minChunkSize } from '../services/upload-sessions.service.js';
import { isoTimestamp } from './common.schemas.js';
import { conflictSchema } from './files.schemas.js';

export const createUploadBody = z.object({
  name: z.string().max(4096),
  size: z.number().int().min(0).describe('The whole file\'s size in bytes; reserved against the quota while the upload is open'),
  parentId: z.string().nullable().optional(),
  conflict: conflictSchema.default('fail'),
  modifiedAt: z
    .union([z.string().max(64), z.number()])
    .optional()
    .describe('The content\'s modification time for the file: ISO 8601 or epoch milliseconds'),
});

export const completeUploadBody = z
  .object({ conflict: conflictSchema.optional().describe("Overrides the session's policy (a retry after 409 name_taken)") })
  .nullish();

export const chunkQuery = z.object({
  offset: z
    .string()
    .regex(/^\d{1,16}$/, 'must be a non-negative integer')
    .describe("Where the chunk starts: the session's current offset"),
});

export const uploadSessionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    size: z.number(),
    offset: z.number().describe('Bytes received so far (whole chunks only)'),
    minChunkSize: z
      .number()
      .describe('The fewest bytes a chunk that does not end the file may hold (size / 10,000, rounded up: at most 10,000 chunks); smaller ones get 400'),
    conflict: conflictSchema,
    modifiedAt: isoTimestamp().nullable(),
    createdAt: isoTimestamp(),
    expiresAt: isoTimestamp().describe('24 hours after creation or the last chunk; then the upload and its chunks are deleted'),
  })
  .meta({ id: 'UploadSession' });

export const uploadChunksSchema = z
  .object({
    items: z.array(
      z.object({
        offset: z.number(),
        length: z.number(),
        sha256: z.string().describe('SHA-256 of the chunk\'s bytes, hex'),
      }),
    ),
  })
  .meta({ id: 'UploadChunks' });

/** 409 offset_mismatch carries the session's offset beside the code and message. */
export const offsetMismatchSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      offset: z.number().optional().describe('With `offset_mismatch`: the offset to send the next chunk at'),
    }),
  })
  .meta({ id: 'OffsetMismatchError' });

export const toUploadSessionDto = (row: UploadSessionRow): z.infer<typeof uploadSessionSchema> => ({
  id: row.id,
  name: row.name,
  parentId: row.parentId,
  size: row.size,
  offset: row.offset,
  minChunkSize: minChunkSize(row.size),
  conflict: row.conflict,
  modifiedAt: row.modifiedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
});

const chunkBytes = { type: 'string', contentMediaType: 'application/octet-stream', format: 'binary' };

/** A chunk's body: raw bytes of any media type. */
export const chunkDocs = {
  requestBody: {
    'application/octet-stream': { ...chunkBytes, description: 'The next bytes of the file, streamed; they count only once all have arrived' },
    '*/*': chunkBytes,
  },
} satisfies OperationDocs;
