import { z } from 'zod';
import { dateFromIso, isoTimestamp } from './common.schemas.js';
import type { SearchProfileRow } from '../db/schema/index.js';
import { invalidRequest } from '../errors.js';
import { nodeSchema } from './nodes.schemas.js';

/** "2024-05-01" or a full ISO 8601 time; a bare date as an upper bound means the end of that day. */
export function parseDateBound(raw: string | undefined | null, field: string, end: boolean): Date | undefined {
  if (raw === undefined || raw === null || raw === '') {
    return undefined;
  }
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const date = dateFromIso(dateOnly && end ? `${raw}T23:59:59.999Z` : raw);
  // JavaScript rolls a day that does not exist over ("2024-02-30" would be 1 March): refuse it.
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(raw);
  const calendar = day ? new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))) : undefined;
  if (!day || Number.isNaN(date.getTime()) || calendar?.getUTCMonth() !== Number(day[2]) - 1 || calendar.getUTCDate() !== Number(day[3])) {
    throw invalidRequest(`${field}: must be a date (YYYY-MM-DD) or an ISO 8601 time`);
  }
  // The database takes years 1 to 9999 as we write them (an offset can move "0001-01-01" into year 0).
  if (date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    throw invalidRequest(`${field}: must be between the years 1 and 9999 (UTC)`);
  }
  return date;
}

// Names never contain control characters, and the database refuses NUL in text: such input is a 400.
const NO_CONTROLS = /^[^\u0000-\u001f\u007f]*$/;
const noControlsMessage = 'must not contain control characters';

const byteCount = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const searchQuery = z.object({
  // Names are stored composed (NFC), so a decomposed "é" (macOS, some keyboards) must be composed to match.
  q: z.string().max(255).regex(NO_CONTROLS, noControlsMessage).trim().normalize('NFC').default(''),
  types: z.string().max(1000).default(''),
  sizeMin: byteCount.optional(),
  sizeMax: byteCount.optional(),
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const pageQuery = searchQuery.pick({ limit: true, offset: true });

export const searchResultsSchema = z
  .object({ results: z.array(nodeSchema.extend({ path: z.string() })), total: z.number() })
  .meta({ id: 'SearchResults' });

const profileFields = {
  name: z.string().trim().normalize('NFC').min(1, 'must not be empty').max(100).regex(NO_CONTROLS, noControlsMessage),
  query: z.string().max(255).regex(NO_CONTROLS, noControlsMessage).trim().normalize('NFC'),
  fileTypes: z.array(z.string().max(32)).max(50),
  sizeMin: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  sizeMax: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  dateFrom: z.string().max(64).nullable().optional(),
  dateTo: z.string().max(64).nullable().optional(),
};

export const createProfileBody = z.object({ ...profileFields, query: profileFields.query.default(''), fileTypes: profileFields.fileTypes.default([]) });
export const updateProfileBody = z.object(profileFields).partial();

export const profileSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    query: z.string(),
    fileTypes: z.array(z.string()),
    sizeMin: z.number().nullable(),
    sizeMax: z.number().nullable(),
    dateFrom: isoTimestamp().nullable(),
    dateTo: isoTimestamp().nullable(),
    createdAt: isoTimestamp(),
    updatedAt: isoTimestamp(),
  })
  .meta({ id: 'SearchProfile' });

export function toProfileDto(row: SearchProfileRow): z.infer<typeof profileSchema> {
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    fileTypes: row.fileTypes,
    sizeMin: row.sizeMin,
    sizeMax: row.sizeMax,
    dateFrom: row.dateFrom?.toISOString() ?? null,
    dateTo: row.dateTo?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
