import { z } from 'zod';
import { isoTimestamp } from './common.schemas.js';
import type { FileNodeRow } from '../db/schema/index.js';
import type { ListedNode, LiveNode } from '../repositories/nodes.repository.js';
import type { Listing } from '../services/tree.service.js';

export const nodeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['file', 'folder']),
    parentId: z.string().nullable(),
    size: z.number(),
    mimeType: z.string().nullable(),
    sha256: z.string().nullable(),
    favorite: z.boolean(),
    etag: z.string(),
    modifiedAt: isoTimestamp(),
    createdAt: isoTimestamp(),
    updatedAt: isoTimestamp(),
    trashedAt: isoTimestamp().nullable().optional(),
    originalParentId: z.string().nullable().optional(),
    originalFolderName: z
      .string()
      .nullable()
      .optional()
      .describe('Trash listings: the name of the folder the item was trashed from while it is live (where Restore puts it back), else null'),
  })
  .meta({ id: 'Node' });
export type NodeDto = z.infer<typeof nodeSchema>;

export const breadcrumbSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Breadcrumb' });

/** A time in the contract's form; listings bring theirs formatted already. */
function isoTime(time: Date | string): string {
  return typeof time === 'string' ? time : time.toISOString();
}

/** A node as the contract shows it; trash listings add trashedAt, originalParentId and originalFolderName. */
export function toNodeDto(
  row: (LiveNode | ListedNode) & Partial<Pick<FileNodeRow, 'trashedAt' | 'originalParentId'>> & { originalFolderName?: string | null },
  options: { trash?: boolean } = {},
): NodeDto {
  const dto: NodeDto = {
    id: row.id,
    name: row.name,
    type: row.type,
    parentId: row.parentId,
    size: row.type === 'folder' ? 0 : row.size,
    mimeType: row.mimeType,
    sha256: row.sha256,
    favorite: row.favorite,
    etag: row.etag,
    modifiedAt: isoTime(row.modifiedAt),
    createdAt: isoTime(row.createdAt),
    updatedAt: isoTime(row.updatedAt),
  };
  if (options.trash) {
    dto.trashedAt = row.trashedAt?.toISOString() ?? null;
    dto.originalParentId = row.originalParentId ?? null;
    // Only where it was looked up (the trash listing), not on the answer to a move to the trash.
    if (row.originalFolderName !== undefined) {
      dto.originalFolderName = row.originalFolderName;
    }
  }
  return dto;
}

export const listQuery = z.object({
  sort: z.enum(['name', 'size', 'createdAt', 'type']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const listingSchema = z
  .object({
    folder: nodeSchema.nullable(),
    breadcrumbs: z.array(breadcrumbSchema),
    items: z.array(nodeSchema),
    total: z.number(),
  })
  .meta({ id: 'Listing' });

export const createFolderBody = z.object({
  name: z.string().max(4096),
  parentId: z.string().nullable().optional(),
});

export const updateNodeBody = z
  .object({
    name: z.string().max(4096).optional(),
    parentId: z.string().nullable().optional(),
    favorite: z.boolean().optional(),
  });

export const copyNodeBody = z.object({
  parentId: z.string().nullable(),
  name: z.string().max(4096).optional(),
});

/** A folder listing as the contract shows it. */
export function toListingDto(listing: Listing): z.infer<typeof listingSchema> {
  return {
    folder: listing.folder ? toNodeDto(listing.folder) : null,
    breadcrumbs: listing.breadcrumbs,
    items: listing.items.map((item) => toNodeDto(item)),
    total: listing.total,
  };
}
