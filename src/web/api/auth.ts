import { apiRequest } from './http';
import type { User } from './types';

/** Creates an account; the server signs the new user in with a session cookie. */
export function register(input: { username: string; email: string; password: string }): Promise<{ user: User }> {
  return apiRequest('POST', '/api/auth/register', input, { quiet401: true });
}

/** Whether this server lets anyone create an account (its operator may have closed sign-up). */
export async function fetchRegistrationOpen(signal: AbortSignal): Promise<boolean> {
  const answer: { open: boolean } = await apiRequest('GET', '/api/auth/registration', undefined, { signal });
  return answer.open;
}

/** Signs in; `next` comes back as `redirectTo` when it is a same-origin path. */
export function login(input: {
  email: string;
  password: string;
  remember: boolean;
  next?: string;
}): Promise<{ user: User; redirectTo?: string }> {
  return apiRequest('POST', '/api/auth/login', input, { quiet401: true });
}

/** Revokes the session on the server. */
export function logout(): Promise<void> {
  return apiRequest('POST', '/api/auth/logout', undefined, { quiet401: true });
}

/**
 * The signed-in user with storage use, or null when signed out. Asked of /api/auth/session, which
 * answers 200 either way: /api/me's 401 would show as an error in the console of every signed-out
 * visit.
 */
export async function fetchSession(): Promise<User | null> {
  const answer: { user: User | null } = await apiRequest('GET', '/api/auth/session');
  return answer.user;
}

/** Changes the password; other sessions are signed out. */
export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return apiRequest('POST', '/api/me/password', { currentPassword, newPassword });
}
