import { z } from 'zod';
import { isoTimestamp } from './common.schemas.js';
import type { AccountRow } from '../db/schema/index.js';
import type { HeaderDoc } from '../plugins/openapi.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../security/secrets.js';

export const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    email: z.string(),
    storageUsed: z.number(),
    storageQuota: z.number(),
    storagePercentage: z.number(),
    createdAt: isoTimestamp(),
  })
  .meta({ id: 'User' });

const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

export const registerBody = z.object({
  username: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[^\u0000-\u001f\u007f/@]+$/u, 'must not contain control characters, "/" or "@"'),
  email: z.string().trim().max(320).pipe(z.email('must be an email address')),
  password,
});

export const registrationResponse = z.object({ open: z.boolean() }).meta({ id: 'Registration' });

export const loginBody = z.object({
  // No address has control characters, and the database refuses NUL in text: such input is a 400.
  email: z
    .string()
    .trim()
    .max(320)
    .regex(/^[^\u0000-\u001f\u007f]*$/u, 'must not contain control characters'),
  password: z.string().max(1024),
  remember: z.boolean().optional(),
  next: z.string().max(2048).optional(),
});

/**
 * The login's query string: `next` may come here too, as in the web page's own address
 * (/login?next=…). One that is not a single short string is ignored, as an unsafe one becomes
 * "/": it is a hint, and a sign-in is no place to refuse over it.
 */
export const loginQuery = z.object({ next: z.string().max(2048).optional().catch(undefined) });

export const changePasswordBody = z.object({
  currentPassword: z.string().max(1024),
  newPassword: password,
});

export const authResponse = z.object({ user: userSchema, redirectTo: z.string().optional() });

/** The session cookie (setSessionCookie in plugins/auth.ts), for the OpenAPI document. */
export const sessionCookie = {
  set: {
    'Set-Cookie': {
      description: '`ff_session`: the new session (HttpOnly, SameSite=Lax, Path=/; with Max-Age when it is kept across browser restarts)',
    },
  },
  cleared: { 'Set-Cookie': { description: '`ff_session` cleared' } },
} satisfies Record<string, Record<string, HeaderDoc>>;

/** Who is signed in: null when the request carries no valid session or token. */
export const sessionResponse = z.object({ user: userSchema.nullable() });

/** Storage use as a percentage of the quota, with two decimals. */
export function storagePercentage(used: number, quota: number): number {
  return quota > 0 ? Math.round((used / quota) * 10_000) / 100 : 0;
}

export function toUserDto(row: AccountRow): z.infer<typeof userSchema> {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    storageUsed: row.storageUsed,
    storageQuota: row.storageQuota,
    storagePercentage: storagePercentage(row.storageUsed, row.storageQuota),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * A `next` target is honoured only when it is a path on this origin: "/…" but not "//…" or "/\…",
 * which browsers read as another host. Anything else sends the user home.
 */
export function safeNextPath(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\u0000-\u001f\\]/.test(next)) {
    return '/';
  }
  return next;
}
