import { readStoredRecord, writeStoredRecord } from './stored-record';

/**
 * The password links this browser unlocked, and until when. The unlock cookie is HttpOnly, so the
 * page cannot see it; without this note it could only learn whether the cookie still opens a link
 * by asking for the content and getting a 401 (which the browser logs as an error) on every first
 * visit. With it, a first visit shows the password prompt at once, and only a remembered unlock is
 * checked against the server.
 */
const KEY = 'fileflow.unlockedShares';

/** How long the server's unlock cookie lasts (shares.service.ts UNLOCK_TTL_MS). */
const UNLOCK_TTL_MS = 3600_000;

function read(): Record<string, number> {
  // Expired notes go, so the list stays as short as the cookies are alive.
  return Object.fromEntries(
    Object.entries(readStoredRecord(KEY)).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > Date.now()),
  );
}

const write = (unlocked: Record<string, number>) => writeStoredRecord(KEY, unlocked);

/** Notes that this browser has just unlocked the link. */
export function rememberUnlock(token: string): void {
  write({ ...read(), [token]: Date.now() + UNLOCK_TTL_MS });
}

/** Whether this browser unlocked the link recently enough that its cookie may still open it. */
export function mayBeUnlocked(token: string): boolean {
  return token in read();
}

/** Forgets an unlock the server no longer accepts (cookie expired, password changed). */
export function forgetUnlock(token: string): void {
  const unlocked = read();
  delete unlocked[token];
  write(unlocked);
}
