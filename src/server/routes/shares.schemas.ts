import { z } from 'zod';
import type { FileNodeRow, ShareRow } from '../db/schema/index.js';
import type { OperationDocs } from '../plugins/openapi.js';
import { contentDocs, isoTimestamp, zipDocs } from './common.schemas.js';

/** An expiry as ISO 8601: a time (with its offset) or a date alone (its start, UTC), as upload times and search bounds take them. */
const expiryTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { message: 'must be an ISO 8601 time or date' });

// The optional fields take null for "not given", as the answers write them (`maxDownloads: null`).
export const createShareBody = z.object({
  nodeId: z.string().max(100),
  expiresAt: expiryTime.nullish(),
  expiresInDays: z.number().int().min(1).max(3650).nullish(),
  password: z.string().min(1).max(1024).nullish(),
  maxDownloads: z.number().int().min(1).max(1_000_000_000).nullish(),
});

// Absent fields stay as they are; null removes the password or the download limit.
export const updateShareBody = z.object({
  expiresAt: expiryTime.nullish(),
  expiresInDays: z.number().int().min(1).max(3650).nullish(),
  password: z
    .string()
    .min(1)
    .max(1024)
    .nullable()
    .optional()
    .describe('A new password; null removes it. Unlock cookies of the old one stop working.'),
  maxDownloads: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .nullable()
    .optional()
    .describe('A new limit on completed downloads; null removes it. Downloads already counted stay counted.'),
});

export const shareSchema = z
  .object({
    id: z.string(),
    token: z.string().optional().describe('The secret part of the link; absent when the server cannot show it (see GET /api/shares)'),
    url: z.string().optional().describe('The address to hand out: FILEFLOW_PUBLIC_URL (or the request\'s origin) + /s/{token}'),
    nodeId: z.string(),
    nodeName: z.string(),
    nodeType: z.enum(['file', 'folder']),
    expiresAt: isoTimestamp(),
    maxDownloads: z.number().nullable(),
    accessCount: z.number(),
    hasPassword: z.boolean(),
    createdAt: isoTimestamp(),
  })
  .meta({ id: 'Share' });

/** A share as its owner sees it, with its address when that can be shown. */
export function toShareDto(share: ShareRow, node: FileNodeRow, address?: { token: string; url: string }): z.infer<typeof shareSchema> {
  return {
    id: share.id,
    ...(address ?? {}),
    nodeId: share.nodeId,
    nodeName: node.name,
    nodeType: node.type,
    expiresAt: share.expiresAt.toISOString(),
    maxDownloads: share.maxDownloads,
    accessCount: share.accessCount,
    hasPassword: share.passwordHash !== null,
    createdAt: share.createdAt.toISOString(),
  };
}

export const publicShareSchema = z
  .object({
    name: z.string(),
    type: z.enum(['file', 'folder']),
    size: z.number(),
    mimeType: z.string().nullable(),
    expiresAt: isoTimestamp(),
    requiresPassword: z.boolean(),
    downloadsLeft: z
      .number()
      .nullable()
      .describe('Completed downloads the link still allows (null: no limit). Every completed download counts, previews (?inline=1) too, and each partial (Range) answer of a limited link.'),
  })
  .meta({ id: 'PublicShare' });

export const tokenParams = z.object({ token: z.string().max(200) });

/** The password of a protected link, read by every public route that reaches its content (public-shares.routes.ts). */
export const sharePasswordDocs = {
  requestHeaders: {
    'X-Share-Password': {
      description:
        "The link's password (UTF-8), on a link that has one; instead, the cookie set by POST /api/public/shares/{token}/unlock. Wrong or missing: 401 `password_required`",
    },
  },
} satisfies OperationDocs;

/** A download through a link: the password, then a download's headers. */
export const sharedContentDocs = {
  ...contentDocs,
  requestHeaders: { ...sharePasswordDocs.requestHeaders, ...contentDocs.requestHeaders },
} satisfies OperationDocs;

export const sharedZipDocs = { ...zipDocs, ...sharePasswordDocs } satisfies OperationDocs;

/** The unlock answer's cookie (POST /api/public/shares/{token}/unlock). */
export const unlockDocs = {
  responseHeaders: {
    204: {
      'Set-Cookie': {
        description:
          "`ff_share_unlock`: HttpOnly, SameSite=Strict, for this link's paths only, short-lived; set only on a link with a password",
      },
    },
  },
} satisfies OperationDocs;
export const tokenFileParams = z.object({ token: z.string().max(200), id: z.string().max(100) });
