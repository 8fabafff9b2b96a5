import { z } from 'zod';
import { invalidRequest } from '../errors.js';
import type { OperationDocs } from '../plugins/openapi.js';
import { dateFromIso } from './common.schemas.js';
import { nodeSchema } from './nodes.schemas.js';

export const conflictSchema = z.enum(['fail', 'rename', 'replace']);

/** A modification time given as ISO 8601 or as epoch milliseconds; undefined when absent. */
export function parseModifiedAt(raw: string | undefined, field = 'modifiedAt'): Date | undefined {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(raw);
  const date = /^\d{1,15}$/.test(raw) ? new Date(Number(raw)) : day ? dateFromIso(raw) : new Date(NaN);
  // Date() rolls an impossible day over ("2020-02-30" becomes March 1st): refuse it instead.
  const realDay = !day || new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))).getUTCDate() === Number(day[3]);
  if (!realDay || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) {
    throw invalidRequest(`${field}: must be an ISO 8601 time or epoch milliseconds`);
  }
  return date;
}

export const putContentQuery = z.object({
  parentId: z.string().max(100).optional(),
  name: z.string().max(4096),
  conflict: conflictSchema.default('fail'),
  modifiedAt: z.string().max(64).optional(),
});

export const uploadFailureSchema = z.object({
  name: z.string(),
  error: z.object({ code: z.string(), message: z.string() }),
});

export const uploadResultSchema = z
  .object({ uploaded: z.array(nodeSchema), failed: z.array(uploadFailureSchema) })
  .meta({ id: 'UploadResult' });

const fileBytes = { type: 'string', contentMediaType: 'application/octet-stream', format: 'binary' };

// The upload bodies are documented, not declared as body schemas: Fastify would then parse and
// validate them before the handler, and the handler reads them as streams.

/** The multipart upload's body (POST /api/files): fields first, then the files they apply to. */
export const multipartUploadDocs = {
  requestBody: {
    'multipart/form-data': {
      type: 'object',
      properties: {
        parentId: { type: 'string', description: 'The folder to upload into; the root when absent, empty or "root"' },
        conflict: {
          type: 'string',
          enum: ['fail', 'rename', 'replace'],
          default: 'fail',
          description: 'What to do when the name is taken',
        },
        modifiedAt: { type: 'string', description: 'ISO 8601 or epoch milliseconds: the modification time of the files after it' },
        file: { type: 'array', items: fileBytes, description: "One part per file (its filename is the file's name), after the fields" },
      },
      required: ['file'],
    },
  },
} satisfies OperationDocs;

/** The raw upload's body (PUT /api/files/content): the file's bytes, of any media type. */
export const rawUploadDocs = {
  requestBody: {
    'application/octet-stream': {
      ...fileBytes,
      description: "The file's bytes, streamed; the stored type comes from the name, whatever Content-Type says",
    },
    '*/*': fileBytes,
  },
} satisfies OperationDocs;
